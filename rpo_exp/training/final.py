"""What a finished run leaves in its run dir: `final/` (weights and tokenizer, `save_final`)
and `summary.json` (`write_summary`: the `REPORTED` eval metrics at step 0 and after training,
wall time, peak RSS)."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from shutil import copytree, ignore_patterns

import psutil
import torch
from omegaconf import DictConfig
from transformers import AutoTokenizer

from rpo_exp.common.files import MANIFEST, atomic_dir, write_text
from rpo_exp.modeling.adapters import base_state, is_adapted, merge, save_adapter
from rpo_exp.modeling.models import DTYPES, resolve_source
from rpo_exp.training.rundir import REPORTED


def save_final(cfg: DictConfig, model, tokenizer, state: dict, run_dir: Path) -> None:
    """`final/` in `model.dtype` (whatever the master weights' dtype), complete or not there:
    the whole policy, or with `peft` its adapter (plus, for a randomly initialised base, the
    base in `final/base/`, unquantized under `peft=qlora`); with `peft.merge=true` also merged
    full weights in `final_merged/`."""
    dtype = DTYPES[cfg.model.dtype]
    state = {
        k.removeprefix("model."): v.to(dtype) if v.is_floating_point() else v
        for k, v in state.items()
    }
    final = run_dir / "final"
    target = model.get_base_model() if is_adapted(model) else model

    def save_weights(directory: Path, weights: dict) -> None:
        target.save_pretrained(directory, state_dict=weights)
        target.config.dtype = cfg.model.dtype  # save_pretrained wrote the master weights' dtype
        target.config.save_pretrained(directory)

    with atomic_dir(final, replace=True) as tmp:
        if is_adapted(model):
            base = str(final / "base")  # a randomly initialised base exists nowhere else
            if cfg.model.init_config is None:
                base = resolve_source(cfg.model.name_or_path)
                base = str(Path(base).resolve()) if Path(base).is_dir() else base
            elif getattr(target, "is_loaded_in_4bit", False):  # peft=qlora: the unquantized
                # weights its 4-bit base was quantized from (models.random_init_dir)
                copytree(target.name_or_path, tmp / "base", ignore=ignore_patterns(MANIFEST))
            else:
                save_weights(tmp / "base", base_state(state))
            save_adapter(model, state, tmp, base)
        else:
            save_weights(tmp, state)
        tokenizer.save_pretrained(tmp)
    if is_adapted(model) and cfg.peft.merge:
        merge_final(run_dir, dtype)


def merge_final(run_dir: Path, dtype: torch.dtype) -> Path:
    """`final_merged/`: the run's `final/` adapter merged into its base, full weights in `dtype`
    with the tokenizer (what `peft.merge=true` writes at the end of a run); returned."""
    merged = run_dir / "final_merged"
    with atomic_dir(merged, replace=True) as tmp:
        merge(run_dir / "final", tmp, dtype)
        AutoTokenizer.from_pretrained(run_dir / "final").save_pretrained(tmp)
    return merged


def write_summary(run_dir: Path, started: float, before: dict, after: dict) -> dict:
    """`summary.json` (written last: its presence marks a finished run), returned."""
    summary = {
        "run_dir": str(run_dir),
        "wall_seconds": time.time() - started,  # this run (a multirun has several per process)
        "process_seconds": time.time() - psutil.Process().create_time(),  # imports included
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "before": {k: before[k] for k in REPORTED if k in before},
        "after": {k: after[k] for k in REPORTED if k in after},
    }
    write_text(run_dir / "summary.json", json.dumps(summary, indent=2))
    return summary
