"""What every loss returns, and the checks they share."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

import torch
from torch import Tensor


@dataclass
class LossOutput:
    """`.loss` is 0-dim; rewards are per item (detached) where the loss defines them;
    `.metrics` holds the loss's own diagnostics under their logged names (docs/method.md,
    "Metrics"); `.per_item`: the per-pair losses whose mean `.loss` is, where it is such a mean
    (WPO weighs them, docs/method.md, "WPO weighting")."""

    loss: Tensor
    chosen_rewards: Tensor | None = None
    rejected_rewards: Tensor | None = None
    metrics: dict[str, Tensor] = field(default_factory=dict)
    per_item: Tensor | None = None


_FLOOR: ContextVar[torch.dtype] = ContextVar("loss_precision", default=torch.float32)


@contextlib.contextmanager
def loss_precision(dtype: torch.dtype) -> Iterator[None]:
    """Within the block, losses whose inputs are all `dtype` compute in it (bf16: the released
    RPO code's arithmetic, `protocol.loss_dtype`); outside, never below fp32."""
    token = _FLOOR.set(dtype)
    try:
        yield
    finally:
        _FLOOR.reset(token)


def compute_dtype(*tensors: Tensor) -> torch.dtype:
    """fp32, or fp64 when any input is fp64: losses never compute in half precision, unless
    `loss_precision` asks for it."""
    dtype = _FLOOR.get()
    for t in tensors:
        if not t.is_floating_point():
            raise ValueError(f"expected a float tensor, got {t.dtype}")
        dtype = torch.promote_types(dtype, t.dtype)
    return dtype


def check_1d_same_length(**tensors: Tensor) -> int:
    """All named tensors are 1-D of one length; the error names the offending argument."""
    lengths = {}
    for name, t in tensors.items():
        if t.dim() != 1:
            raise ValueError(f"{name} must be 1-D, got shape {tuple(t.shape)}")
        lengths[name] = t.shape[0]
    if len(set(lengths.values())) > 1:
        raise ValueError(f"mismatched lengths: {lengths}")
    return next(iter(lengths.values()))


def check_lengths(**lengths: Tensor) -> None:
    """Response lengths divide log-probs: each must be > 0."""
    for name, t in lengths.items():
        if (t <= 0).any():
            raise ValueError(f"{name} must be > 0 (an empty response has no tokens)")


def check_positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")
