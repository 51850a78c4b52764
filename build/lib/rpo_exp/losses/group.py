"""Group losses over K scored responses per prompt: SWEPO, InfoNCA and DPO over groups
(docs/method.md, "SWEPO and group losses").

Inputs are flat per-response tensors; `group_ids` (integers) names each response's prompt.
A group whose scores are all equal carries no preference: it is skipped and counted, never NaN.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from rpo_exp.losses.output import LossOutput, check_1d_same_length, check_positive, compute_dtype

SWEPO_VARIANTS = ("dynamic", "one_vs_k")


def _groups(group_ids: Tensor) -> tuple[Tensor, int]:
    """(dense group index 0..G-1 per response, G)."""
    if group_ids.dtype.is_floating_point or group_ids.dtype == torch.bool:
        raise ValueError(f"group_ids must be an integer tensor, got {group_ids.dtype}")
    _, index = torch.unique(group_ids, return_inverse=True)
    return index, int(index.max()) + 1 if index.numel() else 0


def _group_sum(values: Tensor, index: Tensor, n: int) -> Tensor:
    return torch.zeros(n, dtype=values.dtype, device=values.device).index_add(0, index, values)


def _group_logsumexp(z: Tensor, index: Tensor, n: int, mask: Tensor) -> Tensor:
    """logsumexp of z over the masked members of each group; a group with no member gets a
    large negative finite value (such groups are skipped), and no NaN reaches the gradient."""
    masked = z.masked_fill(~mask, float("-inf"))
    top = torch.full((n,), float("-inf"), dtype=z.dtype, device=z.device)
    top = top.scatter_reduce(0, index, masked.detach(), "amax")
    top = torch.where(torch.isfinite(top), top, torch.zeros_like(top))
    total = _group_sum(torch.exp(masked - top[index]), index, n)
    return top + torch.log(total.clamp_min(torch.finfo(z.dtype).tiny))


def _mean_over(losses: Tensor, keep: Tensor) -> Tensor:
    """Mean of `losses` over kept groups; 0 (still attached to the graph) when none is kept."""
    return (losses * keep).sum() / keep.sum().clamp_min(1)


def _group_stats(scores: Tensor, index: Tensor, n: int) -> tuple[Tensor, Tensor]:
    """(deviation D_k = S_k - mean of its group, whether each group has unequal scores)."""
    counts = _group_sum(torch.ones_like(scores), index, n)
    mean = _group_sum(scores, index, n) / counts
    unequal = _group_reduce(scores, index, n, "amax") > _group_reduce(scores, index, n, "amin")
    return scores - mean[index], unequal


def _group_reduce(values: Tensor, index: Tensor, n: int, how: str) -> Tensor:
    """Per-group max ("amax") or min ("amin") of `values`."""
    fill = float("-inf") if how == "amax" else float("inf")
    start = torch.full((n,), fill, dtype=values.dtype, device=values.device)
    return start.scatter_reduce(0, index, values, how)


def first_best(scores: Tensor, group_ids: Tensor) -> Tensor:
    """Mask of each group's first response with the group's highest score."""
    return _first_best(scores, *_groups(group_ids))


def _first_best(scores: Tensor, index: Tensor, n: int) -> Tensor:
    """Mask of each group's first response with the group's highest score."""
    order = torch.arange(len(scores), device=scores.device)
    is_top = scores == _group_reduce(scores, index, n, "amax")[index]
    first = torch.full((n,), len(scores), device=scores.device).scatter_reduce(
        0, index, order.masked_fill(~is_top, len(scores)), "amin"
    )
    return order == first[index]


def _check_group_inputs(policy_logps, ref_logps, scores, group_ids, beta) -> torch.dtype:
    check_1d_same_length(
        policy_logps=policy_logps, ref_logps=ref_logps, scores=scores, group_ids=group_ids
    )
    check_positive("beta", beta)
    if not torch.isfinite(scores.float()).all():
        raise ValueError("scores must be finite")
    return compute_dtype(policy_logps, ref_logps)


def swepo_loss(
    policy_logps: Tensor,
    ref_logps: Tensor,
    scores: Tensor,
    group_ids: Tensor,
    *,
    beta: float = 0.1,
    alpha: float = 1.0,
    p: float = 1.0,
    variant: str = "dynamic",
) -> LossOutput:
    """SWEPO (SWEPO paper Eq. 1-17): per prompt -logsumexp_{k in P} z_k + logsumexp_k z_k, with
    z_k = beta delta(y_k) + alpha |D_k|^p, D_k = S_k - mean S (0^0 = 1). P = {D_k > 0}
    (`dynamic`) or the first argmax (`one_vs_k`). Metric `swepo/skipped_groups`."""
    dtype = _check_group_inputs(policy_logps, ref_logps, scores, group_ids, beta)
    if variant not in SWEPO_VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(SWEPO_VARIANTS)}; got '{variant}'")
    if not alpha >= 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    if not p >= 0:
        raise ValueError(f"p must be >= 0, got {p}")
    index, n = _groups(group_ids)
    scores = scores.to(dtype)
    deviation, unequal = _group_stats(scores, index, n)
    # dynamic: above the group mean; one_vs_k: the first response with the highest score
    positive = deviation > 0 if variant == "dynamic" else _first_best(scores, index, n)
    n_pos = _group_sum(positive.to(dtype), index, n)
    size = _group_sum(torch.ones_like(scores), index, n)
    keep = unequal & (n_pos > 0) & (n_pos < size)

    rewards = beta * (policy_logps.to(dtype) - ref_logps.to(dtype))
    z = rewards + alpha * torch.pow(deviation.abs(), p)
    everything = torch.ones_like(positive)
    losses = -_group_logsumexp(z, index, n, positive) + _group_logsumexp(z, index, n, everything)
    kept = keep[index]
    return LossOutput(
        loss=_mean_over(losses, keep.to(dtype)),
        chosen_rewards=rewards.detach()[positive & kept],
        rejected_rewards=rewards.detach()[~positive & kept],
        metrics={"swepo/skipped_groups": (~keep).sum().to(dtype)},
    )


def infonca_loss(
    policy_logps: Tensor,
    ref_logps: Tensor,
    scores: Tensor,
    group_ids: Tensor,
    *,
    beta: float = 0.1,
    reward_temperature: float = 1.0,
) -> LossOutput:
    """InfoNCA (NCA paper Eq. 7; SWEPO paper Eq. 23-24): per prompt -sum_k q_k log softmax_k(s),
    q = softmax(S / reward_temperature), s_k = beta delta(y_k). Metric `infonca/skipped_groups`."""
    dtype = _check_group_inputs(policy_logps, ref_logps, scores, group_ids, beta)
    check_positive("reward_temperature", reward_temperature)
    index, n = _groups(group_ids)
    scores = scores.to(dtype)
    _, keep = _group_stats(scores, index, n)
    everything = torch.ones_like(scores, dtype=torch.bool)
    target = scores / reward_temperature
    q = torch.exp(target - _group_logsumexp(target, index, n, everything)[index])
    s = beta * (policy_logps.to(dtype) - ref_logps.to(dtype))
    log_softmax = s - _group_logsumexp(s, index, n, everything)[index]
    losses = -_group_sum(q * log_softmax, index, n)
    return LossOutput(
        loss=_mean_over(losses, keep.to(dtype)),
        chosen_rewards=None,
        rejected_rewards=None,
        metrics={"infonca/skipped_groups": (~keep).sum().to(dtype)},
    )


def _group_pairs(scores: Tensor, group_ids: Tensor, top_only: bool) -> tuple[Tensor, Tensor]:
    """(winner, loser) response indices of every same-prompt pair with a strictly higher score;
    with `top_only`, the winner is each group's first best response."""
    same = group_ids[:, None] == group_ids[None, :]
    better = same & (scores[:, None] > scores[None, :])
    if top_only:
        better &= first_best(scores, group_ids)[:, None]
    return torch.nonzero(better, as_tuple=True)


def _dpo_over_pairs(policy_logps, ref_logps, scores, group_ids, beta, label_smoothing, top_only):
    dtype = _check_group_inputs(policy_logps, ref_logps, scores, group_ids, beta)
    if not 0.0 <= label_smoothing < 0.5:
        raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}")
    winners, losers = _group_pairs(scores.to(dtype), group_ids, top_only)
    rewards = beta * (policy_logps.to(dtype) - ref_logps.to(dtype))
    logits = rewards[winners] - rewards[losers]
    losses = -(1 - label_smoothing) * F.logsigmoid(logits) - label_smoothing * F.logsigmoid(-logits)
    index, n = _groups(group_ids)
    _, unequal = _group_stats(scores.to(dtype), index, n)
    loss = losses.mean() if len(losses) else (rewards * 0).sum()
    return LossOutput(
        loss=loss,
        chosen_rewards=rewards.detach()[winners],
        rejected_rewards=rewards.detach()[losers],
        metrics={"dpo/skipped_groups": (~unequal).sum().to(dtype)},
    )


def dpo_all_pairs_loss(
    policy_logps: Tensor,
    ref_logps: Tensor,
    scores: Tensor,
    group_ids: Tensor,
    *,
    beta: float = 0.1,
    label_smoothing: float = 0.0,
) -> LossOutput:
    """DPO over every (better, worse) pair of a prompt's responses (SWEPO paper App. E;
    strictly higher score wins); mean over all pairs of the batch."""
    return _dpo_over_pairs(policy_logps, ref_logps, scores, group_ids, beta, label_smoothing, False)


def dpo_top_vs_rest_loss(
    policy_logps: Tensor,
    ref_logps: Tensor,
    scores: Tensor,
    group_ids: Tensor,
    *,
    beta: float = 0.1,
    label_smoothing: float = 0.0,
) -> LossOutput:
    """DPO over (best, each strictly worse response) of every prompt (SWEPO paper App. E); mean
    over pairs."""
    return _dpo_over_pairs(policy_logps, ref_logps, scores, group_ids, beta, label_smoothing, True)
