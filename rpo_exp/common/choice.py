"""A seeded choice of distinct items, the same in every run: the held-out prompts a run
evaluates on, samples while training and is judged on, and the prompts on-policy data is
sampled from."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np
import torch


def torch_permutation(n: int, seed: int) -> list[int]:
    """The training side's draw (held-out evaluation subset, training samples)."""
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()


def numpy_permutation(n: int, seed: int) -> list[int]:
    """`evaluate`'s draw of held-out prompts (`eval.seed`), kept so that its win rates stay
    comparable with those of earlier versions."""
    return np.random.default_rng(seed).permutation(n).tolist()


def distinct_choice(
    keys: Sequence[Hashable | None],
    count: int | None,
    seed: int | None,
    permutation: Callable[[int, int], list[int]] = torch_permutation,
) -> list[int]:
    """Indices of at most `count` items with distinct keys, in index order: the first item of
    each key (a None key: not eligible), then `count` of them drawn by `permutation` seeded
    with `seed`, or the first `count` where `seed` is None."""
    first: dict[Hashable, int] = {}
    for index, key in enumerate(keys):
        if key is not None:
            first.setdefault(key, index)
    candidates = list(first.values())
    if seed is None or count is None or count >= len(candidates):
        return candidates[:count]
    order = permutation(len(candidates), seed)
    return sorted(candidates[i] for i in order[:count])
