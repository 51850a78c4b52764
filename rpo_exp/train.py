"""`python -m rpo_exp.train [overrides]`: compose the config, validate, wire, train.

The path of one run: validate -> data -> prompt embeddings -> policy -> reference log-probs
-> train (metrics.jsonl, wandb) -> final/ (model + tokenizer) in the Hydra run dir.
Unchanged under `accelerate launch` (DDP, or FSDP with a config from `launch/`): the main
process writes the run dir, metrics and weights.
"""

from __future__ import annotations

import json
import logging
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psutil
import torch
from accelerate import Accelerator
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from rpo_exp.common.cli import command
from rpo_exp.common.errors import ConfigError
from rpo_exp.common.files import atomic_dir, write_text
from rpo_exp.config.validation import validate
from rpo_exp.data.loading import cross_split_duplicates
from rpo_exp.data.prepare import prepare_split
from rpo_exp.modeling.adapters import (
    adapter_identity,
    attach,
    base_state,
    is_adapted,
    merge,
    quantization,
    save_adapter,
)
from rpo_exp.modeling.embeddings import embed_prompts
from rpo_exp.modeling.models import (
    DTYPES,
    load_policy,
    load_tokenizer,
    model_identity,
    resolve_source,
)
from rpo_exp.training.checkpoint import Checkpoints, refuse_pickles
from rpo_exp.training.distributed import Ranks
from rpo_exp.training.rundir import (
    RunDirLock,
    check_resumable,
    check_reusable,
    claim,
    run_record,
)
from rpo_exp.training.runrecord import HydraRecord
from rpo_exp.training.sampling import Sampler
from rpo_exp.training.tracking import Tracker
from rpo_exp.training.trainer import Split, Trainer

log = logging.getLogger("rpo_exp")
T = TypeVar("T")
REPORTED = ("eval/rewards/accuracies", "eval/rewards/margins", "eval/loss")


def run(cfg: DictConfig, run_dir: Path, run_name: str, record: HydraRecord | None = None) -> dict:
    """Train one run into `run_dir`; returns the summary also written to `summary.json`.
    `record`: Hydra's files for the run dir (`python -m rpo_exp.train`), written with the run's
    first output; nothing is written into `run_dir` before every refusal is past."""
    started = time.time()
    accelerator = Accelerator(cpu=not torch.cuda.is_available())  # cpu: gloo under torchrun
    if record is not None and not accelerator.is_main_process:
        record.close()  # the main process writes the run dir and its log
        record = None
    lock = on_main(lambda: RunDirLock(run_dir), accelerator.is_main_process)
    try:
        return _train(cfg, run_dir, run_name, accelerator, started, lock, record)
    finally:
        if lock is not None:
            lock.release()
        if record is not None:
            record.close()


def _train(
    cfg: DictConfig,
    run_dir: Path,
    run_name: str,
    accelerator: Accelerator,
    started: float,
    lock: RunDirLock | None,
    record: HydraRecord | None,
) -> dict:
    """`run` with the run dir locked: validate, decide fresh/resume/refuse, load, claim the
    dir (`rundir.claim`), then train."""
    objective, convert, layout = validate(cfg)
    device, main = accelerator.device, accelerator.is_main_process
    overwrite = cfg.trainer.overwrite
    on_main(lambda: check_reusable(run_dir, overwrite), main)
    checkpoints = Checkpoints(run_dir, accelerator, run_record(cfg))
    # trainer.overwrite=true starts afresh: the checkpoints are cleared when the dir is claimed
    resume = checkpoints.latest() if cfg.trainer.resume == "auto" and not overwrite else None
    if resume is not None:
        path, progress = resume
        on_main(lambda: check_resumable(progress.get("config", {}), cfg, path), main)
        on_main(lambda: refuse_pickles(path), main)
    torch.manual_seed(cfg.seed)
    tokenizer = load_tokenizer(cfg.model)
    prepared = {split: prepare_split(cfg, split, convert, tokenizer) for split in ("train", "test")}
    cross_split_duplicates(prepared["train"].loaded.examples, prepared["test"].loaded.examples)
    splits = {name: Split(p.items) for name, p in prepared.items()}
    log.info(
        "%s on %s, %d process(es)", accelerator.distributed_type, device, accelerator.num_processes
    )
    if objective.needs_embeddings:
        prompts = [it.embedder_text for s in splits.values() for it in s.items]
        vectors = embed_prompts(prompts, cfg.embedder, device)
        splits["train"].embeddings, splits["test"].embeddings = vectors.split(
            [len(splits["train"].items), len(splits["test"].items)]
        )
    quantized = quantization(cfg.peft)
    model = load_policy(cfg.model, vocab_size=len(tokenizer), quantization=quantized)
    if quantized is None:  # a 4-bit base is loaded onto its GPU
        model = model.to(device)
    identity = model_identity(cfg.model, model, cfg.seed)
    if cfg.peft.name != "none":  # a frozen base in model.dtype computes differently
        identity += f":peft={adapter_identity(cfg.peft)}"
    model = attach(model, cfg.peft)
    on_main(lambda: claim(run_dir, lock, overwrite, record), main)  # no refusal after this
    checkpoints.truncate_logs(resume[1] if resume else None)
    tracker = Tracker(run_dir, cfg, run_name) if main else None
    try:
        if tracker and not resume:
            skipped = sum(p.loaded.skipped for p in prepared.values())
            tracker.log({"step": 0, "data/skipped_rows": skipped})
        trainer = Trainer(
            cfg=cfg.trainer,
            model=model,
            objective=objective,
            layout=layout,
            pad_id=tokenizer.pad_token_id,
            accelerator=accelerator,
            seed=cfg.seed,
            tracker=tracker,
            reference_identity=identity,
            checkpoints=checkpoints,
            sampler=Sampler(
                splits["test"].items,
                tokenizer,
                cfg.trainer.sample_prompts,
                cfg.trainer.sample_max_new_tokens,
            )
            if cfg.trainer.sample_every
            else None,
            warmup=cfg.protocol.warmup,
        )
        before, after = trainer.fit(splits["train"], splits["test"], resume)
    finally:
        if tracker:
            tracker.close()
    state = accelerator.get_state_dict(trainer.scorer)  # whole weights (FSDP gathers them)
    if not main:
        return {}
    save_final(cfg, model, tokenizer, state, run_dir)

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


def save_final(cfg: DictConfig, model, tokenizer, state: dict, run_dir: Path) -> None:
    """`final/` in `model.dtype` (whatever the master weights' dtype), complete or not there:
    the whole policy, or with `peft` its adapter (plus, for a randomly initialised base, the
    base in `final/base/`); with `peft.merge=true` also merged full weights in `final_merged/`."""
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
            if cfg.model.init_config is None:
                base = resolve_source(cfg.model.name_or_path)
                base = str(Path(base).resolve()) if Path(base).is_dir() else base
            else:  # the base exists nowhere else
                save_weights(tmp / "base", base_state(state))
                base = str(final / "base")
            save_adapter(model, state, tmp, base)
        else:
            save_weights(tmp, state)
        tokenizer.save_pretrained(tmp)
    if is_adapted(model) and cfg.peft.merge:
        with atomic_dir(run_dir / "final_merged", replace=True) as tmp:
            merge(final, tmp, dtype)
            tokenizer.save_pretrained(tmp)


def on_main(fn: Callable[[], T], main: bool) -> T | None:
    """`fn()` on the main process, whose ConfigError (a refusal) every process then raises, so
    that no rank waits on a collective the main process left."""
    result, problem = None, None
    if main:
        try:
            result = fn()
        except ConfigError as err:
            problem = str(err)
    problem = Ranks.current().broadcast(problem)
    if problem is not None:
        raise ConfigError(problem)
    return result


def print_summary(summary: dict) -> None:
    print(f"\n== rpo_exp: {summary['run_dir']} ==")
    print(f"wall time {summary['wall_seconds']:.1f} s, peak RSS {summary['peak_rss_gib']:.2f} GiB")
    for key, after in summary["after"].items():
        print(f"{key}: {summary['before'][key]:.4f} (step 0) -> {after:.4f} (final)")


@command("config")
def main(cfg: DictConfig) -> None:
    import os

    import submitit

    if os.environ.get("SUBMITIT_EXECUTOR") and submitit.JobEnvironment().num_tasks > 1:
        # A hydra/launcher=slurm job with one task per GPU: give each task the variables
        # torchrun would (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT), from SLURM's.
        submitit.helpers.TorchDistributedEnvironment().export(
            set_cuda_visible_devices=False, overwrite=True
        )
    hydra_cfg = HydraConfig.get()
    run_dir = Path(hydra_cfg.runtime.output_dir)
    run_name = hydra_cfg.job.override_dirname or cfg.loss.name
    record = HydraRecord(cfg)  # before `run` can change `cfg`, as Hydra takes it
    summary = run(cfg, run_dir, run_name, record)
    if summary:  # the main process's
        print_summary(summary)


if __name__ == "__main__":
    main()
