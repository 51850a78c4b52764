"""Nested configs as flat `a.b.c` keys: one form for comparing two runs' configs
(`training.rundir.check_resumable`) and for the report's config columns."""

from __future__ import annotations

from typing import Any


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts -> `a.b.c` keys; lists become strings so that every value is hashable."""
    if isinstance(tree, dict):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            out |= flatten(value, f"{prefix}{key}.")
        return out
    return {prefix[:-1]: str(tree) if isinstance(tree, list) else tree}
