"""`make study` in its tiny form (conf/study.yaml's header): on-policy data, one training sweep
per loss, every run judged by the reward against the initial policy's samples with its KL, the
table, summary, plot and report; a rerun into the same dir trains and computes nothing."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rpo_exp.evaluation.winrate import win_rate
from tests.helpers import CONF, ROOT, tiny_form


def run_study(out: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"RPO_EXP_CACHE": str(out.parent / "cache"), "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "rpo_exp.study", *tiny_form("study"), f"hydra.run.dir={out}"],
        capture_output=True, text=True, timeout=900, cwd=ROOT, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("study") / "out"
    done = run_study(out)
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done


def test_every_grid_run_is_trained_and_judged(study) -> None:
    out, _ = study
    table = pd.read_csv(out / "study.csv", float_precision="round_trip")
    grid = {("sft", None), ("dpo", 0.1), ("dpo", 0.5), ("swepo", 0.1), ("swepo", 0.5)}
    assert {(r.loss, None if pd.isna(r.beta) else r.beta) for r in table.itertuples()} == grid
    assert (table["status"] == "finished").all() and (table["n"] == 4).all()
    for row in table.itertuples():
        run = out / "runs" / row.run
        result = json.loads((run / "eval" / "win_rate_vs_initial.json").read_text())
        assert (result["win_rate"], result["kl"]) == (row.win_rate, row.kl)
        assert result["against"] == "initial" and result["judge"].startswith("sentiment:")
        cfg = (run / ".hydra" / "overrides.yaml").read_text()
        assert "trainer.max_steps=1" in cfg and "experiment=study" in cfg
    record = json.loads((out / "data" / "record.json").read_text())
    assert record["sampling"]["k"] == 4 and record["prompts"]["test"] > 0


def test_the_summary_recomputes_from_the_runs(study) -> None:
    """Per (loss, beta): the means over seeds of each run's figures; the pooled win rate's
    interval from every run's per-prompt verdicts; the initial policy's reward is the reward of
    its own samples, the opponent of every run."""
    out, _ = study
    table = pd.read_csv(out / "study.csv", float_precision="round_trip")
    summary = pd.read_csv(out / "study_summary.csv", float_precision="round_trip")
    initial = summary[summary["loss"] == "initial"].iloc[0]
    assert initial["kl"] == 0 and initial["reward"] == pytest.approx(
        table["mean_reward_against"].iloc[0]
    )
    dpo = summary[(summary["loss"] == "dpo") & (summary["beta"] == 0.5)].iloc[0]
    runs = table[(table["loss"] == "dpo") & (table["beta"] == 0.5)]
    assert dpo["reward"] == pytest.approx(runs["mean_reward"].mean())
    assert dpo["kl"] == pytest.approx(runs["kl"].mean()) and dpo["kl"] > 0
    (run,) = runs["run"]
    lines = (out / "runs" / run / "eval" / "judgments_vs_initial.jsonl").read_text()
    judged = [json.loads(line) for line in lines.splitlines()]
    pooled = win_rate([[j["verdict"]] for j in judged], 10000, 0)
    assert (dpo["win_ci_low"], dpo["win_ci_high"]) == (pooled["ci_low"], pooled["ci_high"])
    assert dpo["win_rate"] == statistics.fmean(j["verdict"] for j in judged)


def test_plot_and_report(study) -> None:
    out, _ = study
    assert (out / "study.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (out / "report" / "study.html").read_text()
    assert "reward-KL frontier" in html and "Traceback" not in html


def test_a_rerun_trains_and_computes_nothing(study) -> None:
    out, _ = study
    before = (out / "study.csv").read_text()
    again = run_study(out)
    assert again.returncode == 0, again.stderr[-3000:]
    logs = again.stdout + again.stderr
    assert "already holds the on-policy data of this config: reused" in logs
    assert logs.count("every run finished, skipped") == 3 and "training:" not in logs
    assert "responses in" not in logs  # no generation: every run's and the initial's reused
    assert (out / "study.csv").read_text() == before


@pytest.mark.parametrize(("loss", "beta"), [("dpo", 0.25), ("sft", None)])
def test_the_sweep_names_a_run_as_the_study_looks_for_it(loss: str, beta: float | None) -> None:
    from hydra import compose, initialize_config_dir

    from rpo_exp.config.validation import study_run_name

    strength = [] if beta is None else [f"loss.beta={beta}"]
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose(
            "config",
            [f"loss={loss}", *strength, "seed=2", "experiment=study"],
            return_hydra_config=True,
        )
    assert cfg.hydra.sweep.subdir == study_run_name(loss, beta, 2)
    assert study_run_name(loss, beta, 2) == f"{loss}_beta{beta if beta else 'none'}_seed2"
