"""A run dir owned by one run at a time, never overwritten by accident.

`RunDirLock` takes an exclusive lock on `<run dir>/.lock` for the life of the run (a second run
in the same dir refuses at once, naming the holder's pid); the run then decides what it does
there, changing nothing in the dir until it is accepted (`claim`):
- a fresh dir, or an unfinished run without a checkpoint: train from the start;
- an unfinished run with a checkpoint and `trainer.resume=auto`: continue it (the checkpoint's
  config must match this one, `check_resumable`);
- a finished run (`summary.json`): refuse, unless `trainer.overwrite=true`, which clears
  everything the earlier run wrote first.
A refused run leaves every file of the dir byte-identical.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import IO

from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.trees import flatten

# Everything a run and the commands that follow it (`rpo_exp.evaluate`: eval/; wandb: wandb/)
# write into its run dir, the job log `<job name>.log` aside; their temporaries and atomic
# leftovers are named `.<name>.*`.
OUTPUTS = (".hydra", "metrics.jsonl", "summary.json", "final", "final_merged", "checkpoints",
           "samples.jsonl", "wandb_run_id", "wandb", "eval", "train.log")  # fmt: skip
# The eval metrics `summary.json` reports before and after training (`final.write_summary`),
# which the sweep tables read (`rpo_exp.reporting`): kept here, in a module that loads no model
# code, so that a report notebook's kernel starts without torch.
REPORTED = ("eval/rewards/accuracies", "eval/rewards/margins", "eval/loss")
# Keys that change how a run is watched or its memory, not what it computes: they may differ
# on resume.
UNTRACKED = ("logger", "trainer.resume", "trainer.overwrite", "trainer.checkpoint_every",
             "trainer.divergence_factor", "trainer.gradient_checkpointing",
             "trainer.logits_chunk_tokens",
             "trainer.eval_every", "trainer.sample_every", "trainer.sample_prompts",
             "trainer.sample_max_new_tokens", "peft.merge")  # fmt: skip


class RunDirLock:
    """An exclusive `flock` on `<run dir>/.lock`, released when the process ends or `release`.
    Taking it changes no byte of the dir (an empty `.lock` is created if there is none); the
    holder's pid is written by `own`, once the run is accepted, and cleared on `release`."""

    def __init__(self, run_dir: Path):
        run_dir.mkdir(parents=True, exist_ok=True)
        self.path = run_dir / ".lock"
        self.owned = False
        self.file: IO[str] | None = self.path.open("a+")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.seek(0)
            holder = self.file.read().strip()
            self.file.close()
            raise ConfigError(
                f"{run_dir} is in use by a run in progress"
                f"{f' (pid {holder})' if holder else ''}: wait for it to end, or give this run "
                "another hydra.run.dir"
            ) from None

    def own(self) -> None:
        """Write this process's pid: the run has been accepted into the dir."""
        assert self.file is not None
        self.file.truncate(0)
        self.file.write(str(os.getpid()))
        self.file.flush()
        self.owned = True

    def release(self) -> None:
        if self.file is not None:
            if self.owned:
                self.file.truncate(0)
            self.file.close()  # closing drops the flock
            self.file = None


def check_reusable(run_dir: Path, overwrite: bool) -> None:
    """Refuse to train over a finished run (its `summary.json` written) unless
    `trainer.overwrite=true` (then `claim` clears it). An unfinished run is resumed from its
    newest checkpoint, or restarted without one. Reads only."""
    if not overwrite and (run_dir / "summary.json").exists():
        raise ConfigError(
            f"{run_dir} holds a finished run: refusing to overwrite it. Give this run another "
            "hydra.run.dir, or set trainer.overwrite=true to start it afresh"
        )


def clear_outputs(run_dir: Path, *also: str) -> None:
    """Remove everything an earlier run wrote into `run_dir` (`OUTPUTS`, `also`, and their
    temporaries); `.lock` and anything else stay."""
    names = {*OUTPUTS, *also}
    for path in run_dir.iterdir():
        temporary = path.name.startswith(".") and any(
            path.name.startswith(f".{name}.") for name in names
        )
        if path.name in names or temporary:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def claim(run_dir: Path, lock: RunDirLock, overwrite: bool, record=None) -> None:
    """Make an accepted run the owner of `run_dir`: its pid in `.lock`, an earlier run's outputs
    cleared (`trainer.overwrite=true`), then `record` (a `runrecord.HydraRecord`) written."""
    lock.own()
    if overwrite:
        clear_outputs(run_dir, *([record.log_name] if record is not None else []))
    if record is not None:
        record.write(run_dir)


def run_record(cfg: DictConfig) -> dict:
    """The resolved config a checkpoint records, as plain data."""
    return OmegaConf.to_container(cfg, resolve=True)


def check_resumable(
    saved: dict, cfg: DictConfig, checkpoint: Path, defaults: dict | None = None
) -> None:
    """Refuse to resume `checkpoint` under a config that computes something else than the one
    that made it; keys in `UNTRACKED` may differ, and a key the checkpoint's config lacks (one
    added since) may hold its default (`defaults`, flattened: `config.schema.schema_defaults`),
    which computes what the run computed before the key existed."""
    old, new = flatten(saved), flatten(run_record(cfg))
    defaults = defaults or {}
    added = {k for k in new.keys() - old.keys() if k in defaults and new[k] == defaults[k]}
    differ = sorted(
        k for k in old.keys() | new.keys()
        if old.get(k, "<unset>") != new.get(k, "<unset>") and not _untracked(k) and k not in added
    )  # fmt: skip
    if differ:
        shown = "; ".join(
            f"{k}: {old.get(k, '<unset>')!r} -> {new.get(k, '<unset>')!r}" for k in differ[:8]
        )
        raise ConfigError(
            f"{checkpoint} was made under another config ({shown}"
            f"{'; ...' if len(differ) > 8 else ''}): resuming would mix two runs. Rerun with "
            "the checkpoint's settings, give this run another hydra.run.dir, or set "
            "trainer.overwrite=true to start afresh"
        )


def _untracked(key: str) -> bool:
    return any(key == u or key.startswith(f"{u}.") for u in UNTRACKED)
