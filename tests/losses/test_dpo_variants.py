"""R-DPO and ORPO against their papers' closed forms, written out here in float64 Python; every
loss of the DPO family trains `tiny_llama` on `hh_sample` from the command line (one multirun,
micro-batched), logging its rewards; the loss options are refused before training when out of
their domain. (TRL's loss types against TRL itself: test_trl_losses.py.)"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from rpo_exp.losses import orpo_loss, rdpo_loss
from tests.helpers import TINY, compose_cfg, run_cli

VARIANTS = ["hinge", "robust", "exo_pair", "nca_pair", "bco_pair", "sppo_hard", "aot"]
VARIANTS += ["aot_unpaired", "apo_zero", "apo_down", "discopop", "sigmoid_norm", "rdpo", "orpo"]
VARIANTS += ["mix"]  # its default terms: dpo + sft


def logsig(x: float) -> float:
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def random_batch(n: int, seed: int) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, 30, (2, n), generator=g).double()
    logps = -torch.rand(2, n, generator=g, dtype=torch.float64) * lengths * 3
    ref = -torch.rand(2, n, generator=g, dtype=torch.float64) * lengths * 3
    return {
        "policy_chosen_logps": logps[0],
        "policy_rejected_logps": logps[1],
        "ref_chosen_logps": ref[0],
        "ref_rejected_logps": ref[1],
        "chosen_lengths": lengths[0],
        "rejected_lengths": lengths[1],
    }


@pytest.mark.parametrize(("n", "beta", "alpha"), [(1, 0.1, 0.05), (5, 0.5, 0.2), (9, 2.0, 0.0)])
def test_rdpo_is_its_closed_form(n: int, beta: float, alpha: float) -> None:
    """R-DPO (Park et al. 2024, Eq. 9): -log sig(beta (dw - dl) - alpha (|y_w| - |y_l|))."""
    t = random_batch(n, seed=n)
    want = 0.0
    for i in range(n):
        dw = float(t["policy_chosen_logps"][i] - t["ref_chosen_logps"][i])
        dl = float(t["policy_rejected_logps"][i] - t["ref_rejected_logps"][i])
        extra = float(t["chosen_lengths"][i] - t["rejected_lengths"][i])
        want += -logsig(beta * (dw - dl) - alpha * extra) / n
    got = rdpo_loss(**t, beta=beta, alpha=alpha)
    assert got.loss.item() == pytest.approx(want, rel=1e-12)
    assert alpha > 0 or got.loss.item() == pytest.approx(
        sum(-logsig(beta * float(a - b - c + d)) for a, b, c, d in zip(
            t["policy_chosen_logps"], t["policy_rejected_logps"], t["ref_chosen_logps"],
            t["ref_rejected_logps"], strict=True)) / n, rel=1e-12,
    )  # fmt: skip  # alpha = 0 is DPO


@pytest.mark.parametrize(("n", "beta"), [(1, 0.1), (6, 0.5), (9, 1.0)])
def test_orpo_is_its_closed_form(n: int, beta: float) -> None:
    """ORPO (Hong et al. 2024, Eq. 6-7): NLL of the chosen tokens + beta x -log sig(log
    odds(y_w) - log odds(y_l)), odds = P/(1-P), P = exp(mean token log-prob)."""
    t = random_batch(n, seed=100 + n)
    nll = -float(t["policy_chosen_logps"].sum()) / float(t["chosen_lengths"].sum())

    def log_odds(logp: float, length: float) -> float:
        p = math.exp(logp / length)
        return math.log(p / (1 - p))

    ratio = 0.0
    for i in range(n):
        w = log_odds(float(t["policy_chosen_logps"][i]), float(t["chosen_lengths"][i]))
        lo = log_odds(float(t["policy_rejected_logps"][i]), float(t["rejected_lengths"][i]))
        ratio += -logsig(w - lo) / n
    keep = ("policy_chosen_logps", "policy_rejected_logps", "chosen_lengths", "rejected_lengths")
    got = orpo_loss(**{k: t[k] for k in keep}, beta=beta)
    assert got.loss.item() == pytest.approx(nll + beta * ratio, rel=1e-10)


def test_every_variant_trains_from_the_command_line(tmp_path: Path) -> None:
    done = run_cli(
        "rpo_exp.train",
        "-m",
        f"loss={','.join(VARIANTS)}",
        *TINY,
        "dataset=hh_sample",
        "trainer.max_steps=2",
        "trainer.batch_size=4",
        "trainer.micro_batch_size=2",
        "trainer.eval_max_examples=8",
        "dataset.max_train_examples=32",
        f"hydra.sweep.dir={tmp_path}",
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for job, loss in enumerate(VARIANTS):
        (run,) = tmp_path.glob(f"{job}_*loss={loss},*")
        rows = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
        steps = [r for r in rows if "loss" in r]
        assert [r["step"] for r in steps] == [1, 2], loss
        assert all(math.isfinite(r["loss"]) and "rewards/margins" in r for r in steps), loss
        if loss == "mix":  # each term logged
            assert all({"loss/dpo", "loss/sft"} <= set(r) for r in steps)
        saved = json.loads((run / "summary.json").read_text())
        assert saved["after"], loss


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        (["loss=exo_pair", "loss.label_smoothing=0"], "label_smoothing"),
        (["loss=robust", "loss.label_smoothing=0.5"], "loss.label_smoothing=0.5: must be in"),
        (["loss=discopop", "loss.discopop_tau=0"], "loss.discopop_tau=0: must be > 0"),
        (["loss=dpo", "loss.f_divergence=chi2"], "f_divergence"),
        (["loss=kto", "loss.sft_weight=1"], "loss.sft_weight=1 adds the NLL of chosen"),
        (["loss=mix", "loss.terms=[dpo,rpo]", "loss.weights=[1,1]"], "rpo needs contrast"),
        (["loss=mix", "loss.terms=[dpo]", "loss.weights=[1,2]"], "one weight per term"),
        (["loss=mix", "+loss.options.gamma_beta_ratio=1"], "taken by none of"),
        (["loss=dpo", "loss.ld_alpha=1.5"], r"loss.ld_alpha=1.5: must be in \[0, 1\]"),
        (["loss=rpo", "loss.ld_alpha=0.5"], "loss=rpo .contrast batches. has no such pairs"),
        (["loss=kto", "loss.ld_alpha=0.5"], "loss=kto .kto batches. has no such pairs"),
        (["loss=simpo", "loss.ld_alpha=0.5"], "simpo takes none"),
        (["loss=mix", "loss.ld_alpha=0.5"], "sft takes none"),
        (["loss=dpo", "loss.ld_alpha=0.5", "loss.sft_weight=1"], "with loss.sft_weight=1.0"),
        (["loss=rpo", "loss.wpo=true"], "loss=rpo .contrast batches. has no such pairs"),
        (["loss=sft", "loss.wpo=true"], "loss=sft .sft batches. has no such pairs"),
        (["loss=aot", "loss.wpo=true"], "aot sorts the batch's margins"),
        (["loss=simpo", "loss.wpo=true"], "simpo is no loss of TRL's DPOTrainer"),
        (
            ["loss=mix", "loss.terms=[dpo,orpo]", "loss.weights=[1,1]", "loss.wpo=true"],
            "orpo is no",
        ),
    ],
)
def test_options_out_of_their_domain_are_refused_before_training(
    overrides: list[str], said: str
) -> None:
    with pytest.raises((ConfigError, ValueError), match=said):
        validate(compose_cfg(*TINY, *overrides))
