"""Resumable checkpoints in `<run dir>/checkpoints/step-<N>/`.

Each holds the training state as `trainer.strategy` saves it (model, optimizer, every rank's RNG
states: accelerate's `save_state` under ddp, each rank's safetensors shards under fsdp) and
`progress.json` (steps done, lines of `metrics.jsonl` written, the step-0 eval, the run's
config), a TR-DPO run's synced reference weights (`reference.safetensors`), plus `manifest.json`
with every file's sha256. Nothing in it is unpickled with code execution: accelerate loads these
files with `torch.load(weights_only=True)`, and the learning-rate schedule is not saved
(accelerate would unpickle it) but replayed to the step. A checkpoint whose pickled files hold
anything else is refused, in one line naming the file, before any of it loads.
A checkpoint is written under a temporary name and renamed into place, so a crash never leaves
a half checkpoint under a real name; one whose files do not match its manifest is reported and
the previous one is used.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import zipfile
from pathlib import Path

import torch
from safetensors.torch import save_file

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.files import manifest_problem, no_space_named, write_manifest, write_text
from rpo_exp.training.distributed import Ranks
from rpo_exp.training.strategy import Strategy

log = logging.getLogger(__name__)
PREFIX = "step-"


class Checkpoints:
    """The checkpoints of one run dir; `keep` newest are kept."""

    def __init__(self, run_dir: Path, record: dict | None = None, keep: int = 2):
        """`record`: the run's resolved config, saved in every checkpoint's progress.json so
        that a resume under another config can be refused (`rundir.check_resumable`)."""
        self.run_dir, self.root = run_dir, run_dir / "checkpoints"
        self.record, self.keep = record or {}, keep
        self.ranks = Ranks.current()

    @property
    def metrics_path(self) -> Path:
        return self.run_dir / "metrics.jsonl"

    def save(
        self,
        step: int,
        before: dict[str, float],
        strategy: Strategy,
        extra: dict[str, dict[str, torch.Tensor]] | None = None,
    ) -> Path:
        """Checkpoint after `step` optimizer steps (a collective: every rank calls it); `extra`:
        further weights the main process writes beside the state, by file name (safetensors),
        covered by the manifest."""
        final = self.root / f"{PREFIX}{step}"
        tmp = self.root / f".tmp-{PREFIX}{step}"
        if self.ranks.is_main:
            shutil.rmtree(tmp, ignore_errors=True)
        strategy.wait_for_everyone()
        with no_space_named(final):
            strategy.save_state(tmp)
        strategy.wait_for_everyone()
        if self.ranks.is_main:
            lines = len(self.metrics_path.read_text().splitlines())
            progress = {"step": step, "metrics_lines": lines, "before": before}
            progress["config"] = self.record
            for name, tensors in (extra or {}).items():
                save_file(tensors, tmp / name)
            (tmp / "progress.json").write_text(json.dumps(progress))
            write_manifest(tmp)
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
            for old in self._steps()[: -self.keep]:
                shutil.rmtree(old)
        strategy.wait_for_everyone()
        return final

    def _steps(self) -> list[Path]:
        """Complete checkpoint dirs, oldest first."""
        if not self.root.is_dir():
            return []
        found = [p for p in self.root.iterdir() if p.is_dir() and p.name.startswith(PREFIX)]
        return sorted(found, key=lambda p: int(p.name.removeprefix(PREFIX)))

    def latest(self) -> tuple[Path, dict] | None:
        """The newest checkpoint whose files match its manifest, and its progress; None if
        there is none. Decided by the main process, the same on every rank."""
        choice = None
        if self.ranks.is_main:
            for path in reversed(self._steps()):
                problem = _verify(path)
                if problem is None:
                    choice = (path, json.loads((path / "progress.json").read_text()))
                    break
                log.warning("checkpoint %s is unusable (%s): trying the one before", path, problem)
        return self.ranks.broadcast(choice)

    def restore(self, path: Path, strategy: Strategy) -> None:
        """Load model, optimizer, scheduler and RNG states (every rank)."""
        refuse_pickles(path)
        try:
            strategy.load_state(path)
        except pickle.UnpicklingError as err:  # a file refuse_pickles does not cover
            raise ConfigError(f"{path}: refusing to resume it: {_unsupported(err)}") from None
        log.info("resumed from %s", path)

    def truncate_logs(self, progress: dict | None) -> None:
        """Keep what was logged up to the checkpoint of `progress` (None: nothing): its rows of
        metrics.jsonl and the samples of its steps. The steps after it are run again, and each
        is logged exactly once."""
        if not self.ranks.is_main:
            return
        lines, step = (progress["metrics_lines"], progress["step"]) if progress else (0, 0)
        if self.metrics_path.exists():
            kept = self.metrics_path.read_text().splitlines(keepends=True)[:lines]
            write_text(self.metrics_path, "".join(kept))
        samples = self.run_dir / "samples.jsonl"
        if samples.exists():
            rows = samples.read_text().splitlines(keepends=True)
            write_text(samples, "".join(r for r in rows if json.loads(r)["step"] <= step))


def refuse_pickles(path: Path) -> None:
    """Refuse, before any weights load, a checkpoint holding what accelerate would unpickle
    with code execution: custom_checkpoint_* files (rpo_exp never writes them), or a `.bin` /
    `.pkl` state that does not load weights-only."""
    if any(path.glob("custom_checkpoint_*")):
        raise ConfigError(
            f"{path} holds custom_checkpoint_* files, which rpo_exp never writes and "
            "accelerate would unpickle (running any code in them): refusing to resume it"
        )
    for file in sorted([*path.glob("*.bin"), *path.glob("*.pkl")]):
        why = _not_plain(file)
        if why is not None:
            raise ConfigError(
                f"{file} {why}: refusing to resume {path}; rpo_exp's checkpoints hold only "
                "tensors and plain values and never unpickle code"
            )


def _not_plain(file: Path) -> str | None:
    """None if `file` loads as accelerate loads it (`torch.load(weights_only=True)`, numpy's
    arrays allowed; tensors memory-mapped, not read), else why not."""
    from accelerate.utils import load

    if not zipfile.is_zipfile(file):
        return "is not a torch.save archive (a raw pickle)"
    try:
        load(file, map_location="cpu", mmap=True)
    except pickle.UnpicklingError as err:
        return f"holds pickled objects beyond tensors and plain values ({_unsupported(err)})"
    return None


def _unsupported(err: pickle.UnpicklingError) -> str:
    """torch's weights-only refusal in one line: the global it met (its advice to turn
    weights_only off is not ours to give)."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    found = next((line for line in lines if "Unsupported global" in line), "".join(lines[:1]))
    return found.removeprefix("WeightsUnpickler error: ").split(" was not an allowed")[0]


def _verify(path: Path) -> str | None:
    """None if every file of the manifest is present with its sha256, else what is wrong."""
    problem = manifest_problem(path)
    if problem is None and "progress.json" not in json.loads((path / "manifest.json").read_text()):
        return "progress.json is missing"
    return problem
