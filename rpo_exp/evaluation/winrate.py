"""Win rate of a model against an opponent from pairwise verdicts: ties count half, a
comparison's score is the mean over its valid repeats, and the 95% interval is a percentile
bootstrap over comparisons (paper Table 6: 256 comparisons)."""

from __future__ import annotations

import statistics

import numpy as np


def win_rate(scores: list[list[float | None]], bootstrap: int, seed: int) -> dict:
    """`scores[i][r]`: comparison i, repeat r -> 1 (model wins), 0.5 (tie), 0 (loses) or None
    (invalid). Comparisons without a valid repeat are left out and counted in `invalid`."""
    repeats = max((len(s) for s in scores), default=0)
    per_comparison = [
        statistics.fmean(valid) for s in scores if (valid := [x for x in s if x is not None])
    ]
    flat = [x for s in scores for x in s]
    result = {
        "n": len(per_comparison),
        "invalid": len(scores) - len(per_comparison),
        "judgments": len(flat),
        "invalid_judgments": sum(x is None for x in flat),
        "wins": sum(x == 1.0 for x in flat),
        "ties": sum(x == 0.5 for x in flat),
        "losses": sum(x == 0.0 for x in flat),
        "repeats": repeats,
    }
    if not per_comparison:
        return result | {"win_rate": None, "ci_low": None, "ci_high": None}
    values = np.asarray(per_comparison)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(bootstrap, len(values)))].mean(axis=1)
    by_repeat = []
    for r in range(repeats):
        valid = [s[r] for s in scores if r < len(s) and s[r] is not None]
        by_repeat.append(statistics.fmean(valid) if valid else None)
    spread = [x for x in by_repeat if x is not None]
    return result | {
        "win_rate": float(values.mean()),
        "ci_low": float(np.percentile(means, 2.5)),
        "ci_high": float(np.percentile(means, 97.5)),
        "repeat_win_rates": by_repeat,
        "repeat_std": statistics.stdev(spread) if len(spread) > 1 else 0.0,
    }
