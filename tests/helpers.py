"""Test helpers: compose the Hydra config in-process, run the CLI in a subprocess."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

import rpo_exp.config.validation  # noqa: F401  the loss YAMLs' base nodes and resolvers

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "conf"
TINY = ["model=tiny_llama", "logger=none"]
# A policy with no weights to load: a run under these overrides that fails naming another key
# (not model.name_or_path) was refused before any model or tokenizer load was tried.
NO_WEIGHTS = ["model.init_config=null", "model.name_or_path=/nonexistent/rpo_exp_model"]


def compose_cfg(*overrides: str, config_name: str = "config") -> DictConfig:
    """`conf/<config_name>.yaml` composed with `overrides`, as the command of that config does."""
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        return compose(config_name=config_name, overrides=list(overrides))


def start_cli(module: str, *args: str) -> subprocess.Popen:
    """`python -m <module> <args>` started in a subprocess, from the repository root."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )


def finished(proc: subprocess.Popen, timeout: int = 120) -> subprocess.CompletedProcess:
    """`proc` (`start_cli`) waited for: its exit code and output."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def run_cli(module: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """`python -m <module> <args>` in a subprocess, from the repository root."""
    return finished(start_cli(module, *args), timeout)


def run_train(
    *overrides: str,
    run_dir: Path,
    env: dict | None = None,
    timeout: int = 300,
    processes: int = 1,
) -> subprocess.CompletedProcess:
    """`python -m rpo_exp.train` as a user runs it, in a subprocess; `processes` > 1: under
    torchrun, gloo on CPU (`--standalone` picks a free port)."""
    env = os.environ | {"PYTHONUNBUFFERED": "1"} | (env or {})
    launcher = [sys.executable]
    if processes > 1:
        launcher += ["-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}"]
    return subprocess.run(
        [*launcher, "-m", "rpo_exp.train", *overrides, f"hydra.run.dir={run_dir}"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


def tiny_form(config_name: str) -> list[str]:
    """The overrides of the "Tiny form" command in `conf/<config_name>.yaml`'s header comment."""
    header = (CONF / f"{config_name}.yaml").read_text().split("\ndefaults:")[0].splitlines()
    lines = [line.removeprefix("#").strip() for line in header]
    tiny = next(i for i, line in enumerate(lines) if line.startswith("Tiny form"))
    first = next(i for i in range(tiny, len(lines)) if lines[i].startswith("python -m rpo_exp"))
    command = [lines[first]]
    while command[-1].endswith("\\"):
        command[-1] = command[-1].removesuffix("\\")
        command.append(lines[first + len(command)])
    return shlex.split(" ".join(command))[3:]
