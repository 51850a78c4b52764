"""`trainer.strategy=fsdp`: FSDP2 on a CPU mesh (gloo), the path GPUs take with NCCL. Two
sharded ranks give the loss and gradients of one process on the global batch (docs/method.md,
"Multi-process training"), with micro-batches, gradient checkpointing, LoRA and bf16-mixed;
the command line trains, resumes from sharded checkpoints bit-identically and writes `final/`
whole."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import torch
import torch.multiprocessing as mp
from safetensors.torch import load_file

from tests.helpers import ROOT, TINY, run_train
from tests.training.test_checkpoint import metrics, train_steps_logged
from tests.training.test_distributed import assert_same_grads, backward

FSDP = "trainer.strategy=fsdp"
BF16 = "trainer.precision=bf16-mixed"
CKPT = "trainer.gradient_checkpointing=true"
# case -> (overrides, micro-batch size)
CASES = {
    "rpo": (["loss=rpo", "trainer.batch_size=8", FSDP], 8),
    "dpo_micro": (["loss=dpo", "trainer.batch_size=8", FSDP], 2),
    "rpo_lora_checkpointing_micro": (
        ["loss=rpo", "trainer.batch_size=8", "peft=lora", CKPT, FSDP],
        2,
    ),
    "rpo_bf16": (["loss=rpo", "trainer.batch_size=8", BF16, FSDP], 4),
    "dpo_bf16_checkpointing_micro": (
        ["loss=dpo", "trainer.batch_size=8", BF16, CKPT, FSDP],
        2,
    ),
}
# bf16-mixed under FSDP computes in bf16 throughout (its mixed-precision policy), so these are
# compared with FSDP in one process; the fp32 cases with the plain single-process trainer. A bf16
# gradient summed over other tokens rounds otherwise, so the bf16 cases' micro-batches are one
# rank's share: one process then runs the very micro-batches the two ranks run.
SHARDED_REFERENCE = [case for case in CASES if "bf16" in case]
STEPS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(index: int, ports: tuple[int, int], out: str) -> None:
    """Processes 0 and 1: a world of two, every case. Process 2: a world of one, the cases
    compared with FSDP in one process."""
    from accelerate import Accelerator

    world, rank = (2, index) if index < 2 else (1, 0)
    os.environ |= {
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(ports[index // 2]),
        "RANK": str(rank),
        "LOCAL_RANK": str(rank),
        "WORLD_SIZE": str(world),
        "RPO_EXP_CACHE": f"{out}/cache-{world}",
    }
    torch.set_num_threads(1)
    accelerator = Accelerator(cpu=True)
    cases = CASES if world == 2 else SHARDED_REFERENCE
    results = {case: backward(case, accelerator, cases=CASES)[:2] for case in cases}
    torch.save(results, f"{out}/process{index}.pt")
    torch.distributed.destroy_process_group()


@pytest.fixture(scope="module")
def sharded(tmp_path_factory) -> list[dict]:
    """Every case's (metrics, gradients) on the two ranks, then FSDP in one process."""
    out = tmp_path_factory.mktemp("fsdp")
    mp.spawn(_worker, args=((free_port(), free_port()), str(out)), nprocs=3, join=True)
    return [torch.load(out / f"process{i}.pt", weights_only=False) for i in range(3)]


@pytest.mark.parametrize("case", list(CASES))
def test_two_sharded_ranks_equal_one_process(sharded, case: str) -> None:
    if case in SHARDED_REFERENCE:
        metrics, grads = sharded[2][case]
    else:
        overrides, micro = CASES[case]
        plain = {case: ([o for o in overrides if o != FSDP], micro)}
        metrics, grads, _ = backward(case, cases=plain)
    for rank in range(2):
        rank_metrics, rank_grads = sharded[rank][case]
        assert rank_metrics.keys() == metrics.keys()
        assert rank_metrics["loss"] == pytest.approx(metrics["loss"], abs=1e-5)
        assert rank_grads.keys() == grads.keys()
        assert_same_grads(rank_grads, grads, atol=1e-5)


def test_sigkill_after_a_sharded_checkpoint_then_resume_is_bit_identical(tmp_path: Path) -> None:
    """Two ranks, bf16-mixed: killed (torchrun and both ranks, SIGKILL) after a sharded checkpoint,
    resumed, the run ends with the weights and metrics of an uninterrupted one; `final/` is
    whole."""
    args = [*TINY, FSDP, BF16, f"trainer.max_steps={STEPS}", "trainer.checkpoint_every=1"]
    args += ["trainer.eval_max_examples=16", "trainer.batch_size=4", "trainer.micro_batch_size=2"]
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    done = run_train(*args, run_dir=whole, processes=2)
    assert done.returncode == 0, done.stderr[-3000:]
    launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    proc = subprocess.Popen(
        [*launcher, "--nproc_per_node=2", "-m", "rpo_exp.train", *args, f"hydra.run.dir={killed}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while train_steps_logged(killed) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline, "the run never reached step 2"
        time.sleep(0.05)
    for process in [*psutil.Process(proc.pid).children(recursive=True), proc]:
        process.kill()  # torchrun and both ranks, at once
    proc.wait()
    assert train_steps_logged(killed) < STEPS and not (killed / "final").exists()
    shards = {p.name for p in (killed / "checkpoints").glob("step-*/shards-*")}
    assert shards == {"shards-0-of-2.safetensors", "shards-1-of-2.safetensors"}

    resumed = run_train(*args, run_dir=killed, processes=2)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resumed from" in resumed.stderr + resumed.stdout
    want, got = (load_file(d / "final" / "model.safetensors") for d in (whole, killed))
    assert want.keys() == got.keys() and all(got[k].equal(v) for k, v in want.items())
    assert metrics(killed) == metrics(whole)


def test_two_nodes_through_the_launch_script_train_like_one_process(tmp_path: Path) -> None:
    """`launch/torchrun_nodes.sh` as a cluster runs it on each of two nodes (here two
    launchers meeting at a c10d rendezvous on localhost), under FSDP: the global main process
    writes the run dir, and every logged metric equals the single-process run's."""
    args = [*TINY, "trainer.max_steps=2", "trainer.eval_max_examples=16"]
    one = run_train(*args, run_dir=tmp_path / "one")
    assert one.returncode == 0, one.stderr[-3000:]
    env = os.environ | {"NNODES": "2", "NPROC_PER_NODE": "1", "PYTHON": sys.executable}
    env |= {"RDZV_ENDPOINT": f"127.0.0.1:{free_port()}", "PYTHONUNBUFFERED": "1"}
    command = [ROOT / "launch" / "torchrun_nodes.sh", *args, FSDP, f"hydra.run.dir={tmp_path}/two"]
    nodes = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(2)
    ]
    logs = [node.communicate(timeout=300)[0].decode() for node in nodes]
    assert [node.returncode for node in nodes] == [0, 0], logs[0][-2000:] + logs[1][-2000:]
    assert "2 process(es)" in logs[0] + logs[1]
    assert (tmp_path / "two" / "final" / "model.safetensors").exists()
    want, got = metrics(tmp_path / "one"), metrics(tmp_path / "two")
    assert len(got) == len(want) == 5  # skipped rows, eval, 2 steps, eval
    for got_row, want_row in zip(got, want, strict=True):
        assert got_row.keys() == want_row.keys()
        for key, value in want_row.items():
            assert got_row[key] == pytest.approx(value, rel=1e-5, abs=1e-5), key
