"""Conversions between the data forms (paired, unpaired, grouped) that a loss may need
(`docs/method.md`, "Data forms and batch layouts")."""

from __future__ import annotations

import logging
import random

from rpo_exp.data.records import Example

log = logging.getLogger(__name__)
PAIRINGS = ("best_vs_random", "best_vs_worst")


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
