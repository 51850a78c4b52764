"""RPO (RPO paper Eq. 9-14; docs/method.md, "RPO contrast matrix"): every chosen response
contrasted with every rejected one."""

from __future__ import annotations

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

WEIGHTINGS = ("embedding", "uniform", "diagonal", "identity")
WEIGHT_SCALES = ("row", "mean_one")
WEIGHTS_ON = ("logit", "loss")  # Eq. 14 | the released code's diagonal trainer
WEIGHTING_OPTIONS = ("weighting", "tau", "alpha", "weight_scale")  # contrast_weights' options:
# the `loss` keys of the same names (docs/method.md, "Weighting strategies")


def contrast_problems(
    weighting: str, *, tau: float, alpha: float, weight_scale: str
) -> dict[str, str]:
    """{option: what would be valid} for each invalid weighting option (empty: all valid)."""
    problems = {}
    if weighting not in WEIGHTINGS:
        problems["weighting"] = f"must be one of {', '.join(WEIGHTINGS)}"
    if weight_scale not in WEIGHT_SCALES:
        problems["weight_scale"] = f"must be one of {', '.join(WEIGHT_SCALES)}"
    if weighting == "embedding" and not tau > 0:
        problems["tau"] = "must be > 0 (weighting=embedding)"
    if weighting == "diagonal" and not 0.0 <= alpha <= 1.0:
        problems["alpha"] = "must be in [0, 1] (weighting=diagonal)"
    return problems


def contrast_weights(
    weighting: str = "embedding",
    *,
    chosen_prompt_emb: Tensor | None = None,
    rejected_prompt_emb: Tensor | None = None,
    num_chosen: int | None = None,
    num_rejected: int | None = None,
    tau: float = 0.5,
    alpha: float = 0.8,
    weight_scale: str = "row",
) -> Tensor:
    """The M x N weight matrix w_ij (docs/method.md, "Weighting strategies").

    embedding (Eq. 10-11): w_ij = softmax_j(-(1 - cos(e(x_i), e(x'_j))) / tau);
    uniform: 1/N; diagonal (Eq. 13, paired): alpha on the diagonal, (1-alpha)/(M-1) elsewhere;
    identity: the M x M identity. weight_scale="mean_one" multiplies by N (rows sum to N).
    """
    options = {"weighting": weighting, "tau": tau, "alpha": alpha, "weight_scale": weight_scale}
    problems = contrast_problems(**options)
    if problems:
        name, problem = next(iter(problems.items()))
        raise ValueError(f"{name}={options[name]}: {problem}")
    if weighting == "embedding":
        if chosen_prompt_emb is None or rejected_prompt_emb is None:
            raise ValueError("embedding weighting needs chosen_prompt_emb and rejected_prompt_emb")
        if chosen_prompt_emb.dim() != 2 or rejected_prompt_emb.dim() != 2:
            raise ValueError("chosen_prompt_emb and rejected_prompt_emb must be 2-D (items x dim)")
        if chosen_prompt_emb.shape[1] != rejected_prompt_emb.shape[1]:
            raise ValueError(
                "chosen_prompt_emb and rejected_prompt_emb have different widths: "
                f"{chosen_prompt_emb.shape[1]} vs {rejected_prompt_emb.shape[1]}"
            )
        dtype = compute_dtype(chosen_prompt_emb, rejected_prompt_emb)
        chosen = F.normalize(chosen_prompt_emb.to(dtype), p=2, dim=1)
        rejected = F.normalize(rejected_prompt_emb.to(dtype), p=2, dim=1)
        weights = torch.softmax(-(1 - chosen @ rejected.T) / tau, dim=1)
    else:
        m = num_chosen if num_chosen is not None else _rows(chosen_prompt_emb, "num_chosen")
        n = num_rejected if num_rejected is not None else _rows(rejected_prompt_emb, "num_rejected")
        if weighting in ("diagonal", "identity") and m != n:
            raise ValueError(
                f"{weighting} weighting needs paired data (num_chosen == num_rejected), got "
                f"M={m}, N={n}; use embedding or uniform for unpaired data"
            )
        if weighting == "uniform":
            weights = torch.full((m, n), 1.0 / n)
        elif weighting == "identity":
            weights = torch.eye(m)
        else:
            off = (1.0 - alpha) / (m - 1) if m > 1 else 0.0
            weights = torch.full((m, m), off).fill_diagonal_(alpha)
    n_cols = weights.shape[1]
    return weights * n_cols if weight_scale == "mean_one" else weights


def _rows(emb: Tensor | None, name: str) -> int:
    if emb is None:
        raise ValueError(f"{name} is required when no prompt embeddings are given")
    return emb.shape[0]


def rpo_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    weights: Tensor,
    *,
    beta: float = 0.1,
    weights_on: str = "logit",
) -> LossOutput:
    """RPO contrast loss, RPO paper Eq. 14: -(1/MN) sum_ij logsig(beta * w_ij * L_ij),
    L_ij = delta(y_w,i) - delta(y_l,j). `weights_on="loss"`: the released code's placement,
    sum_ij w_ij l_ij / sum_ij w_ij with l_ij = -logsig(beta * L_ij) (for diagonal weights,
    (1/M) sum_i [alpha l_ii + (1 - alpha) mean_{j != i} l_ij]).

    Metrics: `rpo/weight_entropy` and, for a square (paired) matrix, `rpo/effective_beta`.
    """
    if weights_on not in WEIGHTS_ON:
        raise ValueError(f"weights_on must be one of {', '.join(WEIGHTS_ON)}; got '{weights_on}'")
    m = check_1d_same_length(
        policy_chosen_logps=policy_chosen_logps, ref_chosen_logps=ref_chosen_logps
    )
    n = check_1d_same_length(
        policy_rejected_logps=policy_rejected_logps, ref_rejected_logps=ref_rejected_logps
    )
    _check_weights(weights, m, n)
    check_positive("beta", beta)
    dtype = compute_dtype(policy_chosen_logps, policy_rejected_logps, weights)
    chosen = policy_chosen_logps.to(dtype) - ref_chosen_logps.to(dtype)
    rejected = policy_rejected_logps.to(dtype) - ref_rejected_logps.to(dtype)
    w = weights.to(dtype=dtype, device=chosen.device)
    logits = chosen[:, None] - rejected[None, :]
    if weights_on == "logit":  # the released code's order of operations (bf16: its rounding)
        loss = -F.logsigmoid(beta * (logits * w)).mean(-1).mean()
    else:
        loss = (w * -F.logsigmoid(beta * logits)).sum() / w.sum()
    return LossOutput(
        loss=loss,
        chosen_rewards=beta * chosen.detach(),
        rejected_rewards=beta * rejected.detach(),
        metrics=_weight_metrics(w, beta),
    )


def simpo_rpo_loss(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    weights: Tensor,
    *,
    chosen_lengths: Tensor,
    rejected_lengths: Tensor,
    beta: float = 2.0,
    gamma_beta_ratio: float = 0.5,
) -> LossOutput:
    """SimPO+RPO, RPO paper App. B: -(1/MN) sum_ij logsig(beta w_ij L_ij - gamma w_ij),
    L_ij = logp(y_w,i)/|y_w,i| - logp(y_l,j)/|y_l,j|, gamma = beta * gamma_beta_ratio
    (identity weights: the diagonal logits are exactly SimPO's)."""
    m = check_1d_same_length(policy_chosen_logps=policy_chosen_logps, chosen_lengths=chosen_lengths)
    n = check_1d_same_length(
        policy_rejected_logps=policy_rejected_logps, rejected_lengths=rejected_lengths
    )
    _check_weights(weights, m, n)
    check_positive("beta", beta)
    check_lengths(chosen_lengths=chosen_lengths, rejected_lengths=rejected_lengths)
    dtype = compute_dtype(policy_chosen_logps, policy_rejected_logps, weights)
    chosen = policy_chosen_logps.to(dtype) / chosen_lengths.to(dtype)
    rejected = policy_rejected_logps.to(dtype) / rejected_lengths.to(dtype)
    w = weights.to(dtype=dtype, device=chosen.device)
    gamma = beta * gamma_beta_ratio
    scores = beta * w * (chosen[:, None] - rejected[None, :]) - gamma * w
    return LossOutput(
        loss=-F.logsigmoid(scores).mean(),
        chosen_rewards=beta * chosen.detach(),
        rejected_rewards=beta * rejected.detach(),
        metrics=_weight_metrics(w, beta),
    )


def _check_weights(weights: Tensor, m: int, n: int) -> None:
    if weights.shape != (m, n):
        raise ValueError(f"weights must have shape (M, N) = ({m}, {n}), got {tuple(weights.shape)}")


def _weight_metrics(w: Tensor, beta: float) -> dict[str, Tensor]:
    """`rpo/weight_entropy`: mean entropy of the row-normalised weights; `rpo/effective_beta`
    (square, i.e. paired, matrices): beta * mean_i w_ii (docs/method.md, "Weighting
    strategies")."""
    w = w.detach()
    rows = w / w.sum(dim=1, keepdim=True).clamp_min(torch.finfo(w.dtype).tiny)
    metrics = {"rpo/weight_entropy": -torch.special.xlogy(rows, rows).sum(dim=1).mean()}
    if w.shape[0] == w.shape[1]:
        metrics["rpo/effective_beta"] = beta * torch.diagonal(w).mean()
    return metrics
