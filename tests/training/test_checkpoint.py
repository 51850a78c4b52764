"""Checkpoint and resume: a run killed with SIGKILL and started again ends bit-identical to an
uninterrupted one, logging every step once; a corrupt last checkpoint falls back to the one
before."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from safetensors.torch import load_file

from rpo_exp.config.validation import validate
from rpo_exp.training.checkpoint import Checkpoints
from tests.helpers import ROOT, TINY, compose_cfg, run_train

STEPS = 6
ARGS = [*TINY, f"trainer.max_steps={STEPS}", "trainer.checkpoint_every=1"]
ARGS += ["trainer.eval_max_examples=16", "trainer.batch_size=4", "trainer.micro_batch_size=4"]


def train_steps_logged(run_dir: Path) -> int:
    path = run_dir / "metrics.jsonl"
    if not path.exists():
        return 0
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]
    return sum("loss" in r for r in rows)


def metrics(run_dir: Path) -> list[dict]:
    lines = (run_dir / "metrics.jsonl").read_text().splitlines()
    return [{k: v for k, v in json.loads(r).items() if "perf/" not in k} for r in lines]


@pytest.mark.parametrize("adapters", ["none", "lora"])
def test_sigkill_then_resume_is_bit_identical(tmp_path: Path, adapters: str) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    args = [*ARGS, f"peft={adapters}"]
    assert run_train(*args, run_dir=whole).returncode == 0
    # step k's row is logged before checkpoint k is saved: from step 2 on, one is always there
    kill_after = random.randint(2, STEPS - 2)
    proc = subprocess.Popen(
        [sys.executable, "-m", "rpo_exp.train", *args, f"hydra.run.dir={killed}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while train_steps_logged(killed) < kill_after and proc.poll() is None:
        assert time.monotonic() < deadline, "the run never reached the step to kill at"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert train_steps_logged(killed) < STEPS, f"killed after step {kill_after}, too late"
    assert not (killed / "final").exists()

    resumed = run_train(*args, run_dir=killed)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resumed from" in resumed.stderr + resumed.stdout
    files = sorted(p.relative_to(whole) for p in (whole / "final").rglob("*.safetensors"))
    assert len(files) == (2 if adapters == "lora" else 1)  # lora: the adapter and the base
    for file in files:
        want, got = load_file(whole / file), load_file(killed / file)
        assert want.keys() == got.keys()
        for name, tensor in want.items():
            assert got[name].equal(tensor), f"{file}: {name} differs (killed after {kill_after})"
    rows = metrics(killed)
    assert [r["step"] for r in rows] == [0, 0, *range(1, STEPS + 1), STEPS]
    assert rows == metrics(whole)


def test_corrupt_last_checkpoint_falls_back_to_the_one_before(tmp_path: Path) -> None:

    args = [*TINY, "trainer.max_steps=5", "trainer.checkpoint_every=2"]
    assert run_train(*args, "trainer.eval_max_examples=16", run_dir=tmp_path).returncode == 0
    checkpoints = Checkpoints(tmp_path)
    path, progress = checkpoints.latest()
    assert path.name == "step-4" and progress["step"] == 4
    weights = path / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte: still loadable, silently wrong
    weights.write_bytes(bytes(data))
    path, progress = checkpoints.latest()
    assert path.name == "step-2" and progress["step"] == 2
    (path / "progress.json").unlink()
    assert checkpoints.latest() is None


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("trainer.checkpoint_every=0", "trainer.checkpoint_every=0: must be a positive"),
        (
            "trainer.resume=yes",
            r"trainer.resume=yes: Invalid value 'yes', expected one of \[auto, never\]",
        ),
    ],
)
def test_checkpoint_options_are_validated(override: str, message: str) -> None:
    from rpo_exp.common.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        validate(compose_cfg(*TINY, override))
