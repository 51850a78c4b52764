"""A seeded choice of distinct items, the same in every run: the held-out prompts a run
evaluates on, samples while training and is judged on, and the prompts on-policy data is
sampled from."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import torch


def distinct_choice(
    keys: Sequence[Hashable | None], count: int | None, seed: int | None
) -> list[int]:
    """Indices of at most `count` items with distinct keys, in index order: the first item of
    each key (a None key: not eligible), then `count` of them drawn by a permutation seeded
    with `seed` (torch's generator), or the first `count` where `seed` is None."""
    first: dict[Hashable, int] = {}
    for index, key in enumerate(keys):
        if key is not None:
            first.setdefault(key, index)
    candidates = list(first.values())
    if seed is None or count is None or count >= len(candidates):
        return candidates[:count]
    order = torch.randperm(len(candidates), generator=torch.Generator().manual_seed(seed))
    return sorted(candidates[i] for i in order[:count].tolist())
