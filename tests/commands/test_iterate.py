"""`python -m rpo_exp.iterate` in its tiny form (conf/iterate.yaml's header), round 2 made
longer: two rounds of sampling, scoring and training end to end, killed (SIGKILL) in round 2 and
rerun, which resumes there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import CONF, ROOT, TINY, run_cli, tiny_form


def command(out: Path) -> list[str]:
    """The tiny form, round 2 long enough (and checkpointed every step) to be killed in."""
    args = [a for a in tiny_form("iterate") if not a.startswith(("iterate.steps", "iterate.train"))]
    train = (
        "iterate.train=['logger=none','trainer.eval_max_examples=4','trainer.checkpoint_every=1']"
    )
    return [sys.executable, "-m", "rpo_exp.iterate", *args, "iterate.steps=8", train,
            f"hydra.run.dir={out}"]  # fmt: skip


def steps_logged(run_dir: Path) -> list[int]:
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        return []
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]
    return [r["step"] for r in rows if "loss" in r]


def test_sigkill_in_round_two_then_rerun_resumes_there(tmp_path) -> None:
    out = tmp_path / "out"
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(command(out), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    second = out / "round_2" / "run"
    deadline = time.monotonic() + 400
    while not (second / "checkpoints" / "step-2").is_dir() and proc.poll() is None:
        assert time.monotonic() < deadline, "round 2 never reached its second checkpoint"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (second / "summary.json").exists(), "killed too late: round 2 had finished"
    first = out / "round_1" / "run" / "summary.json"
    stamps = {p: p.stat().st_mtime_ns for p in (first, out / "round_2" / "data" / "record.json")}

    again = subprocess.run(command(out), capture_output=True, text=True, timeout=600, cwd=ROOT,
                           env=env)  # fmt: skip
    assert again.returncode == 0, again.stderr[-3000:]
    log = again.stdout + again.stderr
    assert "round 1: finished, skipped" in log
    assert "resumed from" in (second / "train.log").read_text()
    assert all(p.stat().st_mtime_ns == stamp for p, stamp in stamps.items())  # not redone
    assert steps_logged(second) == list(range(1, 9))  # every step of round 2 logged once
    table = pd.read_csv(out / "rounds.csv")
    assert list(table["round"]) == [1, 2] and table["reward/test"].notna().all()
    assert table["after/eval/loss"].notna().all()
    for r in (1, 2):
        assert (out / f"round_{r}" / "run" / "final" / "config.json").is_file()
        assert json.loads((out / f"round_{r}" / "data" / "record.json").read_text())["prompts"]
    # round 2 samples from round 1's policy and keeps round 1's start as its reference
    record = json.loads((out / "round_2" / "data" / "record.json").read_text())
    assert record["model"]["name_or_path"] == str(out / "round_1" / "run" / "final")
    saved = (second / ".hydra" / "config.yaml").read_text()
    assert f"name_or_path: {out / 'initial'}" in saved and "name: model" in saved


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["rounds=0"], r"rounds=0: must be a positive integer"),
        (["iterate.loss=bogus"], r"bogus"),
        (["iterate.train=['peft=lora']"], r"peft\.merge=true"),
    ],
)
def test_bad_settings_exit_2_naming_the_key(tmp_path, overrides: list[str], message: str) -> None:
    import re

    args = [*TINY[:1], *overrides, f"hydra.run.dir={tmp_path}"]
    done = run_cli("rpo_exp.iterate", *args)
    assert done.returncode == 2, done.stderr[-2000:]
    assert re.search(message, done.stderr), done.stderr[-2000:]
    assert not (tmp_path / "round_1").exists()


@pytest.mark.parametrize(
    ("overrides", "reference"),
    [
        (["iterate.loss=dpo"], "model"),  # round 1's policy
        (["iterate.loss=dpo", "iterate.reference=previous"], "initial"),  # the round's start
        (["iterate.loss=simpo"], "initial"),  # no reference to move
        (["iterate.loss=dpo", "iterate.train=['reference=none']"], "none"),  # the user's choice
    ],
)
def test_round_two_reference(tmp_path, overrides: list[str], reference: str) -> None:
    from hydra import compose, initialize_config_dir

    from rpo_exp.iterate import round_train_config
    from rpo_exp.modeling.models import model_from

    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose("iterate", [*TINY[:1], *overrides])
        first = model_from(cfg.model, str(tmp_path / "initial"))
        policy = model_from(cfg.model, str(tmp_path / "round_1" / "run" / "final"))
        train_cfg, hydra = round_train_config(cfg, policy, first, tmp_path / "data", 2)
    assert train_cfg.reference.name == reference
    moved = first.name_or_path if reference == "model" else None
    assert train_cfg.reference.name_or_path == moved
    assert train_cfg.model.name_or_path == policy.name_or_path
    assert train_cfg.dataset.path == str(tmp_path / "data" / "train.jsonl")
    assert hydra.hydra.job.name == "train" and "hydra" not in train_cfg
