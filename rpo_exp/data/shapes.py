"""Which batch shape a (loss, dataset) combination trains with, and the data conversions it
needs; an unsupported combination fails before any weights load, saying what would work.

| loss kind \\ data | paired             | unpaired          | grouped                     |
|------------------|--------------------|-------------------|-----------------------------|
| pairwise (dpo..) | pairs              | error             | pairs by dataset.pairing    |
| sft              | chosen             | desirable items   | best of dataset.pairing     |
| contrast (rpo..) | pairs (M = N), or  | M x N             | pairs by dataset.pairing    |
|                  | M x N if unpaired  |                   |                             |
| kto              | items from pairs   | items             | items from pairs            |
| group (swepo..)  | error              | error             | groups                      |
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

from omegaconf import DictConfig

from rpo_exp.batching import KTO, Grouped, Paired, Shape, UnpairedContrast
from rpo_exp.data.records import Example
from rpo_exp.errors import ConfigError

log = logging.getLogger(__name__)
Convert = Callable[[list[Example]], list[Example]]
PAIRINGS = ("best_vs_random", "best_vs_worst")
GROUPED_DATASETS = "dataset=ultrafeedback_sample / ultrafeedback_armorm_sample (or their hub twins)"


def loss_kind(tensors: tuple[str, ...]) -> str:
    if "group_ids" in tensors:
        return "group"
    if "desirable" in tensors:
        return "kto"
    if "weights" in tensors:
        return "contrast"
    if "policy_rejected_logps" not in tensors:
        return "sft"
    return "pairwise"


def plan(loss_name: str, kind: str, data_shape: str, cfg: DictConfig) -> tuple[Convert, Shape]:
    """(conversion of the loaded Examples, batch shape) for this loss on this data."""
    if cfg.pairing not in PAIRINGS:
        raise ConfigError(f"dataset.pairing={cfg.pairing}: must be one of {', '.join(PAIRINGS)}")
    pairs = (lambda ex: to_pairs(ex, cfg.pairing)) if data_shape == "grouped" else _same
    if kind == "group":
        if data_shape != "grouped":
            raise ConfigError(
                f"loss={loss_name} needs grouped data (several scored responses per prompt): "
                f"{GROUPED_DATASETS}; dataset={cfg.name} is {data_shape}"
            )
        return _same, Grouped()
    if kind == "kto":
        return (lambda ex: to_unpaired(pairs(ex))) if data_shape != "unpaired" else _same, KTO()
    if kind == "sft":
        if data_shape == "unpaired":
            return (lambda ex: [e for e in ex if e.desirable]), Paired(with_rejected=False)
        return pairs, Paired(with_rejected=False)
    if kind == "contrast":
        if data_shape == "unpaired":
            return _same, UnpairedContrast()
        if cfg.unpaired:
            return (lambda ex: to_unpaired(pairs(ex))), UnpairedContrast()
        return pairs, Paired()
    if data_shape == "unpaired":
        raise ConfigError(
            f"loss={loss_name} needs chosen/rejected pairs of one prompt; dataset={cfg.name} is "
            "unpaired (single labelled completions): use loss=kto or loss=rpo"
        )
    return pairs, Paired()


def _same(examples: list[Example]) -> list[Example]:
    return examples


def to_unpaired(examples: list[Example]) -> list[Example]:
    """Each pair -> an independent desirable (chosen) and undesirable (rejected) item."""
    out = []
    for e in examples:
        out += [Example(e.prompt, (e.chosen,), (1.0,)), Example(e.prompt, (e.rejected,), (0.0,))]
    return out


def to_pairs(examples: list[Example], pairing: str, seed: int = 0) -> list[Example]:
    """Scored groups -> pairs: the first best response against a seeded random strictly worse one
    (`best_vs_random`, the UltraFeedback-binarized recipe) or the worst (`best_vs_worst`).
    The seed is fixed: the pairs are a property of the data, the same for every run. Groups
    whose scores are all equal carry no preference: dropped, counted and logged."""
    rng = random.Random(seed)
    out, ties = [], 0
    for e in examples:
        best = max(range(len(e.scores)), key=lambda k: (e.scores[k], -k))
        worse = [k for k, s in enumerate(e.scores) if s < e.scores[best]]
        if not worse:
            ties += 1
            continue
        if pairing == "best_vs_worst":
            other = min(worse, key=lambda k: (e.scores[k], k))
        else:
            other = rng.choice(worse)
        out.append(Example.pair(e.prompt, e.responses[best], e.responses[other]))
    if ties:
        log.warning("pairing: dropped %d groups whose scores are all equal", ties)
    return out
