"""`make study` in its tiny form (conf/study.yaml's header): on-policy data, one training sweep
per loss, the iterative arm's rounds, every run judged by the reward against the initial
policy's samples with its KL, the table, summary, plot and report; a rerun into the same dir
trains and computes nothing."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf

from rpo_exp.evaluation.winrate import win_rate
from rpo_exp.study import FIGURES
from tests.helpers import CONF, ROOT, run_cli, tiny_form


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


def read_table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, float_precision="round_trip", dtype={"round": "Int64"})


def test_every_grid_run_and_round_is_trained_and_judged(study) -> None:
    out, _ = study
    table = read_table(out, "study.csv")
    offline = {("sft", None), ("dpo", 0.1), ("dpo", 0.5), ("swepo", 0.1), ("swepo", 0.5)}
    iterative = {("dpo", 0.1, 1), ("dpo", 0.1, 2)}  # study.iterative: dpo at beta 0.1
    keys = {
        (r.loss, None if pd.isna(r.beta) else r.beta, None if pd.isna(r.round) else r.round)
        for r in table.itertuples()
    }
    assert keys == {(*k, None) for k in offline} | iterative
    assert (table["status"] == "finished").all() and (table["n"] == 4).all()
    for row in table.itertuples():
        run = (out / row.run).resolve()
        result = json.loads((run / "eval" / "win_rate_vs_initial.json").read_text())
        assert (result["win_rate"], result["kl"]) == (row.win_rate, row.kl)
        assert result["against"] == "initial" and result["judge"].startswith("sentiment:")
        cfg = (run / ".hydra" / "overrides.yaml").read_text()
        assert "trainer.max_steps=1" in cfg and "experiment=study" in cfg
    # every policy answers the same held-out prompts against the same initial samples
    assert table["mean_reward_against"].nunique() == 1
    record = json.loads((out / "data" / "record.json").read_text())
    assert record["sampling"]["k"] == 4 and record["prompts"]["test"] > 0


def test_the_summary_recomputes_from_the_runs(study) -> None:
    """Per (loss, beta, round): the means over seeds of each run's figures; the pooled win
    rate's interval from every run's per-prompt verdicts; the initial policy's reward is the
    reward of its own samples, the opponent of every run."""
    out, _ = study
    table = read_table(out, "study.csv")
    summary = read_table(out, "study_summary.csv")
    initial = summary[summary["loss"] == "initial"].iloc[0]
    assert initial["kl"] == 0 and initial["reward"] == pytest.approx(
        table["mean_reward_against"].iloc[0]
    )
    assert summary["round"].dropna().tolist() == [1, 2]
    dpo = summary[(summary["loss"] == "dpo") & (summary["beta"] == 0.5)].iloc[0]
    runs = table[(table["loss"] == "dpo") & (table["beta"] == 0.5)]
    assert dpo["reward"] == pytest.approx(runs["mean_reward"].mean())
    assert dpo["kl"] == pytest.approx(runs["kl"].mean()) and dpo["kl"] > 0
    (run,) = runs["run"]
    lines = (out / run / "eval" / "judgments_vs_initial.jsonl").read_text()
    judged = [json.loads(line) for line in lines.splitlines()]
    pooled = win_rate([[j["verdict"]] for j in judged], 10000, 0)
    assert (dpo["win_ci_low"], dpo["win_ci_high"]) == (pooled["ci_low"], pooled["ci_high"])
    assert dpo["win_rate"] == statistics.fmean(j["verdict"] for j in judged)


def test_round_one_is_the_offline_run_and_round_two_starts_from_it(study) -> None:
    out, _ = study
    rounds = out / "iterative" / "dpo_beta0.1_seed0"
    offline = out / "runs" / "dpo" / "dpo_beta0.1_seed0"
    assert (rounds / "round_1" / "run").resolve() == offline.resolve()
    assert (rounds / "round_1" / "data").resolve() == (out / "data").resolve()
    table = read_table(out, "study.csv").set_index("run")
    first = table.loc["iterative/dpo_beta0.1_seed0/round_1/run", list(FIGURES)]
    assert first.equals(table.loc["runs/dpo/dpo_beta0.1_seed0", list(FIGURES)])
    # round 2: data sampled from round 1's merged weights with the next seed, trained from them
    start = str(rounds / "round_1" / "run" / "final_merged")
    record = json.loads((rounds / "round_2" / "data" / "record.json").read_text())
    assert record["model"]["name_or_path"] == start and record["sampling"]["seed"] == 1
    cfg = OmegaConf.load(rounds / "round_2" / "run" / ".hydra" / "config.yaml")
    assert cfg.model.name_or_path == start and (cfg.loss.name, cfg.loss.beta) == ("dpo", 0.1)
    assert cfg.reference.name == "model"  # study.iterative.reference=initial
    assert cfg.reference.name_or_path == str(rounds / "initial")  # tiny_llama drawn with seed 0
    assert cfg.trainer.max_steps == 1 and cfg.trainer.batch_size == 2  # the offline budget
    assert len(pd.read_csv(rounds / "rounds.csv")) == 2


def test_round_one_composes_as_the_offline_run(study) -> None:
    """What makes linking the offline run as round 1 exact: `rpo_exp.iterate`'s round-1 config
    of the arm is the offline run's config but for the merge of its adapter."""
    from hydra import compose, initialize_config_dir

    from rpo_exp.iterate import round_train_config
    from rpo_exp.study import iterate_config

    out, _ = study
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose("study", tiny_form("study"))
        it_cfg = iterate_config(cfg, 0)
        first, _ = round_train_config(it_cfg, it_cfg.model, it_cfg.model, out / "data", 1)
    offline = OmegaConf.load(out / "runs" / "dpo" / "dpo_beta0.1_seed0" / ".hydra" / "config.yaml")
    assert first.peft.merge and not offline.peft.merge
    first.peft.merge = False
    assert OmegaConf.to_container(first, resolve=True) == OmegaConf.to_container(
        offline, resolve=True
    )


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
    assert "round 1: finished, skipped" in logs and "round 2: finished, skipped" in logs
    assert "responses in" not in logs  # no generation: every run's and the initial's reused
    assert (out / "study.csv").read_text() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["study.iterative.rounds=-1"], r"study\.iterative\.rounds=-1: must be an integer >= 0"),
        (["study.iterative.loss=bogus"], r"study\.iterative .*iterate\.loss=bogus"),
    ],
)
def test_a_bad_iterative_arm_exits_2_before_any_data(
    tmp_path, overrides: list[str], message: str
) -> None:
    import re

    args = [*tiny_form("study"), *overrides, f"hydra.run.dir={tmp_path}"]
    done = run_cli("rpo_exp.study", *args)
    assert done.returncode == 2, done.stderr[-2000:]
    assert re.search(message, done.stderr), done.stderr[-2000:]
    assert not (tmp_path / "data").exists()


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
