"""Preference-optimization losses: pure functions of tensors (SPEC 4), no trainer state.

Families: `pairwise` (SFT, DPO), `contrast` (RPO and its weightings).
"""

from rpo_exp.losses.contrast import WEIGHT_SCALES, WEIGHTINGS, contrast_weights, rpo_loss
from rpo_exp.losses.output import LossOutput
from rpo_exp.losses.pairwise import dpo_loss, sft_loss

__all__ = [
    "WEIGHTINGS",
    "WEIGHT_SCALES",
    "LossOutput",
    "contrast_weights",
    "dpo_loss",
    "rpo_loss",
    "sft_loss",
]
