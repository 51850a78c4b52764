"""wandb offline runs as rpo_exp writes them: group, job type, name, tags and config, read back
from the run's own `.wandb` file (no mock)."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import rpo_exp.config.validation  # noqa: F401  (registers the ${default_tau:} resolver the configs use)
from tests.helpers import ROOT, compose_cfg

BLOCK = 32768  # wandb's transaction log is LevelDB's log format: 32 KiB blocks of chunks
FULL, LAST = 1, 4


def read_offline_run(run_dir: Path, timeout: float = 60.0) -> dict[str, Any]:
    """The one offline wandb run under `run_dir/wandb`: its run record's fields, the config it
    carries and the logged history rows. wandb-core writes the file asynchronously (it can
    still be a bare header when `run.finish()` returns): wait for its `exit` record."""
    (path,) = run_dir.glob("wandb/offline-run-*/run-*.wandb")
    deadline = time.monotonic() + timeout
    while True:
        records = _records(path.read_bytes())
        if any(r.WhichOneof("record_type") == "exit" for r in records):
            break
        assert time.monotonic() < deadline, f"{path}: no exit record after {timeout} s"
        time.sleep(0.2)
    out: dict[str, Any] = {"config": {}, "history": []}
    for record in records:
        kind = record.WhichOneof("record_type")
        if kind == "run":
            run = record.run
            out |= {
                "group": run.run_group,
                "job_type": run.job_type,
                "name": run.display_name,
                "tags": list(run.tags),
                "project": run.project,
            }
            updates = run.config.update
        elif kind == "config":
            updates = record.config.update
        elif kind == "history":
            items = record.history.item  # wandb-core writes nested_key, older clients key
            row = {i.key or ".".join(i.nested_key): json.loads(i.value_json) for i in items}
            out["history"].append(row)
            continue
        else:
            continue
        out["config"] |= {item.key: json.loads(item.value_json) for item in updates}
    return out


def _records(data: bytes) -> list:
    """The complete protobuf records of a `.wandb` transaction log."""
    from wandb.proto import wandb_internal_pb2 as pb

    assert data[:4] == b":W&B"
    records, chunks, pos = [], [], 7  # 7: the file header (magic, version)
    while pos + 7 <= len(data):
        left = BLOCK - pos % BLOCK
        if left < 7:  # a block's trailer: too short for a chunk header
            pos += left
            continue
        _crc, length, kind = struct.unpack("<IHB", data[pos : pos + 7])
        if kind == 0 and length == 0:  # zero padding to the block's end
            pos += left
            continue
        if pos + 7 + length > len(data):  # a chunk still being written
            break
        chunks.append(data[pos + 7 : pos + 7 + length])
        pos += 7 + length
        if kind in (FULL, LAST):
            record = pb.Record()
            record.ParseFromString(b"".join(chunks))
            records.append(record)
            chunks = []
    return records


def test_offline_run_outside_hydra_carries_experiment_group_and_tags(tmp_path: Path) -> None:
    from rpo_exp.training.tracking import Tracker

    overrides = ["experiment=beta_ablation", "model=tiny_llama", "loss=kto", "logger=wandb"]
    cfg = compose_cfg(*overrides, "logger.tags=[first_try]")
    tracker = Tracker(tmp_path, cfg, "loss.beta=0.5,loss=kto")
    tracker.log({"step": 1, "loss": 0.25})
    tracker.close()
    run = read_offline_run(tmp_path)
    assert run["group"] == "beta_ablation"
    assert run["job_type"] == "kto"
    assert run["name"] == "loss.beta=0.5,loss=kto"
    assert run["project"] == "rpo_exp"
    expected = ["loss:kto", "dataset:hh", "model:tiny_llama", "experiment:beta_ablation"]
    assert run["tags"] == [*expected, "first_try"]
    assert run["config"]["loss"]["name"] == "kto"
    assert run["config"]["trainer"]["lr"] == 5e-7  # the experiment's trainer=paper, resolved
    assert run["config"]["experiment"] == "beta_ablation"
    assert "hydra" not in run["config"]  # no Hydra app: no job facts
    assert [r["loss"] for r in run["history"] if "loss" in r] == [0.25]


def test_explicit_group_wins_and_no_experiment_means_no_experiment_tag(tmp_path: Path) -> None:
    from rpo_exp.training.tracking import Tracker

    cfg = compose_cfg("model=tiny_llama", "logger=wandb", "logger.group=mine")
    tracker = Tracker(tmp_path, cfg, "rpo")
    tracker.close()
    run = read_offline_run(tmp_path)
    assert (run["group"], run["job_type"], run["name"]) == ("mine", "rpo", "rpo")
    assert run["tags"] == ["loss:rpo", "dataset:hh_sample", "model:tiny_llama"]
    assert run["config"]["loss"]["tau"] == 0.5  # the ${default_tau:...} resolver, resolved


def test_multirun_without_experiment_groups_by_sweep_dir(tmp_path: Path) -> None:
    """A real one-job sweep: the group is the sweep dir, the config holds the job's overrides."""
    sweep = tmp_path / "sweep"
    overrides = ["model=tiny_llama", "loss=dpo", "trainer.max_steps=1", "logger=wandb"]
    result = subprocess.run(
        [sys.executable, "-m", "rpo_exp.train", "-m", *overrides, f"hydra.sweep.dir={sweep}"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (job,) = [d for d in sweep.iterdir() if d.is_dir()]
    assert job.name == "0_logger=wandb,loss=dpo,model=tiny_llama,trainer.max_steps=1"
    run = read_offline_run(job)
    assert run["group"] == str(sweep)  # outside the working directory: the absolute path
    assert (run["job_type"], run["name"]) == ("dpo", job.name.removeprefix("0_"))
    assert run["config"]["hydra"]["job_num"] == 0
    assert run["config"]["hydra"]["run_dir"] == str(job)
    assert "loss=dpo" in run["config"]["hydra"]["overrides"]
    logged = [r["step"] for r in run["history"]]
    lines = (job / "metrics.jsonl").read_text().splitlines()
    metrics = [json.loads(line)["step"] for line in lines]
    assert logged and set(logged) == set(metrics)


def test_online_without_a_usable_key_or_server_logs_offline_and_says_why(
    tmp_path: Path, monkeypatch, caplog
) -> None:
    """A malformed key is refused by wandb at once; an unreachable server would time out
    after wandb's retries (minutes): both log offline, say why, and the run goes on, without
    an online attempt (where the waiting is: every `wandb.init` call is recorded)."""
    import logging

    import wandb

    from rpo_exp.training.tracking import Tracker

    modes = []
    real_init = wandb.init

    def recorded_init(*args, **kwargs):
        modes.append(kwargs.get("mode"))
        return real_init(*args, **kwargs)

    monkeypatch.setattr(wandb, "init", recorded_init)

    cfg = compose_cfg("model=tiny_llama", "logger=wandb", "logger.mode=online")
    cases = {
        "malformed": ({"WANDB_API_KEY": " abc"}, "starts or ends with white space"),
        "unreachable": (
            {"WANDB_API_KEY": "a" * 40, "WANDB_BASE_URL": "http://127.0.0.1:9"},
            "127.0.0.1:9 does not answer",
        ),
    }
    for name, (env, why) in cases.items():
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        caplog.clear()
        modes.clear()
        with caplog.at_level(logging.WARNING):
            tracker = Tracker(tmp_path / name, cfg, "online")
        tracker.log({"step": 1, "loss": 0.5})
        tracker.close()
        assert modes == ["offline"]
        assert why in caplog.text and "logging offline" in caplog.text
        assert [r["loss"] for r in read_offline_run(tmp_path / name)["history"] if "loss" in r] == [
            0.5
        ]
