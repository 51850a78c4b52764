"""Unpaired baseline (docs/method.md, "Pairwise baselines"): KTO (desirable / undesirable
items, reference point z0)."""

from __future__ import annotations

import torch
from torch import Tensor

from rpo_exp.losses.output import LossOutput, check_1d_same_length, check_positive, compute_dtype


def kto_loss(
    policy_logps: Tensor,
    ref_logps: Tensor,
    desirable: Tensor,
    policy_kl_logps: Tensor,
    ref_kl_logps: Tensor,
    *,
    beta: float = 0.1,
    desirable_weight: float = 1.0,
    undesirable_weight: float = 1.0,
) -> LossOutput:
    """KTO (KTO paper Eq. 8; RPO paper Eq. 6-8): desirable lambda_D (1 - sigma(beta (delta(y) -
    z0))), undesirable lambda_U (1 - sigma(beta (z0 - delta(y)))), z0 = max(0, mean delta(y'|x))
    over the mismatched (KL) pairs, detached. Metric `kto/z0`. Under multi-GPU training the
    caller averages the KL pairs across ranks before calling (docs/method.md, "Multi-process
    training")."""
    check_1d_same_length(policy_logps=policy_logps, ref_logps=ref_logps, desirable=desirable)
    n_kl = check_1d_same_length(policy_kl_logps=policy_kl_logps, ref_kl_logps=ref_kl_logps)
    if desirable.dtype != torch.bool:
        raise ValueError(f"desirable must be a bool tensor, got {desirable.dtype}")
    if n_kl == 0:
        raise ValueError("policy_kl_logps is empty: KTO needs mismatched pairs to estimate z0")
    check_positive("beta", beta)
    check_positive("desirable_weight", desirable_weight)
    check_positive("undesirable_weight", undesirable_weight)
    dtype = compute_dtype(policy_logps, ref_logps, policy_kl_logps, ref_kl_logps)
    z0 = (policy_kl_logps.to(dtype) - ref_kl_logps.to(dtype)).mean().clamp_min(0).detach()
    delta = policy_logps.to(dtype) - ref_logps.to(dtype)
    losses = torch.where(
        desirable,
        desirable_weight * (1 - torch.sigmoid(beta * (delta - z0))),
        undesirable_weight * (1 - torch.sigmoid(beta * (z0 - delta))),
    )
    rewards = beta * delta.detach()
    return LossOutput(
        loss=losses.mean(),
        chosen_rewards=rewards[desirable],
        rejected_rewards=rewards[~desirable],
        metrics={"kto/z0": z0},
    )
