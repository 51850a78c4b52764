"""Preference-optimization losses: pure functions of tensors, no trainer state (the formulas:
`docs/method.md`).

Families: `pairwise` (SFT, DPO, IPO, SimPO, CPO), `dpo_variants` (TRL's other DPO loss types,
R-DPO, ORPO), `contrast` (RPO, SimPO+RPO and the contrast weightings), `unpaired` (KTO),
`group` (SWEPO, InfoNCA, DPO over groups).
"""

from rpo_exp.losses.contrast import (
    WEIGHT_SCALES,
    WEIGHTINGS,
    contrast_weights,
    rpo_loss,
    simpo_rpo_loss,
)
from rpo_exp.losses.dpo_variants import (
    aot_loss,
    aot_unpaired_loss,
    apo_down_loss,
    apo_zero_loss,
    bco_pair_loss,
    discopop_loss,
    exo_pair_loss,
    hinge_loss,
    nca_pair_loss,
    orpo_loss,
    rdpo_loss,
    robust_loss,
    sigmoid_norm_loss,
    sppo_hard_loss,
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
    "aot_loss",
    "aot_unpaired_loss",
    "apo_down_loss",
    "apo_zero_loss",
    "bco_pair_loss",
    "contrast_weights",
    "cpo_loss",
    "discopop_loss",
    "dpo_all_pairs_loss",
    "dpo_loss",
    "dpo_top_vs_rest_loss",
    "exo_pair_loss",
    "hinge_loss",
    "infonca_loss",
    "ipo_loss",
    "kto_loss",
    "nca_pair_loss",
    "orpo_loss",
    "rdpo_loss",
    "robust_loss",
    "rpo_loss",
    "sft_loss",
    "sigmoid_norm_loss",
    "simpo_loss",
    "simpo_rpo_loss",
    "sppo_hard_loss",
    "swepo_loss",
]
