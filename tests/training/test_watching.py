"""Watching a run while it trains: `trainer.eval_every` evaluates the held-out split every N
steps, `trainer.sample_every` greedily samples the same held-out prompts every N steps into
`samples.jsonl` and a wandb Table; a resume keeps each step's samples once."""

from __future__ import annotations

import json
from pathlib import Path

from rpo_exp.training.checkpoint import Checkpoints
from tests.helpers import TINY, run_train
from tests.training.test_tracking import read_offline_run

ARGS = [*TINY, "logger=wandb", "logger.mode=offline", "trainer.max_steps=5"]
ARGS += ["trainer.batch_size=4", "trainer.micro_batch_size=4", "trainer.eval_max_examples=8"]
ARGS += ["trainer.eval_every=2", "trainer.sample_every=2", "trainer.sample_max_new_tokens=6"]


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_eval_every_and_sample_every_log_while_training(tmp_path: Path) -> None:
    result = run_train(*ARGS, run_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    evals = [r["step"] for r in rows(tmp_path / "metrics.jsonl") if "eval/loss" in r]
    assert evals == [0, 2, 4, 5]  # step 0, every 2 steps, and the end
    samples = rows(tmp_path / "samples.jsonl")
    by_step: dict[int, list] = {}
    for row in samples:
        by_step.setdefault(row["step"], []).append((row["index"], row["prompt"]))
        assert isinstance(row["response"], str)
    assert sorted(by_step) == [0, 2, 4]
    assert len(by_step[0]) == 4 and by_step[0] == by_step[2] == by_step[4]  # the same prompts
    history = read_offline_run(tmp_path)["history"]  # nested keys come flattened
    logged = [r for r in history if r.get("samples._type") == "table-file"]
    assert [r["_step"] for r in logged] == [0, 2, 4]
    (table,) = tmp_path.glob("wandb/offline-run-*/files/" + logged[-1]["samples.path"])
    data = json.loads(table.read_text())
    assert data["columns"] == ["step", "index", "prompt", "response"]
    assert [row[:3] for row in data["data"]] == [[4, i, p] for i, p in by_step[4]]


def test_a_resume_keeps_the_samples_up_to_its_checkpoint(tmp_path: Path) -> None:
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps({"step": s, "index": 0}) + "\n" for s in (0, 2, 4)))
    (tmp_path / "metrics.jsonl").write_text('{"step": 0}\n{"step": 1}\n{"step": 2}\n')
    Checkpoints(tmp_path).truncate_logs({"step": 2, "metrics_lines": 2})
    assert [r["step"] for r in rows(samples)] == [0, 2]
    assert len(rows(tmp_path / "metrics.jsonl")) == 2
