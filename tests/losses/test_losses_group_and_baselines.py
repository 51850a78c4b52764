"""IPO, SimPO, SimPO+RPO, CPO, KTO and the group losses (SWEPO, InfoNCA, DPO over groups) against
closed forms written independently here in NumPy / plain Python from docs/method.md."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from rpo_exp.losses import (
    cpo_loss,
    dpo_all_pairs_loss,
    dpo_loss,
    dpo_top_vs_rest_loss,
    infonca_loss,
    ipo_loss,
    kto_loss,
    simpo_loss,
    simpo_rpo_loss,
    swepo_loss,
)

SCALES = [1.0, 30.0, 500.0]
REL = 1e-6


@pytest.fixture(autouse=True, scope="module")
def _single_thread():
    """Tiny tensors: intra-op threads only add overhead (F.logsigmoid costs ~8 ms a call with
    2 busy threads on a loaded 2-core box, ~2 us with one). Restored after the module."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def close(expected: float) -> object:
    return pytest.approx(expected, rel=REL, abs=1e-12)


# --------------------------------------------------------------------------- NumPy oracles


def np_logsig(x):
    return -np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))


def np_lse(x) -> float:
    x = np.asarray(x, dtype=np.float64)
    m = x.max()
    return float(m + np.log(np.exp(x - m).sum()))


def np_groups(ids) -> list[np.ndarray]:
    """Index arrays of each prompt's responses, in batch order (groups in first-seen order)."""
    ids = np.asarray(ids)
    seen: list[int] = []
    for g in ids.tolist():
        if g not in seen:
            seen.append(g)
    return [np.flatnonzero(ids == g) for g in seen]


def np_ipo(pc, pr, rc, rr, lc, lr, beta, normalize):
    dw, dl = pc - rc, pr - rr
    h = dw / lc - dl / lr if normalize else dw - dl
    return float(np.mean((h - 1.0 / (2.0 * beta)) ** 2))


def np_simpo(pc, pr, lc, lr, beta, ratio):
    gamma = beta * ratio
    return float(np.mean(-np_logsig(beta * (pc / lc - pr / lr) - gamma)))


def np_cpo(pc, pr, lc, beta, eps, nll_weight):
    """CPO paper Eq. 3-6 as TRL's CPOTrainer computes it: the sigmoid preference term on
    beta (logp(y_w) - logp(y_l)) plus nll_weight x the chosen tokens' mean NLL."""
    h = beta * (pc - pr)
    prefer = np.mean(-(1 - eps) * np_logsig(h) - eps * np_logsig(-h))
    return float(prefer + nll_weight * (-pc.sum() / lc.sum()))


def np_simpo_rpo(pc, pr, w, lc, lr, beta, ratio):
    gamma = beta * ratio
    big_l = (pc / lc)[:, None] - (pr / lr)[None, :]
    return float(np.mean(-np_logsig(beta * w * big_l - gamma * w)))


def np_kto(pol, ref, desirable, pkl, rkl, beta, lam_d, lam_u):
    z0 = max(0.0, float(np.mean(pkl - rkl)))
    delta = pol - ref
    # 1 - sigma(x) = sigma(-x) = exp(logsig(-x))
    des = lam_d * np.exp(np_logsig(-beta * (delta - z0)))
    und = lam_u * np.exp(np_logsig(-beta * (z0 - delta)))
    return float(np.mean(np.where(desirable, des, und))), z0


def np_swepo(pol, ref, scores, ids, beta, alpha, p, variant):
    """SWEPO (docs/method.md, "SWEPO and group losses"): returns (loss, skipped groups)."""
    losses, skipped = [], 0
    for idx in np_groups(ids):
        s_k = scores[idx]
        if len(idx) < 2 or np.all(s_k == s_k[0]):
            skipped += 1
            continue
        dev = s_k - s_k.mean()
        if variant == "dynamic":
            pos = dev > 0
        else:
            pos = np.zeros(len(idx), dtype=bool)
            pos[int(np.argmax(s_k))] = True  # NumPy's argmax is the first maximum
        if not pos.any() or pos.all():
            skipped += 1
            continue
        absdev = np.abs(dev)
        weight = np.ones_like(absdev) if p == 0 else absdev**p  # 0^0 = 1
        z = beta * (pol[idx] - ref[idx]) + alpha * weight
        losses.append(-np_lse(z[pos]) + np_lse(z))
    return (float(np.mean(losses)) if losses else 0.0), skipped


def np_infonca(pol, ref, scores, ids, beta, temp):
    losses, skipped = [], 0
    for idx in np_groups(ids):
        s_k = scores[idx]
        if np.all(s_k == s_k[0]):
            skipped += 1
            continue
        t = s_k / temp
        q = np.exp(t - np_lse(t))
        s = beta * (pol[idx] - ref[idx])
        losses.append(-float(np.sum(q * (s - np_lse(s)))))
    return (float(np.mean(losses)) if losses else 0.0), skipped


def np_pairs(scores, ids, top_only):
    pairs = []
    for idx in np_groups(ids):
        s_k = scores[idx]
        if top_only:
            b = int(np.argmax(s_k))
            pairs += [(idx[b], idx[j]) for j in range(len(idx)) if s_k[j] < s_k[b]]
        else:
            pairs += [
                (idx[i], idx[j])
                for i in range(len(idx))
                for j in range(len(idx))
                if s_k[i] > s_k[j]
            ]
    return pairs


def np_dpo_pairs(pol, ref, scores, ids, beta, eps, top_only):
    pairs = np_pairs(scores, ids, top_only)
    if not pairs:
        return 0.0, pairs
    delta = pol - ref
    h = np.array([delta[win] - delta[lose] for win, lose in pairs])
    return float(np.mean(-(1 - eps) * np_logsig(beta * h) - eps * np_logsig(-beta * h))), pairs


# --------------------------------------------------------------------------- data


def t64(x) -> torch.Tensor:
    return torch.tensor(np.asarray(x, dtype=np.float64), dtype=torch.float64)


def pair_data(n: int, scale: float, seed: int):
    rng = np.random.default_rng(seed)
    pc, pr, rc, rr = (-rng.uniform(0.0, scale, n) for _ in range(4))
    lc = rng.integers(1, 60, n).astype(np.float64)
    lr = rng.integers(1, 60, n).astype(np.float64)
    return pc, pr, rc, rr, lc, lr


_SHUFFLED = np.random.default_rng(0).permutation(np.repeat([11, 4, 20, 8], [3, 5, 4, 2])).tolist()
LAYOUTS = {
    "k2": [0, 0, 1, 1, 2, 2, 3, 3],
    "k3": [0, 0, 0, 1, 1, 1],
    "k4": [5, 5, 5, 5, 2, 2, 2, 2],
    "k5": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
    "mixed": [7, 7, 3, 7, 3, 9, 9],
    "shuffled": _SHUFFLED,
}


def group_data(ids: list[int], scale: float, kind: str, seed: int):
    rng = np.random.default_rng(seed)
    n = len(ids)
    pol, ref = -rng.uniform(0.0, scale, n), -rng.uniform(0.0, scale, n)
    scores = rng.integers(1, 6, n).astype(np.float64) if kind == "int" else rng.normal(0, 2, n)
    return pol, ref, scores


def group_tensors(pol, ref, scores, ids):
    return t64(pol), t64(ref), t64(scores), torch.tensor(ids, dtype=torch.int64)


# --------------------------------------------------------------------------- 1. closed forms


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("beta", [0.05, 0.5])
@pytest.mark.parametrize("normalize", [True, False])
def test_ipo_matches_closed_form(scale: float, beta: float, normalize: bool) -> None:
    pc, pr, rc, rr, lc, lr = pair_data(9, scale, seed=int(scale) + 7)
    out = ipo_loss(
        *map(t64, (pc, pr, rc, rr)),
        beta=beta,
        chosen_lengths=torch.tensor(lc.astype(np.int64)),
        rejected_lengths=torch.tensor(lr.astype(np.int64)),
        length_normalize=normalize,
    )
    assert out.loss.dim() == 0
    assert out.loss.item() == close(np_ipo(pc, pr, rc, rr, lc, lr, beta, normalize))
    np.testing.assert_allclose(out.chosen_rewards.numpy(), beta * (pc - rc), rtol=1e-12)
    np.testing.assert_allclose(out.rejected_rewards.numpy(), beta * (pr - rr), rtol=1e-12)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize(("beta", "ratio"), [(2.0, 0.5), (10.0, 0.3), (0.7, 0.0), (2.5, 1.4)])
def test_simpo_matches_closed_form(scale: float, beta: float, ratio: float) -> None:
    pc, pr, _, _, lc, lr = pair_data(9, scale, seed=int(scale) + 11)
    out = simpo_loss(
        t64(pc),
        t64(pr),
        chosen_lengths=torch.tensor(lc.astype(np.int64)),
        rejected_lengths=torch.tensor(lr.astype(np.int64)),
        beta=beta,
        gamma_beta_ratio=ratio,
    )
    assert out.loss.dim() == 0
    assert out.loss.item() == close(np_simpo(pc, pr, lc, lr, beta, ratio))
    np.testing.assert_allclose(out.chosen_rewards.numpy(), beta * pc / lc, rtol=1e-12)
    np.testing.assert_allclose(out.rejected_rewards.numpy(), beta * pr / lr, rtol=1e-12)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize(
    ("beta", "eps", "nll_weight"), [(0.1, 0.0, 1.0), (0.05, 0.2, 0.5), (1.0, 0.0, 0.0)]
)
def test_cpo_matches_closed_form(scale: float, beta: float, eps: float, nll_weight: float) -> None:
    pc, pr, _, _, lc, _ = pair_data(9, scale, seed=int(scale) + 13)
    kwargs = {"beta": beta, "label_smoothing": eps, "nll_weight": nll_weight}
    out = cpo_loss(t64(pc), t64(pr), chosen_lengths=torch.tensor(lc.astype(np.int64)), **kwargs)
    assert out.loss.dim() == 0
    assert out.loss.item() == close(np_cpo(pc, pr, lc, beta, eps, nll_weight))
    np.testing.assert_allclose(out.chosen_rewards.numpy(), beta * pc, rtol=1e-12)
    np.testing.assert_allclose(out.rejected_rewards.numpy(), beta * pr, rtol=1e-12)


def test_cpo_defaults_are_beta01_nll_weight1_and_without_nll_it_is_reference_free_dpo() -> None:
    pc, pr, _, _, lc, _ = pair_data(6, 30.0, seed=4)
    out = cpo_loss(t64(pc), t64(pr), chosen_lengths=t64(lc))
    assert out.loss.item() == close(np_cpo(pc, pr, lc, 0.1, 0.0, 1.0))
    zero = torch.zeros(6, dtype=torch.float64)
    without = cpo_loss(t64(pc), t64(pr), chosen_lengths=t64(lc), nll_weight=0.0)
    assert without.loss.item() == close(dpo_loss(t64(pc), t64(pr), zero, zero).loss.item())


def test_simpo_defaults_are_beta2_ratio_half() -> None:
    pc, pr, _, _, lc, lr = pair_data(5, 30.0, seed=3)
    out = simpo_loss(t64(pc), t64(pr), chosen_lengths=t64(lc), rejected_lengths=t64(lr))
    assert out.loss.item() == close(np_simpo(pc, pr, lc, lr, 2.0, 0.5))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("shape", [(5, 5), (3, 6), (6, 2)])
def test_simpo_rpo_matches_closed_form(scale: float, shape: tuple[int, int]) -> None:
    m, n = shape
    rng = np.random.default_rng(m * 100 + n + int(scale))
    pc, pr = -rng.uniform(0, scale, m), -rng.uniform(0, scale, n)
    lc = rng.integers(1, 40, m).astype(np.float64)
    lr = rng.integers(1, 40, n).astype(np.float64)
    w = rng.uniform(0.0, 1.0, (m, n))
    w /= w.sum(axis=1, keepdims=True)
    beta, ratio = 2.5, 0.4
    out = simpo_rpo_loss(
        t64(pc),
        t64(pr),
        t64(w),
        chosen_lengths=torch.tensor(lc.astype(np.int64)),
        rejected_lengths=torch.tensor(lr.astype(np.int64)),
        beta=beta,
        gamma_beta_ratio=ratio,
    )
    assert out.loss.dim() == 0
    assert out.loss.item() == close(np_simpo_rpo(pc, pr, w, lc, lr, beta, ratio))
    # defaults beta=2, gamma/beta=0.5
    default = simpo_rpo_loss(
        t64(pc), t64(pr), t64(w), chosen_lengths=t64(lc), rejected_lengths=t64(lr)
    )
    assert default.loss.item() == close(np_simpo_rpo(pc, pr, w, lc, lr, 2.0, 0.5))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize(("lam_d", "lam_u"), [(1.0, 1.0), (1.33, 0.5), (0.2, 3.0)])
@pytest.mark.parametrize("kl_shift", [-1.0, 1.0])
def test_kto_matches_closed_form(scale: float, lam_d: float, lam_u: float, kl_shift: float) -> None:
    rng = np.random.default_rng(int(scale) + int(10 * lam_d))
    n, n_kl = 9, 7
    pol, ref = -rng.uniform(0, scale, n), -rng.uniform(0, scale, n)
    desirable = rng.random(n) < 0.5
    desirable[:2] = [True, False]
    ref_kl = -rng.uniform(0, scale, n_kl)
    # kl_shift > 0: mean KL positive (z0 = mean); < 0: clamped to 0
    pol_kl = ref_kl + kl_shift * rng.uniform(0.1, 0.3, n_kl) * scale
    beta = 0.1
    out = kto_loss(
        t64(pol),
        t64(ref),
        torch.tensor(desirable),
        t64(pol_kl),
        t64(ref_kl),
        beta=beta,
        desirable_weight=lam_d,
        undesirable_weight=lam_u,
    )
    expected, z0 = np_kto(pol, ref, desirable, pol_kl, ref_kl, beta, lam_d, lam_u)
    assert out.loss.dim() == 0
    assert out.loss.item() == close(expected)
    assert out.metrics["kto/z0"].item() == close(z0)
    assert (z0 > 0) == (kl_shift > 0)
    np.testing.assert_allclose(out.chosen_rewards.numpy(), beta * (pol - ref)[desirable])
    np.testing.assert_allclose(out.rejected_rewards.numpy(), beta * (pol - ref)[~desirable])


SWEPO_HYPER = [(1.0, 1.0), (2.5, 2.0), (0.7, 0.5), (1.0, 0.0), (0.0, 1.0)]


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("variant", ["dynamic", "one_vs_k"])
@pytest.mark.parametrize(("alpha", "p"), SWEPO_HYPER)
def test_swepo_matches_closed_form(layout: str, variant: str, alpha: float, p: float) -> None:
    ids = LAYOUTS[layout]
    beta = 0.1
    for i, scale in enumerate(SCALES):
        for kind in ("int", "float"):
            pol, ref, scores = group_data(ids, scale, kind, seed=len(ids) * 10 + i)
            out = swepo_loss(
                *group_tensors(pol, ref, scores, ids), beta=beta, alpha=alpha, p=p, variant=variant
            )
            expected, skipped = np_swepo(pol, ref, scores, ids, beta, alpha, p, variant)
            assert out.loss.dim() == 0
            assert out.loss.item() == close(expected), (scale, kind)
            assert out.metrics["swepo/skipped_groups"].item() == skipped, (scale, kind)


def test_swepo_defaults_are_dynamic_beta01_alpha1_p1() -> None:
    ids = LAYOUTS["mixed"]
    pol, ref, scores = group_data(ids, 30.0, "float", seed=5)
    out = swepo_loss(*group_tensors(pol, ref, scores, ids))
    assert out.loss.item() == close(np_swepo(pol, ref, scores, ids, 0.1, 1.0, 1.0, "dynamic")[0])


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("temp", [1.0, 0.3, 4.0])
def test_infonca_matches_closed_form(layout: str, temp: float) -> None:
    ids = LAYOUTS[layout]
    beta = 0.2
    for i, scale in enumerate(SCALES):
        for kind in ("int", "float"):
            pol, ref, scores = group_data(ids, scale, kind, seed=len(ids) * 10 + i + 1)
            out = infonca_loss(
                *group_tensors(pol, ref, scores, ids), beta=beta, reward_temperature=temp
            )
            expected, skipped = np_infonca(pol, ref, scores, ids, beta, temp)
            assert out.loss.dim() == 0
            assert out.loss.item() == close(expected), (scale, kind)
            assert out.metrics["infonca/skipped_groups"].item() == skipped, (scale, kind)


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("top_only", [False, True])
@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_dpo_over_groups_matches_closed_form(layout: str, top_only: bool, eps: float) -> None:
    ids = LAYOUTS[layout]
    fn = dpo_top_vs_rest_loss if top_only else dpo_all_pairs_loss
    beta = 0.1
    for i, scale in enumerate(SCALES):
        for kind in ("int", "float"):
            pol, ref, scores = group_data(ids, scale, kind, seed=len(ids) * 10 + i + 2)
            expected, pairs = np_dpo_pairs(pol, ref, scores, ids, beta, eps, top_only)
            out = fn(*group_tensors(pol, ref, scores, ids), beta=beta, label_smoothing=eps)
            assert out.loss.dim() == 0
            assert out.loss.item() == close(expected), (scale, kind)
            r = beta * (pol - ref)
            got = sorted(
                zip(out.chosen_rewards.tolist(), out.rejected_rewards.tolist(), strict=True)
            )
            want = sorted((r[win], r[lose]) for win, lose in pairs)
            np.testing.assert_allclose(np.array(got).reshape(-1, 2), np.array(want).reshape(-1, 2))


# --------------------------------------------------------------------------- 2. hand cases


def test_swepo_p0_is_unweighted_group_loss_for_any_alpha() -> None:
    ids = LAYOUTS["shuffled"]
    pol, ref, scores = group_data(ids, 30.0, "float", seed=9)
    beta = 0.1
    # unweighted: -lse_{P} s + lse_all s, P = {D_k > 0}
    unweighted = []
    for idx in np_groups(ids):
        s = beta * (pol[idx] - ref[idx])
        pos = scores[idx] > scores[idx].mean()
        unweighted.append(-np_lse(s[pos]) + np_lse(s))
    expected = float(np.mean(unweighted))
    for alpha in (0.0, 0.5, 1.0, 3.0, 25.0):
        out = swepo_loss(*group_tensors(pol, ref, scores, ids), beta=beta, alpha=alpha, p=0.0)
        assert out.loss.item() == close(expected), alpha
    # p > 0: alpha matters (the test above can fail)
    weighted = swepo_loss(*group_tensors(pol, ref, scores, ids), beta=beta, alpha=3.0, p=1.0)
    assert abs(weighted.loss.item() - expected) > 1e-3


@pytest.mark.parametrize("alpha", [0.0, 0.5, 2.0, 7.0])
@pytest.mark.parametrize("p", [0.0, 0.5, 1.0, 3.0])
@pytest.mark.parametrize("variant", ["one_vs_k", "dynamic"])
def test_swepo_k2_equals_dpo(alpha: float, p: float, variant: str) -> None:
    rng = np.random.default_rng(int(10 * alpha + p))
    n = 6
    ids = np.repeat(np.array([3, 8, 1, 6, 0, 2]), 2)
    pol, ref = -rng.uniform(0, 40, 2 * n), -rng.uniform(0, 40, 2 * n)
    scores = rng.normal(0, 3, 2 * n)
    out = swepo_loss(
        *group_tensors(pol, ref, scores, ids.tolist()), beta=0.3, alpha=alpha, p=p, variant=variant
    )
    w = np.where(scores[0::2] > scores[1::2], np.arange(0, 2 * n, 2), np.arange(1, 2 * n, 2))
    lose = np.where(w % 2 == 0, w + 1, w - 1)
    dpo = dpo_loss(t64(pol[w]), t64(pol[lose]), t64(ref[w]), t64(ref[lose]), beta=0.3)
    assert out.loss.item() == close(dpo.loss.item())


def test_swepo_one_vs_k_ties_pick_first_argmax() -> None:
    # group 4: scores [3, 1, 3, 2] -> positive is its first response (batch index 0);
    # group 9: scores [1, 5, 5]    -> positive is batch index 3.  Interleaved, non-contiguous ids.
    ids = [4, 9, 4, 9, 4, 9, 4]
    scores = np.array([3.0, 1.0, 1.0, 5.0, 3.0, 5.0, 2.0])
    pol = np.array([-1.0, -4.0, -2.0, -3.0, -0.5, -7.0, -2.5])
    ref = np.array([-2.0, -1.0, -1.5, -3.5, -3.0, -2.0, -1.0])
    beta, alpha, p = 0.5, 1.0, 1.0
    s = beta * (pol - ref)
    total = 0.0
    for idx, pos in (([0, 2, 4, 6], 0), ([1, 3, 5], 3)):
        dev = scores[idx] - scores[idx].mean()
        z = dict(zip(idx, s[idx] + alpha * np.abs(dev) ** p, strict=True))
        total += -z[pos] + np_lse(list(z.values()))
    expected = total / 2
    out = swepo_loss(
        *group_tensors(pol, ref, scores, ids), beta=beta, alpha=alpha, p=p, variant="one_vs_k"
    )
    assert out.loss.item() == close(expected)
    # picking the last maximum (batch indices 4 and 5) instead gives a different number
    last = 0.0
    for idx, pos in (([0, 2, 4, 6], 4), ([1, 3, 5], 5)):
        dev = scores[idx] - scores[idx].mean()
        z = dict(zip(idx, s[idx] + alpha * np.abs(dev) ** p, strict=True))
        last += -z[pos] + np_lse(list(z.values()))
    assert abs(last / 2 - expected) > 1e-2
    assert out.metrics["swepo/skipped_groups"].item() == 0


def test_swepo_dynamic_positives_are_strictly_above_mean() -> None:
    # scores [1, 2, 3]: D = [-1, 0, 1]; P = {2} (D = 0 is a negative).
    # beta = 1: s = delta = [1, -1, -2]; alpha = 1, p = 1: z = s + |D| = [2, -1, -1]
    # L = -z_2 + log(e^2 + e^-1 + e^-1) = 1 + log(e^2 + 2/e)
    pol = np.array([-1.0, -2.0, -3.0])
    ref = np.array([-2.0, -1.0, -1.0])
    scores = np.array([1.0, 2.0, 3.0])
    args = group_tensors(pol, ref, scores, [0, 0, 0])
    out = swepo_loss(*args, beta=1.0, alpha=1.0, p=1.0, variant="dynamic")
    assert out.loss.item() == close(1.0 + math.log(math.exp(2.0) + 2.0 / math.e))
    # p = 0 (0^0 = 1): all weights e^alpha cancel -> -s_2 + log(e + e^-1 + e^-2)
    out0 = swepo_loss(*args, beta=1.0, alpha=1.0, p=0.0, variant="dynamic")
    assert out0.loss.item() == close(2.0 + math.log(math.e + 1 / math.e + math.exp(-2.0)))
    # one_vs_k on the same group agrees (single positive); the D >= 0 reading would not
    one = swepo_loss(*args, beta=1.0, alpha=1.0, p=1.0, variant="one_vs_k")
    assert one.loss.item() == close(out.loss.item())
    wrong = -np_lse([-1.0, -1.0]) + np_lse([2.0, -1.0, -1.0])
    assert abs(out.loss.item() - wrong) > 0.1


def test_ipo_sum_form_ignores_lengths() -> None:
    pc, pr, rc, rr, lc, lr = pair_data(6, 30.0, seed=1)
    beta = 0.1
    h = (pc - rc) - (pr - rr)
    expected = float(np.mean((h - 5.0) ** 2))
    losses = []
    for lengths in ((lc, lr), (lc * 3, lr + 1)):
        out = ipo_loss(
            *map(t64, (pc, pr, rc, rr)),
            beta=beta,
            chosen_lengths=t64(lengths[0]),
            rejected_lengths=t64(lengths[1]),
            length_normalize=False,
        )
        losses.append(out.loss.item())
    assert losses[0] == close(expected) and losses[1] == close(expected)
    normalized = ipo_loss(
        *map(t64, (pc, pr, rc, rr)), beta=beta, chosen_lengths=t64(lc), rejected_lengths=t64(lr)
    )
    assert abs(normalized.loss.item() - expected) > 1e-3


def test_ipo_hand_case() -> None:
    # delta_w = 2 over 4 tokens, delta_l = -1 over 2 tokens: h_n = 0.5 + 0.5 = 1, h = 3.
    # beta = 0.25: (h_n - 2)^2 = 1.  beta = 0.5: (h_n - 1)^2 = 0, sum form (h - 1)^2 = 4.
    args = [torch.tensor([v], dtype=torch.float64) for v in (-1.0, -3.0, -3.0, -2.0)]
    kw = {"chosen_lengths": torch.tensor([4]), "rejected_lengths": torch.tensor([2])}
    assert ipo_loss(*args, beta=0.25, **kw).loss.item() == close(1.0)
    assert ipo_loss(*args, beta=0.5, **kw).loss.item() == pytest.approx(0.0, abs=1e-12)
    assert ipo_loss(*args, beta=0.5, length_normalize=False, **kw).loss.item() == close(4.0)


@pytest.mark.parametrize("n", [1, 3, 6])
def test_simpo_rpo_identity_is_simpo_plus_log2(n: int) -> None:
    pc, pr, _, _, lc, lr = pair_data(n, 50.0, seed=n)
    kw = {"chosen_lengths": t64(lc), "rejected_lengths": t64(lr), "beta": 2.0}
    kw["gamma_beta_ratio"] = 0.6
    rpo = simpo_rpo_loss(t64(pc), t64(pr), torch.eye(n, dtype=torch.float64), **kw)
    simpo = simpo_loss(t64(pc), t64(pr), **kw)
    assert n * n * rpo.loss.item() == close(n * simpo.loss.item() + (n * n - n) * math.log(2))


def test_kto_z0_is_clamped_mean_and_detached() -> None:
    pol = torch.tensor([-3.0, -5.0, -2.0, -8.0], dtype=torch.float64, requires_grad=True)
    ref = torch.tensor([-4.0, -4.0, -4.0, -4.0], dtype=torch.float64)
    desirable = torch.tensor([True, False, True, False])
    ref_kl = torch.tensor([-10.0, -10.0, -10.0], dtype=torch.float64)
    for kl_delta, z0 in (([3.0, -1.0, 4.0], 2.0), ([1.0, -4.0, 0.0], 0.0)):
        pol_kl = (ref_kl + torch.tensor(kl_delta, dtype=torch.float64)).requires_grad_(True)
        out = kto_loss(pol, ref, desirable, pol_kl, ref_kl, beta=0.5)
        assert out.metrics["kto/z0"].item() == close(z0)
        assert not out.metrics["kto/z0"].requires_grad
        # by hand: delta = [1, -1, 2, -4]
        # 1 - sigma(x) = 1 / (1 + e^x)
        expected = (
            1 / (1 + math.exp(0.5 * (1 - z0)))
            + 1 / (1 + math.exp(0.5 * (z0 + 1)))
            + 1 / (1 + math.exp(0.5 * (2 - z0)))
            + 1 / (1 + math.exp(0.5 * (z0 + 4)))
        ) / 4
        assert out.loss.item() == close(expected)
        pol.grad = None
        out.loss.backward()
        assert pol_kl.grad is None or torch.all(pol_kl.grad == 0)
        assert pol.grad is not None and torch.all(pol.grad != 0)


def test_kto_desirable_and_undesirable_weights_scale_their_items() -> None:
    rng = np.random.default_rng(4)
    pol, ref = -rng.uniform(0, 20, 6), -rng.uniform(0, 20, 6)
    pkl, rkl = -rng.uniform(0, 20, 6), -rng.uniform(0, 20, 6)
    desirable = np.array([True, True, False, True, False, False])
    args = (t64(pol), t64(ref), torch.tensor(desirable), t64(pkl), t64(rkl))
    base = kto_loss(*args, beta=0.1).loss.item()
    d_only = kto_loss(*args, beta=0.1, desirable_weight=1.0, undesirable_weight=1e-300).loss.item()
    u_only = kto_loss(*args, beta=0.1, desirable_weight=1e-300, undesirable_weight=1.0).loss.item()
    assert d_only + u_only == close(base)
    both = kto_loss(*args, beta=0.1, desirable_weight=3.0, undesirable_weight=0.25).loss.item()
    assert both == close(3.0 * d_only + 0.25 * u_only)
    assert both == close(np_kto(pol, ref, desirable, pkl, rkl, 0.1, 3.0, 0.25)[0])


def test_infonca_zero_temperature_is_one_hot_best_response() -> None:
    ids = LAYOUTS["mixed"]  # [7, 7, 3, 7, 3, 9, 9]
    scores = np.array([2.0, 5.0, 1.0, 3.0, 4.0, 3.0, 1.0])  # unique best per group
    rng = np.random.default_rng(2)
    pol, ref = -rng.uniform(0, 30, 7), -rng.uniform(0, 30, 7)
    beta = 0.1
    s = beta * (pol - ref)
    one_hot = []
    for idx in np_groups(ids):
        b = idx[int(np.argmax(scores[idx]))]
        one_hot.append(-(s[b] - np_lse(s[idx])))
    target = float(np.mean(one_hot))
    args = group_tensors(pol, ref, scores, ids)
    gaps = [
        abs(infonca_loss(*args, beta=beta, reward_temperature=t).loss.item() - target)
        for t in (10.0, 1.0, 0.1, 1e-3)
    ]
    assert gaps[0] > 1e-3 and gaps[1] > 1e-3
    assert gaps[-1] <= REL * abs(target)


def test_dpo_over_groups_hand_case_with_ties() -> None:
    # scores [3, 1, 3, 2]: all pairs (strict) = (0,1) (0,3) (2,1) (2,3) (3,1);
    # top vs rest: first best = 0 -> (0,1) (0,3)   (not (0,2): a tie is no preference)
    scores = np.array([3.0, 1.0, 3.0, 2.0])
    pol = np.array([-1.0, -2.0, -6.0, -3.0])
    ref = np.array([-2.0, -2.0, -2.0, -2.0])  # delta = [1, 0, -4, -1]
    args = group_tensors(pol, ref, scores, [5, 5, 5, 5])
    nls = lambda h: math.log1p(math.exp(-h))  # noqa: E731  (-logsig)
    all_pairs = (nls(1) + nls(2) + nls(-4) + nls(-3) + nls(-1)) / 5
    top = (nls(1) + nls(2)) / 2
    assert dpo_all_pairs_loss(*args, beta=1.0).loss.item() == close(all_pairs)
    assert dpo_top_vs_rest_loss(*args, beta=1.0).loss.item() == close(top)


# --------------------------------------------------------------------------- 3. gradcheck


def _r(n: int, seed: int, scale: float = 2.0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return (-(torch.rand(n, generator=g, dtype=torch.float64) * scale)).requires_grad_(True)


GC_IDS = torch.tensor([7, 7, 3, 7, 3, 9, 9, 4, 4])  # group 4 has equal scores: skipped
GC_SCORES = torch.tensor([2.0, 5.0, 1.0, 3.0, 4.0, 3.0, 1.0, 2.0, 2.0], dtype=torch.float64)


def test_gradcheck_pairwise_and_contrast() -> None:
    n = 5
    pc, pr, rc, rr = (_r(n, s) for s in range(4))
    lc = torch.tensor([3.0, 1.0, 4.0, 2.0, 5.0], dtype=torch.float64)
    lr = torch.tensor([2.0, 6.0, 1.0, 3.0, 2.0], dtype=torch.float64)
    for norm in (True, False):
        assert torch.autograd.gradcheck(
            lambda a, b, c, d, norm=norm: (
                ipo_loss(
                    a,
                    b,
                    c,
                    d,
                    beta=0.3,
                    chosen_lengths=lc,
                    rejected_lengths=lr,
                    length_normalize=norm,
                ).loss
            ),
            (pc, pr, rc, rr),
        )
    assert torch.autograd.gradcheck(
        lambda a, b: simpo_loss(a, b, chosen_lengths=lc, rejected_lengths=lr, beta=2.0).loss,
        (pc, pr),
    )
    w = torch.rand(n, 3, generator=torch.Generator().manual_seed(9), dtype=torch.float64)
    w.requires_grad_(True)
    assert torch.autograd.gradcheck(
        lambda a, b, ww: (
            simpo_rpo_loss(a, b, ww, chosen_lengths=lc, rejected_lengths=lr[:3], beta=2.0).loss
        ),
        (pc, pr[:3].detach().requires_grad_(True), w),
    )


def test_gradcheck_kto() -> None:
    pol, ref = _r(6, 10, 5.0), _r(6, 11, 5.0)
    desirable = torch.tensor([True, False, True, True, False, False])
    pkl = _r(4, 12, 5.0).detach()
    rkl = (pkl - 1.0).detach()  # z0 = 1 > 0
    assert torch.autograd.gradcheck(
        lambda a, b: (
            kto_loss(
                a, b, desirable, pkl, rkl, beta=0.7, desirable_weight=1.5, undesirable_weight=0.5
            ).loss
        ),
        (pol, ref),
    )


@pytest.mark.parametrize("variant", ["dynamic", "one_vs_k"])
@pytest.mark.parametrize("p", [0.0, 1.0, 2.0])
def test_gradcheck_swepo(variant: str, p: float) -> None:
    pol, ref = _r(9, 20), _r(9, 21)
    assert torch.autograd.gradcheck(
        lambda a, b: (
            swepo_loss(a, b, GC_SCORES, GC_IDS, beta=0.5, alpha=1.3, p=p, variant=variant).loss
        ),
        (pol, ref),
    )


def test_gradcheck_infonca_and_dpo_over_groups() -> None:
    pol, ref = _r(9, 30), _r(9, 31)
    assert torch.autograd.gradcheck(
        lambda a, b: infonca_loss(a, b, GC_SCORES, GC_IDS, beta=0.5, reward_temperature=0.7).loss,
        (pol, ref),
    )
    for fn in (dpo_all_pairs_loss, dpo_top_vs_rest_loss):
        assert torch.autograd.gradcheck(
            lambda a, b, fn=fn: fn(a, b, GC_SCORES, GC_IDS, beta=0.5, label_smoothing=0.1).loss,
            (pol, ref),
        )


# --------------------------------------------------------------------------- 4. extremes


def _big_bf16(n: int, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    x = -(torch.rand(n, generator=g) * 1e4)
    x[0] = -1e4
    x[1] = 0.0
    return x.to(torch.bfloat16).requires_grad_(True)


def _finite_loss_and_grads(loss: torch.Tensor, leaves: tuple[torch.Tensor, ...]) -> None:
    assert loss.dim() == 0 and torch.isfinite(loss)
    assert loss.dtype in (torch.float32, torch.float64)  # computed in fp32 or wider
    grads = torch.autograd.grad(loss, leaves, allow_unused=True)
    for g in grads:
        assert g is None or torch.isfinite(g.float()).all()


def test_extreme_bf16_pairwise_kto_and_contrast() -> None:
    n = 6
    pc, pr, rc, rr = (_big_bf16(n, s) for s in range(4))
    lc = torch.tensor([1, 2, 3, 500, 1, 7])
    lr = torch.tensor([9, 1, 1, 2, 300, 4])
    for norm in (True, False):
        out = ipo_loss(
            pc, pr, rc, rr, beta=0.1, chosen_lengths=lc, rejected_lengths=lr, length_normalize=norm
        )
        _finite_loss_and_grads(out.loss, (pc, pr, rc, rr))
    out = simpo_loss(pc, pr, chosen_lengths=lc, rejected_lengths=lr, beta=10.0)
    _finite_loss_and_grads(out.loss, (pc, pr))
    for w in (torch.eye(n), torch.full((n, n), 1.0 / n)):
        out = simpo_rpo_loss(
            pc, pr, w.to(torch.bfloat16), chosen_lengths=lc, rejected_lengths=lr, beta=10.0
        )
        _finite_loss_and_grads(out.loss, (pc, pr))
    desirable = torch.tensor([True, False, True, False, True, False])
    pkl, rkl = _big_bf16(n, 7), _big_bf16(n, 8)
    out = kto_loss(pc, rc, desirable, pkl, rkl, beta=1.0)
    _finite_loss_and_grads(out.loss, (pc, rc, pkl))
    assert torch.isfinite(out.metrics["kto/z0"])


def test_extreme_bf16_group_losses() -> None:
    ids = torch.tensor([7, 7, 3, 7, 3, 9, 9, 4, 4])
    scores = torch.tensor([2.0, 5.0, 1.0, 3.0, 4.0, 3.0, 1.0, 2.0, 2.0])
    pol, ref = _big_bf16(9, 40), _big_bf16(9, 41)
    for variant in ("dynamic", "one_vs_k"):
        for p in (0.0, 1.0, 2.0):
            out = swepo_loss(pol, ref, scores, ids, beta=1.0, p=p, variant=variant)
            _finite_loss_and_grads(out.loss, (pol, ref))
    out = infonca_loss(pol, ref, scores, ids, beta=1.0, reward_temperature=0.01)
    _finite_loss_and_grads(out.loss, (pol, ref))
    for fn in (dpo_all_pairs_loss, dpo_top_vs_rest_loss):
        _finite_loss_and_grads(fn(pol, ref, scores, ids, beta=1.0).loss, (pol, ref))


def _skipped_metric(out) -> float:
    keys = [k for k in out.metrics if k.endswith("skipped_groups")]
    assert len(keys) == 1, out.metrics.keys()
    return out.metrics[keys[0]].item()


GROUP_FNS = {
    "swepo_dynamic": lambda *a: swepo_loss(*a, beta=0.1, variant="dynamic"),
    "swepo_one_vs_k": lambda *a: swepo_loss(*a, beta=0.1, variant="one_vs_k"),
    "infonca": lambda *a: infonca_loss(*a, beta=0.1),
    "dpo_all_pairs": lambda *a: dpo_all_pairs_loss(*a, beta=0.1),
}


def _oracle(name: str, pol, ref, scores, ids):
    if name.startswith("swepo"):
        return np_swepo(pol, ref, scores, ids, 0.1, 1.0, 1.0, name.removeprefix("swepo_"))
    if name == "infonca":
        return np_infonca(pol, ref, scores, ids, 0.1, 1.0)
    loss, _ = np_dpo_pairs(pol, ref, scores, ids, 0.1, 0.0, False)
    equal = sum(bool(np.all(scores[i] == scores[i][0])) for i in np_groups(ids))
    return loss, equal


@pytest.mark.parametrize("name", list(GROUP_FNS))
def test_equal_score_groups_are_skipped_and_counted(name: str) -> None:
    # groups 2 and 6 have equal scores (6 at log-prob scale 1e4: must not leak NaN / inf)
    ids = [1, 2, 1, 6, 2, 1, 6, 2, 5, 5]
    scores = np.array([1.0, 4.0, 3.0, 2.0, 4.0, 2.0, 2.0, 4.0, 7.0, 3.0])
    rng = np.random.default_rng(3)
    pol, ref = -rng.uniform(0, 30, 10), -rng.uniform(0, 30, 10)
    pol[[3, 6]] = [-1e4, 0.0]
    ref[[3, 6]] = [0.0, -1e4]
    pt, rt, st, it = group_tensors(pol, ref, scores, ids)
    pt.requires_grad_(True)
    out = GROUP_FNS[name](pt, rt, st, it)
    expected, skipped = _oracle(name, pol, ref, scores, ids)
    assert skipped == 2
    assert _skipped_metric(out) == 2
    assert torch.isfinite(out.loss) and out.loss.item() == close(expected)
    (grad,) = torch.autograd.grad(out.loss, pt)
    assert torch.isfinite(grad).all()
    # a skipped group contributes nothing: no gradient to its responses
    assert torch.all(grad[[1, 3, 4, 6, 7]] == 0)
    assert torch.any(grad[[0, 2, 5, 8, 9]] != 0)


@pytest.mark.parametrize("name", [*GROUP_FNS, "dpo_top_vs_rest"])
def test_all_groups_skipped_gives_zero_loss_and_zero_grad(name: str) -> None:
    ids = torch.tensor([3, 3, 0, 0, 0, 8, 8])
    scores = torch.tensor([2.0, 2.0, 5.0, 5.0, 5.0, -1.0, -1.0], dtype=torch.float64)
    pol = torch.tensor([-1e4, 0.0, -5.0, -1.0, -9e3, -2.0, -3.0], dtype=torch.float64)
    pol.requires_grad_(True)
    ref = torch.tensor([0.0, -1e4, -2.0, -3.0, -1.0, -7e3, -1.0], dtype=torch.float64)
    if name == "dpo_top_vs_rest":
        out = dpo_top_vs_rest_loss(pol, ref, scores, ids, beta=0.1)
    else:
        out = GROUP_FNS[name](pol, ref, scores, ids)
    assert out.loss.dim() == 0 and out.loss.item() == 0.0
    assert out.loss.requires_grad
    (grad,) = torch.autograd.grad(out.loss, pol)
    assert torch.isfinite(grad).all() and torch.all(grad == 0)
    if name != "dpo_top_vs_rest":
        assert _skipped_metric(out) == 3


@pytest.mark.parametrize("variant", ["dynamic", "one_vs_k"])
def test_swepo_group_of_one_is_skipped(variant: str) -> None:
    ids = [4, 2, 2, 2, 9]  # groups 4 and 9 have a single response
    scores = np.array([5.0, 1.0, 2.0, 4.0, 0.0])
    pol = np.array([-3.0, -1.0, -2.0, -6.0, -4.0])
    ref = np.array([-1.0, -2.0, -2.0, -2.0, -1.0])
    pt, rt, st, it = group_tensors(pol, ref, scores, ids)
    pt.requires_grad_(True)
    out = swepo_loss(pt, rt, st, it, beta=0.5, alpha=1.0, p=1.0, variant=variant)
    expected, skipped = np_swepo(pol, ref, scores, ids, 0.5, 1.0, 1.0, variant)
    assert skipped == 2 and out.metrics["swepo/skipped_groups"].item() == 2
    assert out.loss.item() == close(expected)
    (grad,) = torch.autograd.grad(out.loss, pt)
    assert torch.isfinite(grad).all() and grad[0] == 0 and grad[4] == 0
    only = swepo_loss(t64([-3.0]), t64([-1.0]), t64([5.0]), torch.tensor([0]), variant=variant)
    assert only.loss.item() == 0.0 and only.metrics["swepo/skipped_groups"].item() == 1


# --------------------------------------------------------------------------- 5. bad inputs

_A3, _A4 = torch.zeros(3), torch.zeros(4)
_L3, _L4 = torch.ones(3), torch.ones(4)
_IDS3 = torch.tensor([0, 0, 1])
_S3 = torch.tensor([1.0, 2.0, 3.0])
_S4 = torch.tensor([1.0, 2.0, 3.0, 4.0])
_D3 = torch.tensor([True, False, True])

BAD_INPUTS = {
    "ipo_lengths": (
        lambda: ipo_loss(_A3, _A3, _A3, _A3, chosen_lengths=_L3, rejected_lengths=_L4),
        "rejected_lengths",
    ),
    "ipo_logps": (
        lambda: ipo_loss(_A3, _A4, _A3, _A3, chosen_lengths=_L3, rejected_lengths=_L3),
        "policy_rejected_logps",
    ),
    "ipo_beta": (
        lambda: ipo_loss(_A3, _A3, _A3, _A3, beta=0.0, chosen_lengths=_L3, rejected_lengths=_L3),
        "beta",
    ),
    "simpo_lengths": (
        lambda: simpo_loss(_A3, _A3, chosen_lengths=_L4, rejected_lengths=_L3),
        "chosen_lengths",
    ),
    "simpo_beta": (
        lambda: simpo_loss(_A3, _A3, chosen_lengths=_L3, rejected_lengths=_L3, beta=-1.0),
        "beta",
    ),
    "simpo_rpo_weights": (
        lambda: simpo_rpo_loss(
            _A3, _A4, torch.ones(3, 3), chosen_lengths=_L3, rejected_lengths=_L4
        ),
        "weights",
    ),
    "simpo_rpo_weights_transposed": (
        lambda: simpo_rpo_loss(
            _A3, _A4, torch.ones(4, 3), chosen_lengths=_L3, rejected_lengths=_L4
        ),
        "weights",
    ),
    "simpo_rpo_lengths": (
        lambda: simpo_rpo_loss(
            _A3, _A4, torch.ones(3, 4), chosen_lengths=_L4, rejected_lengths=_L4
        ),
        "chosen_lengths",
    ),
    "simpo_rpo_beta": (
        lambda: simpo_rpo_loss(
            _A3, _A4, torch.ones(3, 4), chosen_lengths=_L3, rejected_lengths=_L4, beta=0.0
        ),
        "beta",
    ),
    "kto_desirable_int": (
        lambda: kto_loss(_A3, _A3, torch.tensor([1, 0, 1]), _A3, _A3),
        "desirable",
    ),
    "kto_desirable_float": (
        lambda: kto_loss(_A3, _A3, torch.tensor([1.0, 0.0, 1.0]), _A3, _A3),
        "desirable",
    ),
    "kto_lengths": (lambda: kto_loss(_A3, _A4, _D3, _A3, _A3), "ref_logps"),
    "kto_kl_lengths": (lambda: kto_loss(_A3, _A3, _D3, _A3, _A4), "ref_kl_logps"),
    "kto_beta": (lambda: kto_loss(_A3, _A3, _D3, _A3, _A3, beta=0.0), "beta"),
    "swepo_lengths": (lambda: swepo_loss(_A3, _A3, torch.ones(4), _IDS3), "scores"),
    "swepo_ids_length": (lambda: swepo_loss(_A3, _A3, _S3, torch.tensor([0, 1])), "group_ids"),
    "swepo_alpha": (lambda: swepo_loss(_A3, _A3, _S3, _IDS3, alpha=-0.1), "alpha"),
    "swepo_p": (lambda: swepo_loss(_A3, _A3, _S3, _IDS3, p=-1.0), r"\bp\b"),
    "swepo_variant": (lambda: swepo_loss(_A3, _A3, _S3, _IDS3, variant="two_vs_k"), "variant"),
    "swepo_float_ids": (lambda: swepo_loss(_A3, _A3, _S3, _IDS3.float()), "group_ids"),
    "swepo_beta": (lambda: swepo_loss(_A3, _A3, _S3, _IDS3, beta=0.0), "beta"),
    "infonca_lengths": (lambda: infonca_loss(_A4, _A3, _S3, _IDS3), "policy_logps"),
    "infonca_float_ids": (lambda: infonca_loss(_A3, _A3, _S3, _IDS3.double()), "group_ids"),
    "infonca_beta": (lambda: infonca_loss(_A3, _A3, _S3, _IDS3, beta=-0.1), "beta"),
    "all_pairs_lengths": (
        lambda: dpo_all_pairs_loss(_A3, _A3, _S3, torch.tensor([0])),
        "group_ids",
    ),
    "all_pairs_float_ids": (lambda: dpo_all_pairs_loss(_A3, _A3, _S3, _IDS3.float()), "group_ids"),
    "all_pairs_beta": (lambda: dpo_all_pairs_loss(_A3, _A3, _S3, _IDS3, beta=0.0), "beta"),
    "top_lengths": (lambda: dpo_top_vs_rest_loss(_A3, _A3, _S4, _IDS3), "scores"),
    "top_float_ids": (lambda: dpo_top_vs_rest_loss(_A3, _A3, _S3, _IDS3.float()), "group_ids"),
    "top_beta": (lambda: dpo_top_vs_rest_loss(_A3, _A3, _S3, _IDS3, beta=-1.0), "beta"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_raises_value_error_naming_the_argument(case: str) -> None:
    call, name = BAD_INPUTS[case]
    with pytest.raises(ValueError, match=name):
        call()
