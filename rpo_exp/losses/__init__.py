"""Preference-optimization losses: pure functions of tensors, no trainer state (the formulas:
`docs/method.md`).

Families: `pairwise` (SFT, DPO, IPO, SimPO, CPO), `contrast` (RPO, SimPO+RPO and the contrast
weightings), `unpaired` (KTO), `group` (SWEPO, InfoNCA, DPO over groups).
"""

from rpo_exp.losses.contrast import (
    WEIGHT_SCALES,
    WEIGHTINGS,
    contrast_weights,
    rpo_loss,
    simpo_rpo_loss,
)
from rpo_exp.losses.group import (
    SWEPO_VARIANTS,
    dpo_all_pairs_loss,
    dpo_top_vs_rest_loss,
    infonca_loss,
    swepo_loss,
)
from rpo_exp.losses.output import LossOutput
from rpo_exp.losses.pairwise import cpo_loss, dpo_loss, ipo_loss, sft_loss, simpo_loss
from rpo_exp.losses.unpaired import kto_loss

__all__ = [
    "SWEPO_VARIANTS",
    "WEIGHTINGS",
    "WEIGHT_SCALES",
    "LossOutput",
    "contrast_weights",
    "cpo_loss",
    "dpo_all_pairs_loss",
    "dpo_loss",
    "dpo_top_vs_rest_loss",
    "infonca_loss",
    "ipo_loss",
    "kto_loss",
    "rpo_loss",
    "sft_loss",
    "simpo_loss",
    "simpo_rpo_loss",
    "swepo_loss",
]
