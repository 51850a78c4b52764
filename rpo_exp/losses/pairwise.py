"""Pairwise baselines (docs/method.md, "Pairwise baselines"): SFT, DPO (cDPO with label
smoothing, f-DPO with `f_divergence`), IPO, SimPO, CPO."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from rpo_exp.losses.output import (
    LossOutput,
    check_1d_same_length,
    check_lengths,
    check_positive,
    compute_dtype,
)


def sft_loss(policy_chosen_logps: Tensor, chosen_lengths: Tensor) -> LossOutput:
    """SFT: -sum_i logp(y_w,i) / sum_i |y_w,i| (token average over the batch; docs/method.md,
    "Pairwise baselines")."""
    check_1d_same_length(policy_chosen_logps=policy_chosen_logps, chosen_lengths=chosen_lengths)
    dtype = compute_dtype(policy_chosen_logps)
    check_lengths(chosen_lengths=chosen_lengths)
    loss = -policy_chosen_logps.to(dtype).sum() / chosen_lengths.to(dtype).sum()
    return LossOutput(loss=loss)


def smoothed_logistic(logits: Tensor, label_smoothing: float) -> Tensor:
    """-(1 - eps) logsig(z) - eps logsig(-z) per item: the logistic loss of DPO (Eq. 7) and
    CPO, with cDPO's label smoothing eps in [0, 0.5)."""
    if not 0.0 <= label_smoothing < 0.5:
        raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}")
    return -(1 - label_smoothing) * F.logsigmoid(logits) - label_smoothing * F.logsigmoid(-logits)


F_DIVERGENCES = ("reverse_kl", "forward_kl", "js_divergence", "alpha_divergence")
EXP_CLAMP = {torch.float16: 11.0, torch.bfloat16: 80.0, torch.float32: 80.0, torch.float64: 80.0}


def f_scores(
    chosen: Tensor, rejected: Tensor, f_divergence: str, f_alpha: float
) -> tuple[Tensor, Tensor]:
    """f'(t) at t = pi/pi_ref of each side, given its log-ratio u = log t (f-DPO, Wang et al.
    2024, Table 1): reverse_kl u (DPO); forward_kl 1 - e^-u; js_divergence log 2 + logsig(u);
    alpha_divergence (e^((a-1) u) - 1) / (a - 1), the exponent clamped as TRL clamps it (its
    limit a -> 1 is reverse_kl)."""
    if f_divergence == "reverse_kl":
        return chosen, rejected
    if f_divergence == "forward_kl":
        return 1 - torch.exp(-chosen), 1 - torch.exp(-rejected)
    if f_divergence == "js_divergence":
        return math.log(2) + F.logsigmoid(chosen), math.log(2) + F.logsigmoid(rejected)
    if f_divergence == "alpha_divergence":
        if abs(f_alpha - 1.0) < 1e-6:
            return chosen, rejected
        clamp = EXP_CLAMP[chosen.dtype]

        def f(u: Tensor) -> Tensor:
            t = torch.clamp(((f_alpha - 1.0) * u).float(), max=clamp)
            return (torch.exp(t) - 1.0).to(u.dtype) / (f_alpha - 1.0)

        return f(chosen), f(rejected)
    raise ValueError(f"f_divergence must be one of {', '.join(F_DIVERGENCES)}, got {f_divergence}")


def log_ratios(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    beta: float,
    **lengths: Tensor,
) -> tuple[Tensor, Tensor]:
    """Each side's log-ratio log pi/pi_ref, in the loss's compute dtype, inputs checked."""
    check_1d_same_length(
        policy_chosen_logps=policy_chosen_logps,
        policy_rejected_logps=policy_rejected_logps,
        ref_chosen_logps=ref_chosen_logps,
        ref_rejected_logps=ref_rejected_logps,
        **lengths,
    )
    check_positive("beta", beta)
    dtype = compute_dtype(policy_chosen_logps, policy_rejected_logps)
    chosen = policy_chosen_logps.to(dtype) - ref_chosen_logps.to(dtype)
    rejected = policy_rejected_logps.to(dtype) - ref_rejected_logps.to(dtype)
    return chosen, rejected


def dpo_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    label_smoothing: float = 0.0,
    f_divergence: str = "reverse_kl",
    f_alpha: float = 1.0,
) -> LossOutput:
    """DPO (DPO paper Eq. 7; RPO paper Eq. 3): -(1-eps) logsig(beta h) - eps logsig(-beta h),
    h = delta(y_w) - delta(y_l); eps > 0 is conservative DPO (cDPO); another `f_divergence`
    is f-DPO (`f_scores`)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    scored_chosen, scored_rejected = f_scores(chosen, rejected, f_divergence, f_alpha)
    per_item = smoothed_logistic(beta * (scored_chosen - scored_rejected), label_smoothing)
    return LossOutput(
        loss=per_item.mean(),
        chosen_rewards=beta * chosen.detach(),
        rejected_rewards=beta * rejected.detach(),
        per_item=per_item,
    )


def ipo_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    chosen_lengths: Tensor,
    rejected_lengths: Tensor,
    length_normalize: bool = True,
) -> LossOutput:
    """IPO (IPO paper Eq. 17; RPO paper Eq. 5): (h_n - 1/(2 beta))^2 with
    h_n = delta(y_w)/|y_w| - delta(y_l)/|y_l|; length_normalize=False: the sum form h."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta,
        chosen_lengths=chosen_lengths, rejected_lengths=rejected_lengths,
    )  # fmt: skip
    dtype = chosen.dtype
    if length_normalize:
        check_lengths(chosen_lengths=chosen_lengths, rejected_lengths=rejected_lengths)
        h = chosen / chosen_lengths.to(dtype) - rejected / rejected_lengths.to(dtype)
    else:
        h = chosen - rejected
    per_item = (h - 1 / (2 * beta)) ** 2
    return LossOutput(
        loss=per_item.mean(),
        chosen_rewards=beta * chosen.detach(),
        rejected_rewards=beta * rejected.detach(),
        per_item=per_item,
    )


def length_averaged(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    chosen_lengths: Tensor,
    rejected_lengths: Tensor,
    beta: float,
) -> tuple[Tensor, Tensor]:
    """Each side's logp(y)/|y| (the reference-free losses' score), in the loss's compute
    dtype, inputs checked."""
    check_1d_same_length(
        policy_chosen_logps=policy_chosen_logps,
        policy_rejected_logps=policy_rejected_logps,
        chosen_lengths=chosen_lengths,
        rejected_lengths=rejected_lengths,
    )
    check_positive("beta", beta)
    check_lengths(chosen_lengths=chosen_lengths, rejected_lengths=rejected_lengths)
    dtype = compute_dtype(policy_chosen_logps, policy_rejected_logps)
    chosen = policy_chosen_logps.to(dtype) / chosen_lengths.to(dtype)
    return chosen, policy_rejected_logps.to(dtype) / rejected_lengths.to(dtype)


def simpo_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    *,
    chosen_lengths: Tensor,
    rejected_lengths: Tensor,
    beta: float = 2.0,
    gamma_beta_ratio: float = 0.5,
) -> LossOutput:
    """SimPO (SimPO paper Eq. 6): -logsig(beta (logp(y_w)/|y_w| - logp(y_l)/|y_l|) - gamma),
    gamma = beta * gamma_beta_ratio; no reference model. Rewards beta * logp(y)/|y|."""
    chosen, rejected = length_averaged(
        policy_chosen_logps, policy_rejected_logps, chosen_lengths, rejected_lengths, beta
    )
    chosen, rejected = beta * chosen, beta * rejected
    gamma = beta * gamma_beta_ratio
    return LossOutput(
        loss=-F.logsigmoid(chosen - rejected - gamma).mean(),
        chosen_rewards=chosen.detach(),
        rejected_rewards=rejected.detach(),
    )


def cpo_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    *,
    chosen_lengths: Tensor,
    beta: float = 0.1,
    label_smoothing: float = 0.0,
    nll_weight: float = 1.0,
) -> LossOutput:
    """CPO (Xu et al. 2024, Eq. 3-6): -(1-eps) logsig(beta h) - eps logsig(-beta h) with
    h = logp(y_w) - logp(y_l) (no reference model), plus `nll_weight` times the chosen
    responses' token-average NLL over the batch (`sft_loss`; TRL's `cpo_alpha`). Rewards
    beta * logp(y)."""
    check_1d_same_length(
        policy_chosen_logps=policy_chosen_logps,
        policy_rejected_logps=policy_rejected_logps,
        chosen_lengths=chosen_lengths,
    )
    check_positive("beta", beta)
    if nll_weight < 0:
        raise ValueError(f"nll_weight must be >= 0, got {nll_weight}")
    dtype = compute_dtype(policy_chosen_logps, policy_rejected_logps)
    chosen, rejected = policy_chosen_logps.to(dtype), policy_rejected_logps.to(dtype)
    preference = smoothed_logistic(beta * (chosen - rejected), label_smoothing).mean()
    nll = sft_loss(policy_chosen_logps, chosen_lengths).loss.to(dtype)
    return LossOutput(
        loss=preference + nll_weight * nll,
        chosen_rewards=beta * chosen.detach(),
        rejected_rewards=beta * rejected.detach(),
    )
