"""Conversions between the data forms (paired, unpaired, grouped) that a loss may need
(`docs/method.md`, "Data forms and batch layouts")."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from rpo_exp.common.errors import DataError
from rpo_exp.data.records import Example

log = logging.getLogger(__name__)
PAIRINGS = ("best_vs_random", "best_vs_worst")


@dataclass
class Converted:
    examples: list[Example]
    dropped: int  # groups whose scores are all equal, dropped by pairing (a counted skip)


@dataclass(frozen=True)
class Conversion:
    """Loaded Examples -> the form a loss trains on (`training.layouts.plan` picks it): grouped
    data to pairs by `pairing` (None: no pairing), then pairs to independent items (`unpaired`),
    then only the desirable items (`desirable_only`). `conversion(examples)` gives the examples;
    `conversion.apply(examples, source)` also counts the groups pairing dropped, and fails
    naming `dataset` and `source` when nothing usable is left."""

    dataset: str = ""
    pairing: str | None = None
    unpaired: bool = False
    desirable_only: bool = False

    def __call__(self, examples: list[Example]) -> list[Example]:
        return self.apply(examples).examples

    def apply(self, examples: list[Example], source: str = "") -> Converted:
        where = f"dataset={self.dataset}" + (f" ({source})" if source else "")
        dropped = 0
        if self.pairing is not None:
            examples, dropped = pair_groups(examples, self.pairing, where=where)
        if self.unpaired:
            examples = to_unpaired(examples)
        if self.desirable_only:
            kept = [e for e in examples if e.desirable]
            if examples and not kept:
                raise DataError(
                    f"{where}: no desirable examples (every label is false); "
                    "SFT trains on the desirable ones only"
                )
            examples = kept
        return Converted(examples, dropped)


def to_unpaired(examples: list[Example]) -> list[Example]:
    """Each pair -> an independent desirable (chosen) and undesirable (rejected) item."""
    out = []
    for e in examples:
        out += [Example(e.prompt, (e.chosen,), (1.0,)), Example(e.prompt, (e.rejected,), (0.0,))]
    return out


def pair_groups(
    examples: list[Example], pairing: str, seed: int = 0, where: str = "grouped data"
) -> tuple[list[Example], int]:
    """Scored groups -> (pairs, groups dropped): the first best response against a seeded
    random strictly worse one (`best_vs_random`, the UltraFeedback-binarized recipe) or the
    worst (`best_vs_worst`). The seed is fixed: the pairs are a property of the data, the same
    for every run. Groups whose scores are all equal carry no preference: dropped, counted and
    logged; if every group is, a DataError naming `where` (nothing to train on)."""
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
    if examples and not out:
        raise DataError(
            f"{where}: no usable pairs: all {ties} groups have tied scores (a pairwise loss "
            "needs a response scored strictly below the best); use data whose scores differ "
            "within a group, or a group loss (loss=swepo) that does not pair them"
        )
    if ties:
        log.warning("%s: pairing dropped %d groups whose scores are all equal", where, ties)
    return out, ties
