"""The DPO family's other losses, as TRL 1.16's `DPOTrainer` computes them (its `loss_type`
names as `loss=` names; docs/method.md, "The DPO family"), plus R-DPO and ORPO from their
papers. Each takes sequence log-probs (sums over the response tokens) and the reference's, and
returns the batch mean; rewards are beta x the log-ratios, as TRL logs them.

`f_divergence` (f-DPO, Wang et al. 2024, Theorem 1): the losses built on the log-ratio margin
read each side's log-ratio through f' of the divergence instead (`f_scores`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from rpo_exp.losses.output import (
    LossOutput,
    check_lengths,
    check_positive,
)
from rpo_exp.losses.pairwise import (
    f_scores,
    length_averaged,
    log_ratios,
    sft_loss,
    smoothed_logistic,
)


def _output(per_item: Tensor, chosen: Tensor, rejected: Tensor, beta: float) -> LossOutput:
    return LossOutput(
        loss=per_item.mean(),
        chosen_rewards=beta * chosen.detach(),
        rejected_rewards=beta * rejected.detach(),
        per_item=per_item,
    )


def _margin(chosen: Tensor, rejected: Tensor, f_divergence: str, f_alpha: float) -> Tensor:
    scored_chosen, scored_rejected = f_scores(chosen, rejected, f_divergence, f_alpha)
    return scored_chosen - scored_rejected


def hinge_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    f_divergence: str = "reverse_kl",
    f_alpha: float = 1.0,
) -> LossOutput:
    """SLiC's hinge (Zhao et al. 2023, Eq. 3, with the reference's log-ratio): relu(1 - beta h),
    h = delta(y_w) - delta(y_l) (TRL `hinge`)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    h = _margin(chosen, rejected, f_divergence, f_alpha)
    return _output(torch.relu(1 - beta * h), chosen, rejected, beta)


def robust_loss(
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
    """Robust DPO (Chowdhury et al. 2024, Eq. 6): the unbiased loss under a preference flip rate
    eps, ((1 - eps) l(h) - eps l(-h)) / (1 - 2 eps) with l(h) = -logsig(beta h) (TRL
    `robust`)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    z = beta * _margin(chosen, rejected, f_divergence, f_alpha)
    eps = label_smoothing
    per_item = (-(1 - eps) * F.logsigmoid(z) + eps * F.logsigmoid(-z)) / (1 - 2 * eps)
    return _output(per_item, chosen, rejected, beta)


def exo_pair_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    label_smoothing: float = 1e-3,
    f_divergence: str = "reverse_kl",
    f_alpha: float = 1.0,
) -> LossOutput:
    """EXO (Ji et al. 2024, Eq. 16, K = 2): KL(q || p) with q = softmax(beta delta) over the pair
    and p = (1 - eps, eps): q_w (log q_w - log(1 - eps)) + q_l (log q_l - log eps) (TRL
    `exo_pair`; eps > 0)."""
    if not 0.0 < label_smoothing < 0.5:
        raise ValueError(f"label_smoothing must be in (0, 0.5) for exo_pair, got {label_smoothing}")
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    z = beta * _margin(chosen, rejected, f_divergence, f_alpha)
    eps = torch.tensor(label_smoothing, dtype=z.dtype, device=z.device)
    per_item = torch.sigmoid(z) * (F.logsigmoid(z) - torch.log1p(-eps)) + torch.sigmoid(-z) * (
        F.logsigmoid(-z) - torch.log(eps)
    )
    return _output(per_item, chosen, rejected, beta)


def nca_pair_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
) -> LossOutput:
    """NCA on a pair (Chen et al. 2024, Eq. 11, K = 2): -logsig(r_w) - 1/2 logsig(-r_w) -
    1/2 logsig(-r_l), r = beta delta (TRL `nca_pair`)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    r_w, r_l = beta * chosen, beta * rejected
    per_item = -F.logsigmoid(r_w) - 0.5 * F.logsigmoid(-r_w) - 0.5 * F.logsigmoid(-r_l)
    return _output(per_item, chosen, rejected, beta)


def bco_pair_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
) -> LossOutput:
    """BCO on a pair (Jung et al. 2024, Eq. 5, as TRL 1.16's `bco_pair`, without a reward
    shift): -logsig(beta delta(y_w)) - logsig(-beta delta(y_l))."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    per_item = -F.logsigmoid(beta * chosen) - F.logsigmoid(-beta * rejected)
    return _output(per_item, chosen, rejected, beta)


def sppo_hard_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
) -> LossOutput:
    """SPPO with hard probabilities (Wu et al. 2024, Eq. 4.7, P = 1 for the winner):
    (delta(y_w) - 1/(2 beta))^2 + (delta(y_l) + 1/(2 beta))^2 (TRL `sppo_hard`)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    per_item = (chosen - 0.5 / beta) ** 2 + (rejected + 0.5 / beta) ** 2
    return _output(per_item, chosen, rejected, beta)


def aot_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    label_smoothing: float = 0.0,
) -> LossOutput:
    """AOT on paired data (Melnyk et al. 2024, Eq. 11): the batch's policy margins
    logp(y_w) - logp(y_l) and the reference's, each sorted, matched by rank: the smoothed
    logistic of beta (sorted policy - sorted reference) (TRL `aot`). The whole batch is one
    distribution: the loss couples its items (the trainer computes it on the global batch)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    dtype = chosen.dtype
    policy = policy_chosen_logps.to(dtype) - policy_rejected_logps.to(dtype)
    reference = ref_chosen_logps.to(dtype) - ref_rejected_logps.to(dtype)
    delta = torch.sort(policy, dim=0).values - torch.sort(reference, dim=0).values
    return _output(smoothed_logistic(beta * delta, label_smoothing), chosen, rejected, beta)


def aot_unpaired_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    label_smoothing: float = 0.0,
) -> LossOutput:
    """AOT on unpaired data (Melnyk et al. 2024, Eq. 10): the chosen log-ratios and the
    rejected ones each sorted, matched by rank: the smoothed logistic of beta (sorted chosen -
    sorted rejected) (TRL `aot_unpaired`); couples the batch's items, as `aot_loss`."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    delta = torch.sort(chosen, dim=0).values - torch.sort(rejected, dim=0).values
    return _output(smoothed_logistic(beta * delta, label_smoothing), chosen, rejected, beta)


def apo_zero_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
) -> LossOutput:
    """APO-zero (D'Oosterlinck et al. 2024, Eq. 7): 1 - sig(beta delta(y_w)) +
    sig(beta delta(y_l)): raise the chosen likelihood, lower the rejected (TRL `apo_zero`)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    per_item = 1 - torch.sigmoid(beta * chosen) + torch.sigmoid(beta * rejected)
    return _output(per_item, chosen, rejected, beta)


def apo_down_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
) -> LossOutput:
    """APO-down (D'Oosterlinck et al. 2024, Eq. 8): sig(beta delta(y_w)) + 1 - sig(beta
    (delta(y_w) - delta(y_l))): lower both, the rejected more (TRL `apo_down`)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    per_item = torch.sigmoid(beta * chosen) + 1 - torch.sigmoid(beta * (chosen - rejected))
    return _output(per_item, chosen, rejected, beta)


def discopop_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    discopop_tau: float = 0.05,
    f_divergence: str = "reverse_kl",
    f_alpha: float = 1.0,
) -> LossOutput:
    """DiscoPOP's log-ratio modulated loss (Chan Lu et al. 2024, Eq. 5): with z = beta h and
    m = sig(z / tau), (1 - m) (-logsig(z)) + m e^-z (TRL `discopop`, `discopop_tau`)."""
    check_positive("discopop_tau", discopop_tau)
    chosen, rejected = log_ratios(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta
    )
    z = beta * _margin(chosen, rejected, f_divergence, f_alpha)
    mix = torch.sigmoid(z / discopop_tau)
    per_item = -F.logsigmoid(z) * (1 - mix) + torch.exp(-z) * mix
    return _output(per_item, chosen, rejected, beta)


def sigmoid_norm_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    chosen_lengths: Tensor,
    rejected_lengths: Tensor,
    beta: float = 0.1,
    f_divergence: str = "reverse_kl",
    f_alpha: float = 1.0,
) -> LossOutput:
    """DPO on length-averaged log-ratios: -logsig(beta (s_w/|y_w| - s_l/|y_l|)), s the (f-)
    score of each side's log-ratio (TRL `sigmoid_norm`)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps,
        policy_rejected_logps,
        ref_chosen_logps,
        ref_rejected_logps,
        beta,
        chosen_lengths=chosen_lengths,
        rejected_lengths=rejected_lengths,
    )
    check_lengths(chosen_lengths=chosen_lengths, rejected_lengths=rejected_lengths)
    scored_chosen, scored_rejected = f_scores(chosen, rejected, f_divergence, f_alpha)
    dtype = chosen.dtype
    h = scored_chosen / chosen_lengths.to(dtype) - scored_rejected / rejected_lengths.to(dtype)
    return _output(-F.logsigmoid(beta * h), chosen, rejected, beta)


def rdpo_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    chosen_lengths: Tensor,
    rejected_lengths: Tensor,
    beta: float = 0.1,
    alpha: float = 0.05,
) -> LossOutput:
    """R-DPO (Park et al. 2024, Eq. 9): -logsig(beta h - alpha (|y_w| - |y_l|)): DPO with a
    penalty on the chosen response's extra length (tokens)."""
    chosen, rejected = log_ratios(
        policy_chosen_logps,
        policy_rejected_logps,
        ref_chosen_logps,
        ref_rejected_logps,
        beta,
        chosen_lengths=chosen_lengths,
        rejected_lengths=rejected_lengths,
    )
    extra = chosen_lengths.to(chosen.dtype) - rejected_lengths.to(chosen.dtype)
    per_item = -F.logsigmoid(beta * (chosen - rejected) - alpha * extra)
    return _output(per_item, chosen, rejected, beta)


def orpo_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    *,
    chosen_lengths: Tensor,
    rejected_lengths: Tensor,
    beta: float = 0.1,
) -> LossOutput:
    """ORPO (Hong et al. 2024, Eq. 6-7): the chosen responses' NLL (`sft_loss`) + beta x
    -logsig(log odds(y_w) - log odds(y_l)), odds(y) = P(y) / (1 - P(y)) with P(y) the mean
    token probability exp(logp(y)/|y|); no reference model. Rewards beta logp(y)/|y|, as
    TRL's ORPO logs them."""
    chosen, rejected = length_averaged(
        policy_chosen_logps, policy_rejected_logps, chosen_lengths, rejected_lengths, beta
    )
    log_odds = (chosen - rejected) - (
        torch.log1p(-torch.exp(chosen)) - torch.log1p(-torch.exp(rejected))
    )
    nll = sft_loss(policy_chosen_logps, chosen_lengths).loss.to(chosen.dtype)
    return LossOutput(
        loss=nll - beta * F.logsigmoid(log_odds).mean(),
        chosen_rewards=beta * chosen.detach(),
        rejected_rewards=beta * rejected.detach(),
    )
