"""Numeric precision of training: the one place that decides weight and compute dtypes.

`trainer.precision`:
- `bf16-mixed`: fp32 master weights and optimizer state, bf16 autocast compute (the policy, the
  reference pass and the bench all score through `SequenceScorer`, which applies the autocast).
  An update of lr 5e-7 changes every weight, as it should.
- `fp32`: fp32 weights and compute.
- `bf16-true`: bf16 weights and compute, an explicit opt-in: updates much smaller than a
  weight's bf16 spacing (1/128 of its magnitude) round away, so most weights never move at
  the papers' learning rates. Logged once.
- `auto` (the default): `bf16-mixed` for a model loaded in bfloat16 (`model.dtype`), else `fp32`.

`model.dtype` stays the dtype weights are loaded and saved in (`final/` is written in it).
The master weights are cast before accelerate wraps the model, so FSDP shards fp32 master
parameters and the autocast computes in bf16. Accelerate's own `mixed_precision` is not used:
its state is one per process and cannot change between the runs of a multirun or a test.
"""

from __future__ import annotations

import logging

import torch

log = logging.getLogger(__name__)
PRECISIONS = ("auto", "fp32", "bf16-mixed", "bf16-true")


def resolve(precision: str, model_dtype: torch.dtype) -> str:
    """`auto` -> the precision for weights loaded in `model_dtype`; others as they are."""
    if precision == "auto":
        return "bf16-mixed" if model_dtype == torch.bfloat16 else "fp32"
    return precision


def master_dtype(precision: str) -> torch.dtype:
    """The dtype the trained weights (and so the optimizer state) are kept in."""
    return torch.bfloat16 if precision == "bf16-true" else torch.float32


def autocast_dtype(precision: str) -> torch.dtype | None:
    """The autocast compute dtype, None for none."""
    return torch.bfloat16 if precision == "bf16-mixed" else None


def prepare_weights(model: torch.nn.Module, precision: str) -> torch.nn.Module:
    """Cast the loaded policy's trained weights to the master dtype of `precision` (resolved);
    frozen weights (an adapted policy's base) stay as loaded."""
    if precision == "bf16-true":
        log.warning(
            "trainer.precision=bf16-true: weights and updates are bf16, so updates smaller than "
            "1/128 of a weight round away (most weights do not move at lr 5e-7); "
            "trainer.precision=bf16-mixed keeps fp32 master weights"
        )
    dtype = master_dtype(precision)
    if all(p.requires_grad for p in model.parameters()):
        return model.to(dtype)  # buffers too, as a full fine-tune always did
    for param in model.parameters():
        if param.requires_grad:
            param.data = param.data.to(dtype)
    return model
