"""`make study` at tiny size: the train sweep, the per-run preference metrics and local-judge
win rates, study.csv and the executed notebook (the real study is SmolLM2-135M, ~1 h)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rpo_exp.study import preference_metrics
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("study")
    env = os.environ | {"RPO_EXP_CACHE": str(out / "cache")}
    tiny = ["model=tiny_llama", "trainer.max_steps=2", "loss=sft,dpo", "seed=0", "logger=none"]
    done = subprocess.run(
        [sys.executable, "-m", "rpo_exp.study", "--out", str(out), "--num-samples", "3", *tiny],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_study_writes_its_table_and_report(study: Path) -> None:
    table = pd.read_csv(study / "study.csv")
    assert sorted(table["loss"]) == ["dpo", "sft"] and set(table["seed"]) == {0}
    assert table[["accuracy", "margin"]].notna().all().all()
    assert ((table["n"] + table["invalid"]) == 3).all()
    html = (study / "report" / "study.html").read_text()
    assert "pipeline demonstration" in html and "held-out preference accuracy" in html
    assert "Traceback" not in html


def test_preference_metrics_equal_the_runs_own_eval(study: Path) -> None:
    """For DPO (beta 0.1), the study's accuracy and margin are the run's own final
    `eval/rewards/*`: same test pairs, same reference, same rewards."""
    run = next(p for p in study.iterdir() if p.name.endswith("_dpo_seed0"))
    final = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()][-1]
    metrics = preference_metrics(run)
    assert metrics["accuracy"] == pytest.approx(final["eval/rewards/accuracies"], abs=1e-6)
    assert metrics["margin"] == pytest.approx(final["eval/rewards/margins"], abs=1e-4)
    assert metrics["margin"] != 0.0  # the policy moved: a real comparison
