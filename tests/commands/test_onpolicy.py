"""`python -m rpo_exp.onpolicy`: K sampled responses per prompt scored by the reward, written in
the `scored` format that the losses train on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from rpo_exp.evaluation.rewards import load_reward
from rpo_exp.train import run
from tests.helpers import ROOT, TINY, compose_cfg


@pytest.fixture(scope="module")
def onpolicy_data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("onpolicy")
    args = ["model=tiny_llama", "onpolicy.max_prompts=8", "onpolicy.max_new_tokens=8"]
    done = subprocess.run(
        [sys.executable, "-m", "rpo_exp.onpolicy", *args, f"hydra.run.dir={out}"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_scores_are_the_reward_of_the_written_responses(onpolicy_data: Path) -> None:
    record = json.loads((onpolicy_data / "record.json").read_text())
    assert record["reward"].startswith("sentiment:") and record["sampling"]["k"] == 4
    reward = load_reward(OmegaConf.create({"name": "sentiment"}))
    for split in ("train", "test"):
        rows = [
            json.loads(line) for line in (onpolicy_data / f"{split}.jsonl").read_text().splitlines()
        ]
        assert len(rows) == record["prompts"][split] > 0
        assert len({json.dumps(r["prompt"]) for r in rows}) == len(rows)  # each prompt once
        for row in rows:
            assert 2 <= len(row["completions"]) <= 4
            prompts = [row["prompt"]] * len(row["completions"])
            assert row["scores"] == reward(prompts, row["completions"])


@pytest.mark.parametrize("loss", ["swepo", "dpo"])
def test_losses_train_on_it(onpolicy_data: Path, tmp_path: Path, loss: str) -> None:
    data = [
        f"dataset.path={onpolicy_data}/train.jsonl",
        f"dataset.test_path={onpolicy_data}/test.jsonl",
    ]
    steps = ["trainer.max_steps=2", "trainer.batch_size=2", "trainer.micro_batch_size=2"]
    cfg = compose_cfg(*TINY, "dataset=scored", *data, f"loss={loss}", *steps)
    summary = run(cfg, tmp_path, loss)
    assert "eval/loss" in summary["after"]


ARGS = ["model=tiny_llama", "onpolicy.max_prompts=8", "onpolicy.max_new_tokens=8"]


def onpolicy(out: Path, *overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rpo_exp.onpolicy", *ARGS, *overrides, f"hydra.run.dir={out}"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip


def contents(out: Path) -> dict[str, str]:
    return {name: (out / name).read_text() for name in ("train.jsonl", "test.jsonl", "record.json")}


def test_an_output_dir_holding_data_is_reused_or_refused_never_replaced_silently(
    onpolicy_data: Path, tmp_path: Path
) -> None:
    """The same config again: reused, nothing sampled. Another config: exit 2 naming the dir
    and the setting that replaces it; `onpolicy.overwrite=true` does."""
    out = tmp_path / "out"
    shutil.copytree(onpolicy_data, out)
    before = contents(out)
    again = onpolicy(out)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "already holds the on-policy data of this config: reused" in again.stdout
    assert "prompts x 4 responses" not in again.stderr and contents(out) == before
    other = onpolicy(out, "onpolicy.k=3")
    assert other.returncode == 2, other.stderr[-3000:]
    assert f"error: {out} already holds the on-policy data of another config (sampling.k)" in (
        other.stderr
    )
    assert "onpolicy.overwrite=true" in other.stderr and contents(out) == before
    replaced = onpolicy(out, "onpolicy.k=3", "onpolicy.overwrite=true")
    assert replaced.returncode == 0, replaced.stderr[-3000:]
    assert json.loads((out / "record.json").read_text())["sampling"]["k"] == 3


def test_an_output_dir_holding_other_data_is_refused(tmp_path: Path) -> None:
    (tmp_path / "train.jsonl").write_text('{"prompt": "mine", "completions": [], "scores": []}\n')
    result = onpolicy(tmp_path)
    assert result.returncode == 2, result.stderr[-3000:]
    assert f"error: {tmp_path} already holds data (train.jsonl) that no finished build" in (
        result.stderr
    )
    assert "mine" in (tmp_path / "train.jsonl").read_text()
