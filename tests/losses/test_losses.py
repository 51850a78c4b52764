"""Losses against closed forms written independently here (NumPy) and the paper's listing."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from rpo_exp.losses import contrast_weights, dpo_loss, rpo_loss, sft_loss


def np_logsig(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def np_softmax_rows(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def random_logps(n: int, scale: float, seed: int) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [-(torch.rand(n, generator=g, dtype=torch.float64) * scale) for _ in range(4)]


SCALES = [1.0, 30.0, 500.0]


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3])
def test_dpo_matches_closed_form(scale: float, eps: float) -> None:
    pc, pr, rc, rr = random_logps(7, scale, seed=int(scale))
    beta = 0.2
    h = (pc - rc - (pr - rr)).numpy()
    expected = np.mean(-(1 - eps) * np_logsig(beta * h) - eps * np_logsig(-beta * h))
    out = dpo_loss(pc, pr, rc, rr, beta=beta, label_smoothing=eps)
    assert out.loss.item() == pytest.approx(expected, rel=1e-9)
    np.testing.assert_allclose(out.chosen_rewards, beta * (pc - rc).numpy(), rtol=1e-12)
    np.testing.assert_allclose(out.rejected_rewards, beta * (pr - rr).numpy(), rtol=1e-12)


def test_dpo_hand_case() -> None:
    # h = (-1 - -2) - (-3 - -2) = 2; beta 0.5 -> -log sigmoid(1) = log(1 + e^-1)
    out = dpo_loss(*(torch.tensor([v]) for v in (-1.0, -3.0, -2.0, -2.0)), beta=0.5)
    assert out.loss.item() == pytest.approx(math.log1p(math.exp(-1)), rel=1e-6)


def test_sft_is_token_average_nll() -> None:
    logps = torch.tensor([-10.0, -4.0, -6.0])
    lengths = torch.tensor([5, 2, 3])
    assert sft_loss(logps, lengths).loss.item() == pytest.approx(20.0 / 10.0)


def np_rpo(pc, pr, rc, rr, emb_c, emb_r, tau, beta):
    ec = emb_c / np.linalg.norm(emb_c, axis=1, keepdims=True)
    er = emb_r / np.linalg.norm(emb_r, axis=1, keepdims=True)
    w = np_softmax_rows(-(1.0 - ec @ er.T) / tau)
    logits = (pc - rc)[:, None] - (pr - rr)[None, :]
    return np.mean(-np_logsig(beta * w * logits)), w


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("shape", [(6, 6), (4, 7)])
def test_rpo_embedding_matches_closed_form(scale: float, shape: tuple[int, int]) -> None:
    m, n = shape
    g = torch.Generator().manual_seed(m * 10 + n)
    pc, rc = (-(torch.rand(m, generator=g, dtype=torch.float64) * scale) for _ in range(2))
    pr, rr = (-(torch.rand(n, generator=g, dtype=torch.float64) * scale) for _ in range(2))
    emb_c = torch.randn(m, 16, generator=g, dtype=torch.float64)
    emb_r = torch.randn(n, 16, generator=g, dtype=torch.float64)
    tau, beta = 0.5, 0.1
    w = contrast_weights("embedding", chosen_prompt_emb=emb_c, rejected_prompt_emb=emb_r, tau=tau)
    out = rpo_loss(pc, pr, rc, rr, w, beta=beta)
    expected, w_np = np_rpo(*(t.numpy() for t in (pc, pr, rc, rr, emb_c, emb_r)), tau, beta)
    np.testing.assert_allclose(w.numpy(), w_np, rtol=1e-10)
    assert out.loss.item() == pytest.approx(expected, rel=1e-10)
    assert ("rpo/effective_beta" in out.metrics) == (m == n)


def test_rpo_matches_paper_listing() -> None:
    """The RPO paper's Listing 1 (App. G), transcribed (paired, embedding weights)."""
    g = torch.Generator().manual_seed(3)
    pc, pr, rc, rr = (-(torch.rand(8, generator=g) * 50) for _ in range(4))
    emb = torch.randn(8, 32, generator=g)
    beta, tau = 0.1, 0.5
    cd, rd = pc - rc, pr - rr
    logits = cd.view(-1, 1) - rd.view(1, -1)
    en = F.normalize(emb, p=2, dim=1)
    w = F.softmax(-(1 - torch.mm(en, en.t())) / tau, dim=1)
    listing = torch.mean(-F.logsigmoid(beta * w * logits))
    weights = contrast_weights("embedding", chosen_prompt_emb=emb, rejected_prompt_emb=emb, tau=tau)
    out = rpo_loss(pc, pr, rc, rr, weights, beta=beta)
    assert out.loss.item() == pytest.approx(listing.item(), rel=1e-6)


def test_rpo_identity_is_dpo_plus_log2_off_diagonal() -> None:
    pc, pr, rc, rr = random_logps(5, 20.0, seed=1)
    n = 5
    rpo = rpo_loss(
        pc, pr, rc, rr, contrast_weights("identity", num_chosen=n, num_rejected=n), beta=0.1
    )
    dpo = dpo_loss(pc, pr, rc, rr, beta=0.1)
    # n^2 * rpo = n * mean_dpo + (n^2 - n) * log 2   (off-diagonal logits are 0: -logsig(0) = log 2)
    assert n * n * rpo.loss.item() == pytest.approx(n * dpo.loss.item() + (n * n - n) * math.log(2))


def test_uniform_is_the_large_tau_limit() -> None:
    emb = torch.randn(6, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    wide = contrast_weights("embedding", chosen_prompt_emb=emb, rejected_prompt_emb=emb, tau=1e7)
    uniform = contrast_weights("uniform", num_chosen=6, num_rejected=6)
    torch.testing.assert_close(wide, uniform.double(), rtol=1e-6, atol=1e-7)


def test_diagonal_weights_and_scales() -> None:
    w = contrast_weights("diagonal", num_chosen=4, num_rejected=4, alpha=0.7)
    assert torch.diagonal(w).tolist() == pytest.approx([0.7] * 4)
    assert w[0, 1].item() == pytest.approx(0.1)
    torch.testing.assert_close(w.sum(1), torch.ones(4))
    w1 = contrast_weights("uniform", num_chosen=3, num_rejected=5, weight_scale="mean_one")
    torch.testing.assert_close(w1, torch.ones(3, 5))


def test_rpo_diagnostics() -> None:
    pc, pr, rc, rr = random_logps(4, 5.0, seed=2)
    out = rpo_loss(
        pc, pr, rc, rr, contrast_weights("uniform", num_chosen=4, num_rejected=4), beta=0.2
    )
    assert out.metrics["rpo/effective_beta"].item() == pytest.approx(0.2 / 4)
    assert out.metrics["rpo/weight_entropy"].item() == pytest.approx(math.log(4))
    ident = rpo_loss(pc, pr, rc, rr, torch.eye(4), beta=0.2)
    assert ident.metrics["rpo/weight_entropy"].item() == pytest.approx(0.0)


def test_gradcheck_float64() -> None:
    g = torch.Generator().manual_seed(5)
    pc, pr, rc, rr = (
        torch.randn(4, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(4)
    )
    emb = torch.randn(4, 6, generator=g, dtype=torch.float64)
    w = contrast_weights("embedding", chosen_prompt_emb=emb, rejected_prompt_emb=emb)
    assert torch.autograd.gradcheck(
        lambda a, b, c, d: rpo_loss(a, b, c, d, w, beta=0.5).loss, (pc, pr, rc, rr)
    )
    assert torch.autograd.gradcheck(
        lambda a, b, c, d: dpo_loss(a, b, c, d, beta=0.5, label_smoothing=0.1).loss,
        (pc, pr, rc, rr),
    )
    lengths = torch.tensor([3.0, 4.0, 5.0, 6.0], dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda a: sft_loss(a, lengths).loss, (pc,))


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float32])
def test_extreme_logps_stay_finite(dtype: torch.dtype) -> None:
    big = 1e4 if dtype != torch.float16 else 6e4
    pc = torch.tensor([-big, 0.0, -1.0], dtype=dtype, requires_grad=True)
    pr = torch.tensor([0.0, -big, -big], dtype=dtype, requires_grad=True)
    ref = torch.zeros(3, dtype=dtype)
    for out in (
        dpo_loss(pc, pr, ref, ref, beta=1.0),
        rpo_loss(
            pc, pr, ref, ref, contrast_weights("uniform", num_chosen=3, num_rejected=3), beta=1.0
        ),
    ):
        assert out.loss.dtype == torch.float32 and torch.isfinite(out.loss)
        (grad_c, grad_r) = torch.autograd.grad(out.loss, (pc, pr))
        assert torch.isfinite(grad_c.float()).all() and torch.isfinite(grad_r.float()).all()


def test_bad_inputs_name_the_argument() -> None:
    a, b = torch.zeros(3), torch.zeros(4)
    with pytest.raises(ValueError, match="mismatched lengths"):
        dpo_loss(a, b, a, a)
    with pytest.raises(ValueError, match=r"weights must have shape \(M, N\) = \(3, 4\)"):
        rpo_loss(a, b, a, b, torch.ones(3, 3))
    with pytest.raises(ValueError, match=r"tau=0: must be > 0 \(weighting=embedding\)"):
        contrast_weights(
            "embedding",
            chosen_prompt_emb=torch.ones(2, 2),
            rejected_prompt_emb=torch.ones(2, 2),
            tau=0,
        )
    with pytest.raises(ValueError, match="diagonal weighting needs paired data"):
        contrast_weights("diagonal", num_chosen=3, num_rejected=4)
    with pytest.raises(
        ValueError, match="weighting=cosine: must be one of embedding, uniform, diagonal, identity"
    ):
        contrast_weights("cosine", num_chosen=3, num_rejected=3)
    with pytest.raises(ValueError, match=r"alpha=1.5: must be in \[0, 1\]"):
        contrast_weights("diagonal", num_chosen=3, num_rejected=3, alpha=1.5)
    with pytest.raises(ValueError, match="beta must be > 0"):
        dpo_loss(a, a, a, a, beta=0.0)
