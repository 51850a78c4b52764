"""SLURM end to end, on a real single-node cluster started for the session by
`launch/local_slurm.sh` (slurmctld, slurmd, munge, slurmdbd + MariaDB; root, apt-installed when
missing): a 2-job sweep through hydra/launcher=slurm, and a preempted 2-task job that SLURM
requeues and that resumes from its checkpoint, logging every step once. Plus the
multi-GPU launchers' setup lines (accelerate's settings), which need no cluster."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir

from tests.helpers import CONF, ROOT, TINY

SCRIPT = ROOT / "launch" / "local_slurm.sh"
STEPS = 6
# local_slurm.sh's own words when Slurm, munge or MariaDB are missing and cannot be installed
NO_PACKAGES = re.compile(r"no apt-get to install them|apt-get (update|install .*) failed")


def on_local_cluster(tasks: int = 1) -> list[str]:
    """hydra/launcher=slurm for the local cluster's node (this machine's CPUs, no GPU): `tasks`
    processes of one CPU each, no GPU or memory request."""
    return [
        "hydra/launcher=slurm",
        "hydra.launcher.partition=debug",
        "hydra.launcher.gpus_per_node=null",
        f"hydra.launcher.tasks_per_node={tasks}",
        "hydra.launcher.cpus_per_task=1",
        "hydra.launcher.mem_gb=null",
    ]


@pytest.fixture(scope="session")
def slurm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A cluster of this session's own (state, spool, logs, database in a tmp dir; free ports);
    yields the environment that points Slurm's commands at it."""
    if os.geteuid() != 0:
        pytest.skip(
            "the local SLURM cluster needs root (slurmd runs jobs as their users, and "
            "its packages are apt-installed); CI runs these tests as root"
        )
    cluster = tmp_path_factory.mktemp("slurm")
    env = os.environ | {"LOCAL_SLURM_DIR": str(cluster)}
    started = subprocess.run(
        ["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=900
    )
    if started.returncode != 0 and NO_PACKAGES.search(started.stderr):
        pytest.skip(
            f"the local SLURM cluster's packages cannot be installed here: "
            f"{started.stderr.strip().splitlines()[-1]}"
        )
    if started.returncode != 0:
        pytest.fail(f"launch/local_slurm.sh start failed:\n{started.stderr[-3000:]}")
    env["SLURM_CONF"] = str(cluster / "etc" / "slurm.conf")
    yield env
    subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)


def slurm_cmd(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"{' '.join(args)}: {done.stderr}"
    return done.stdout


def multirun(*overrides: str, sweep: Path, log: Path, env: dict[str, str]) -> subprocess.Popen:
    """`python -m rpo_exp.train -m ...` as a user submits a sweep; output to `log`."""
    cmd = [sys.executable, "-m", "rpo_exp.train", "-m", *overrides, f"hydra.sweep.dir={sweep}"]
    with log.open("w") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def finish(proc: subprocess.Popen, log: Path, timeout: int = 600) -> None:
    assert proc.wait(timeout=timeout) == 0, log.read_text()[-4000:]


def accounting(env: dict[str, str], job: str, *options: str) -> list[list[str]]:
    """`sacct` rows (State first) of `job`'s allocations, once none is still RUNNING:
    submitit returns as soon as the job has written its result, before its batch step ends."""
    deadline = time.monotonic() + 60
    while True:
        out = slurm_cmd(env, "sacct", "-X", "-n", "-P", *options, "-j", job)
        rows = [line.split("|") for line in out.split()]
        if all(r[0] not in ("RUNNING", "COMPLETING", "PENDING") for r in rows):
            return rows
        assert time.monotonic() < deadline, out
        time.sleep(0.5)


def test_sweep_runs_each_job_through_slurm(slurm: dict[str, str], tmp_path: Path) -> None:
    """`-m hydra/launcher=slurm loss.tau=0.25,0.5`: two SLURM jobs, each a complete run."""
    sweep, log = tmp_path / "sweep", tmp_path / "submit.log"
    args = [*on_local_cluster(), "loss.tau=0.25,0.5", *TINY, "trainer.max_steps=2"]
    finish(multirun(*args, "trainer.eval_max_examples=16", sweep=sweep, log=log, env=slurm), log)

    runs = sorted(p for p in sweep.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert [r.name.split("_")[0] for r in runs] == ["0", "1"]
    for run, tau in zip(runs, ("0.25", "0.5"), strict=True):
        assert f"loss.tau={tau}" in run.name
        assert json.loads((run / "summary.json").read_text())["run_dir"] == str(run)
        assert (run / "final" / "model.safetensors").exists()
    # Slurm ran them, as one array job, and its accounting says both completed.
    array = {p.name.split("_")[0] for p in (sweep / ".submitit").glob("*_*") if p.is_dir()}
    assert len(array) == 1, array
    rows = accounting(slurm, array.pop(), "-o", "State,JobID")
    assert [r[0] for r in rows] == ["COMPLETED", "COMPLETED"], rows


def test_preempted_job_requeues_and_resumes_from_its_checkpoint(
    slurm: dict[str, str], tmp_path: Path
) -> None:
    """A 2-task (2-process) job checkpointing every step is preempted once a checkpoint exists:
    SIGTERM then USR2, the signals `submitit`'s `job._interrupt()` sends (and SLURM, before a
    time limit or at a preemption with send_user_signal). submitit requeues it with `scontrol
    requeue`; SLURM starts it again (SLURM_RESTART_COUNT=1) with the same arguments, and
    trainer.resume=auto continues from the newest checkpoint of its run dir."""
    sweep, log = tmp_path / "sweep", tmp_path / "submit.log"
    args = [*on_local_cluster(tasks=2), "loss=dpo", *TINY]
    args += [f"trainer.max_steps={STEPS}", "trainer.checkpoint_every=1"]
    args += ["trainer.batch_size=4", "trainer.micro_batch_size=4", "trainer.eval_max_examples=16"]
    args += ['hydra.launcher.setup=["echo SLURM_RESTART_COUNT=$SLURM_RESTART_COUNT"]']
    proc = multirun(*args, sweep=sweep, log=log, env=slurm)
    try:
        deadline = time.monotonic() + 300
        while not list(sweep.glob("0_*/checkpoints/step-*")):
            assert proc.poll() is None, f"ended before its first checkpoint:\n{log.read_text()}"
            assert time.monotonic() < deadline, "no checkpoint after 300 s"
            time.sleep(0.2)
        (job,) = [p.name for p in (sweep / ".submitit").iterdir() if p.is_dir()]
        for sig in ("TERM", "USR2"):
            slurm_cmd(slurm, "scancel", f"--signal={sig}", job)
        finish(proc, log)
    finally:
        proc.kill()

    first, second = accounting(slurm, job, "-D", "-o", "State,Start,End")  # -D: each attempt
    assert (first[0], second[0]) == ("REQUEUED", "COMPLETED"), (first, second)
    delay = datetime.fromisoformat(second[1]) - datetime.fromisoformat(first[2])
    print(f"requeue: job {job} started again {delay.total_seconds():.0f} s after it was killed")
    assert "Restarts=1" in slurm_cmd(slurm, "scontrol", "show", "job", job)
    out = (sweep / ".submitit" / job / f"{job}_0_log.out").read_text()
    assert re.findall(r"^SLURM_RESTART_COUNT=(\d*)$", out, re.M) == ["", "1"], out

    (run,) = sweep.glob("0_*")
    text = (run / "train.log").read_text()
    assert "2 process(es)" in text
    assert "this job is preempted" in text and f"Requeued job {job}" in text, text[-3000:]
    resumed = re.findall(r"resumed from \S+/checkpoints/step-(\d+)", text)
    assert resumed, text[-3000:]
    assert all(1 <= int(step) < STEPS for step in resumed), f"resumed from step {resumed}"
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [0, 0, *range(1, STEPS + 1), STEPS]
    assert (run / "summary.json").exists()
    assert (run / "final" / "model.safetensors").exists()


@pytest.mark.parametrize("launcher", ["slurm_ddp", "slurm_fsdp"])
def test_multi_gpu_launchers_export_accelerates_settings(launcher: str, tmp_path: Path) -> None:
    """The launcher's `setup` lines, as the job's batch script runs them before `srun`, export
    what `accelerate launch` would under its config; without the project's python they stop
    the job instead of letting it train without those settings."""
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose("config", [f"hydra/launcher={launcher}"], return_hydra_config=True)
    setup = list(cfg.hydra.launcher.setup)
    accelerate = yaml.safe_load((ROOT / "launch/accelerate" / f"{launcher[6:]}.yaml").read_text())
    script = "\n".join([*setup, "env"])
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    env = os.environ | {"PATH": path, "SLURM_NTASKS": "8"}
    done = subprocess.run(
        ["/bin/bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    exported = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert exported["ACCELERATE_MIXED_PRECISION"] == accelerate["mixed_precision"]
    if accelerate["distributed_type"] == "FSDP":
        assert exported["ACCELERATE_USE_FSDP"] == "true"
        assert exported["FSDP_VERSION"] == str(accelerate["fsdp_config"]["fsdp_version"])
        assert exported["FSDP_STATE_DICT_TYPE"] == "FULL_STATE_DICT"
    else:
        assert "ACCELERATE_USE_FSDP" not in exported
    assert "RANK" not in exported and "WORLD_SIZE" not in exported  # SLURM's, per task

    without = subprocess.run(
        ["/bin/bash", "-c", script],
        cwd=ROOT,
        env=os.environ | {"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert without.returncode == 1
    assert "launch/accelerate_env.py failed" in without.stderr
