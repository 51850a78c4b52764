"""`python -m rpo_exp.train` as users run it: tiny end-to-end runs and every bad override."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from transformers import AutoModelForCausalLM

from tests.helpers import TINY, run_train

COMMON = ["loss", "logps/chosen", "logps/rejected", "grad_norm", "lr", "examples_seen", "step"]
COMMON += ["perf/step_seconds", "perf/tokens_per_second"]
REWARDS = ["rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies"]
CONTRAST = ["rpo/effective_beta", "rpo/weight_entropy"]
EXPECTED = {
    "sft": [k for k in COMMON if k != "logps/rejected"],  # SFT scores chosen responses only
    "dpo": COMMON + REWARDS,
    "ipo": COMMON + REWARDS,
    "kto": [*COMMON, *REWARDS[:3], "kto/z0"],  # unpaired items: no accuracies
    "simpo": COMMON + REWARDS,
    "cpo": COMMON + REWARDS,
    "rpo": COMMON + REWARDS + CONTRAST,
    "simpo_rpo": COMMON + REWARDS + CONTRAST,
}
REFERENCE_FREE = ("sft", "simpo", "cpo", "simpo_rpo")


def read_metrics(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("loss", list(EXPECTED))
def test_tiny_run_writes_spec_metrics_and_final_model(tmp_path: Path, loss: str) -> None:
    result = run_train(*TINY, f"loss={loss}", "trainer.max_steps=2", run_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = read_metrics(tmp_path)
    train = [r for r in rows if "loss" in r]
    evals = [r for r in rows if "eval/loss" in r]
    assert [r["step"] for r in train] == [1, 2]
    assert [r["step"] for r in evals] == [0, 2]
    for row in train:
        assert set(EXPECTED[loss]) <= set(row), set(EXPECTED[loss]) - set(row)
    eval_keys = {f"eval/{k}" for k in EXPECTED[loss] if k not in COMMON[3:]} | {"eval/loss"}
    assert eval_keys <= set(evals[0]), eval_keys - set(evals[0])
    if loss not in REFERENCE_FREE:  # the policy is the reference at step 0
        assert evals[0]["eval/rewards/margins"] == 0.0
    assert train[1]["examples_seen"] == 2 * train[0]["examples_seen"]
    model = AutoModelForCausalLM.from_pretrained(tmp_path / "final")
    assert model.config.num_hidden_layers == 2
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert "eval/loss" in summary["before"] and "eval/loss" in summary["after"]


def test_wandb_online_without_key_logs_offline_and_says_so_once(tmp_path: Path) -> None:
    home = tmp_path / "home"  # no ~/.netrc: no wandb credentials
    home.mkdir()
    env = {
        "HOME": str(home),
        "WANDB_API_KEY": "",
        "RPO_EXP_CACHE": os.environ.get("RPO_EXP_CACHE", str(Path.home() / ".cache" / "rpo_exp")),
    }
    result = run_train(
        "model=tiny_llama",
        "logger=wandb",
        "logger.mode=online",
        "trainer.max_steps=1",
        run_dir=tmp_path / "run",
        env=env,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert output.count("wandb: no API key") == 1
    assert list((tmp_path / "run" / "wandb").glob("offline-run-*"))


def bad_rows_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.jsonl"
    good = {
        "chosen": "\n\nHuman: hi\n\nAssistant: hello",
        "rejected": "\n\nHuman: hi\n\nAssistant: go",
    }
    path.write_text(json.dumps(good) + "\n" + json.dumps({"chosen": good["chosen"]}) + "\n")
    return path


BAD = {
    "unknown loss": (["loss=nope"], "Available options in 'loss'"),
    "tau <= 0": (["loss.tau=0"], "loss.tau"),
    "batch not a multiple": (
        ["trainer.batch_size=10", "trainer.micro_batch_size=4"],
        "trainer.batch_size=10 must be a multiple of trainer.micro_batch_size=4",
    ),
    "model path": (["model.name_or_path=/no/such/dir"], "model.name_or_path=/no/such/dir: neither"),
    "row missing rejected": (["dataset.path={bad}"], "bad.jsonl:2: missing 'rejected'"),
    "hub dataset offline": (["dataset=hh"], "dataset=hh_sample"),
    "hub model offline": (["model=llama2_7b"], "model.name_or_path=<local directory"),
    "group loss on pairs": (["loss=swepo"], "loss=swepo needs grouped data"),
    "unknown weighting": (
        ["loss=rpo", "loss.weighting=cosine"],
        "loss.weighting=cosine: Invalid value 'cosine', expected one of [embedding, uniform",
    ),
    "diagonal alpha": (["weighting=diagonal", "loss.alpha=1.5"], "loss.alpha=1.5: must be in"),
    "weighting on dpo": (
        ["loss=dpo", "weighting=uniform"],
        "unknown keys ['weight_scale', 'weighting']",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_override_fails_before_weights_load(tmp_path: Path, case: str) -> None:
    overrides, message = BAD[case]
    overrides = [o.format(bad=bad_rows_file(tmp_path)) for o in overrides]
    if case in ("hub dataset offline", "hub model offline"):
        from rpo_exp.common.paths import hub_reachable

        if hub_reachable():
            pytest.skip("the Hugging Face Hub is reachable here: offline behaviour not testable")
    result = run_train(*overrides, "logger=none", run_dir=tmp_path / "run")
    assert result.returncode != 0
    assert message in result.stderr, result.stderr[-2000:]
    assert "Loading weights" not in result.stderr + result.stdout
    assert not (tmp_path / "run" / "metrics.jsonl").exists()
