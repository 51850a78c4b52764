"""Pairwise baselines, SPEC 1: SFT and DPO (cDPO with label smoothing)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from rpo_exp.losses.output import LossOutput, check_1d_same_length, check_positive, compute_dtype


def sft_loss(policy_chosen_logps: Tensor, chosen_lengths: Tensor) -> LossOutput:
    """SFT, SPEC 1: -sum_i logp(y_w,i) / sum_i |y_w,i| (token average over the batch)."""
    check_1d_same_length(policy_chosen_logps=policy_chosen_logps, chosen_lengths=chosen_lengths)
    dtype = compute_dtype(policy_chosen_logps)
    if (chosen_lengths <= 0).any():
        raise ValueError("chosen_lengths must be > 0 (an empty response has no tokens to learn)")
    loss = -policy_chosen_logps.to(dtype).sum() / chosen_lengths.to(dtype).sum()
    return LossOutput(loss=loss)


def dpo_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    label_smoothing: float = 0.0,
) -> LossOutput:
    """DPO, SPEC 1 (DPO paper Eq. 7): -(1-eps) logsig(beta h) - eps logsig(-beta h),
    h = delta(y_w) - delta(y_l); eps > 0 is conservative DPO (cDPO)."""
    check_1d_same_length(
        policy_chosen_logps=policy_chosen_logps,
        policy_rejected_logps=policy_rejected_logps,
        ref_chosen_logps=ref_chosen_logps,
        ref_rejected_logps=ref_rejected_logps,
    )
    check_positive("beta", beta)
    if not 0.0 <= label_smoothing < 0.5:
        raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}")
    dtype = compute_dtype(policy_chosen_logps, policy_rejected_logps)
    chosen = policy_chosen_logps.to(dtype) - ref_chosen_logps.to(dtype)
    rejected = policy_rejected_logps.to(dtype) - ref_rejected_logps.to(dtype)
    logits = beta * (chosen - rejected)
    losses = -(1 - label_smoothing) * F.logsigmoid(logits) - label_smoothing * F.logsigmoid(-logits)
    return LossOutput(
        loss=losses.mean(),
        chosen_rewards=beta * chosen.detach(),
        rejected_rewards=beta * rejected.detach(),
    )
