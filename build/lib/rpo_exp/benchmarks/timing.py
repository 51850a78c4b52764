"""One timer: contenders timed in alternation, so that drift in the machine's speed (another
process's load) hits every contender alike and their ratios stay put."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping

from rpo_exp.benchmarks.common import sync


def alternating(
    steps: Mapping[str, Callable[[], object]],
    rounds: int,
    warmup: int = 1,
    every: Mapping[str, int] | None = None,
) -> dict[str, list[float]]:
    """Seconds of each step function, round-robin: `warmup` untimed calls of each (in turn),
    then `rounds` rounds that call each contender once, in order, each call synchronized and
    timed; a contender named in `every` runs only in rounds 0, every, 2 * every, .. (spread
    over the whole phase)."""
    every = every or {}
    for _ in range(warmup):
        for step in steps.values():
            step()
    times: dict[str, list[float]] = {name: [] for name in steps}
    for round_ in range(rounds):
        for name, step in steps.items():
            if round_ % every.get(name, 1):
                continue
            sync()
            start = time.perf_counter()
            step()
            sync()
            times[name].append(time.perf_counter() - start)
    return times


def medians(times: Mapping[str, list[float]]) -> dict[str, float]:
    return {name: statistics.median(values) for name, values in times.items()}
