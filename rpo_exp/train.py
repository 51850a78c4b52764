"""`python -m rpo_exp.train [overrides]`: compose the config, validate, wire, train.

The path of one run: validate -> data -> prompt embeddings -> policy -> reference log-probs
-> train (metrics.jsonl, wandb) -> final/ (model + tokenizer) in the Hydra run dir.
Unchanged under `accelerate launch` (DDP, or FSDP with a config from `launch/`): the main
process writes the run dir, metrics and weights.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import torch
from accelerate import Accelerator
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from rpo_exp.config.entry import command
from rpo_exp.config.schema import schema_defaults
from rpo_exp.config.validation import validate
from rpo_exp.data.loading import cross_split_duplicates
from rpo_exp.data.prepare import prepare_split
from rpo_exp.modeling.adapters import adapter_identity, attach, quantization
from rpo_exp.modeling.embeddings import embed_prompts
from rpo_exp.modeling.models import load_policy, load_tokenizer, model_identity
from rpo_exp.training.checkpoint import Checkpoints, refuse_pickles
from rpo_exp.training.distributed import leave_together, on_main
from rpo_exp.training.final import save_final, write_summary
from rpo_exp.training.layouts import BatchLayout
from rpo_exp.training.reference import load_reference
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
from rpo_exp.training.trainer import Split, Trainer, eval_batches

log = logging.getLogger("rpo_exp")


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
    main = accelerator.is_main_process
    checkpoints = Checkpoints(run_dir, run_record(cfg))
    resume = _resume_point(cfg, run_dir, checkpoints, main)
    torch.manual_seed(cfg.seed)
    tokenizer = load_tokenizer(cfg.model)
    prepared = {split: prepare_split(cfg, split, convert, tokenizer) for split in ("train", "test")}
    splits = _splits(cfg, prepared, objective.needs_embeddings, accelerator)
    _check_batches(layout, splits, cfg)
    model, identity = _policy(cfg, len(tokenizer), accelerator.device)
    reference = load_reference(cfg, tokenizer, model, identity, accelerator.device)
    on_main(lambda: claim(run_dir, lock, cfg.trainer.overwrite, record), main)  # no refusal after
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
            reference=reference,
            checkpoints=checkpoints,
            sampler=_sampler(cfg, splits["test"], tokenizer),
            warmup=cfg.protocol.warmup,
        )
        before, after = trainer.fit(splits["train"], splits["test"], resume)
    finally:
        if tracker:
            tracker.close()
    state = trainer.strategy.full_state_dict()  # whole weights (FSDP gathers them)
    summary = {}
    if main:
        save_final(cfg, model, tokenizer, state, run_dir)
        summary = write_summary(run_dir, started, before, after)
    leave_together()
    return summary


def _resume_point(
    cfg: DictConfig, run_dir: Path, checkpoints: Checkpoints, main: bool
) -> tuple[Path, dict] | None:
    """The checkpoint to resume (`trainer.resume=auto`), or None to start afresh; refuses a
    finished run (without `trainer.overwrite`), another config's checkpoint or its pickles."""
    overwrite = cfg.trainer.overwrite
    on_main(lambda: check_reusable(run_dir, overwrite), main)
    # trainer.overwrite=true starts afresh: the checkpoints are cleared when the dir is claimed
    resume = checkpoints.latest() if cfg.trainer.resume == "auto" and not overwrite else None
    if resume is not None:
        path, progress = resume
        saved = progress.get("config", {})
        on_main(lambda: check_resumable(saved, cfg, path, schema_defaults(cfg)), main)
        on_main(lambda: refuse_pickles(path), main)
    return resume


def _splits(
    cfg: DictConfig, prepared: dict, needs_embeddings: bool, accelerator: Accelerator
) -> dict[str, Split]:
    """The train and test splits, with their prompts' embeddings when the loss needs them."""
    cross_split_duplicates(prepared["train"].loaded.examples, prepared["test"].loaded.examples)
    splits = {name: Split(p.items) for name, p in prepared.items()}
    device = accelerator.device
    log.info(
        "%s on %s, %d process(es)", accelerator.distributed_type, device, accelerator.num_processes
    )
    if needs_embeddings:
        prompts = [it.embedder_text for s in splits.values() for it in s.items]
        vectors = embed_prompts(prompts, cfg.embedder, device)
        splits["train"].embeddings, splits["test"].embeddings = vectors.split(
            [len(splits["train"].items), len(splits["test"].items)]
        )
    return splits


def _check_batches(layout: BatchLayout, splits: dict[str, Split], cfg: DictConfig) -> None:
    """Every batch the run trains and evaluates on has what its loss needs (KTO: two prompts):
    a DataError now, before any weights load, rather than at that step."""
    train, test = splits["train"], splits["test"]
    for batch in layout.order(train.items, cfg.trainer, cfg.seed):
        layout.keys(train.items, batch)
    for batch in eval_batches(test, cfg.trainer, layout):
        layout.keys(test.items, batch)


def _policy(cfg: DictConfig, vocab_size: int, device: torch.device) -> tuple[torch.nn.Module, str]:
    """The policy on `device` with its adapters (`peft`), and the reference identity that keys
    its cached reference log-probs."""
    quantized = quantization(cfg.peft)
    model = load_policy(cfg.model, vocab_size=vocab_size, quantization=quantized)
    if quantized is None:  # a 4-bit base is loaded onto its device (the GPU, else the CPU)
        model = model.to(device)
    identity = model_identity(cfg.model, model, cfg.seed)
    if cfg.peft.name != "none":  # a frozen base in model.dtype computes differently
        identity += f":peft={adapter_identity(cfg.peft)}"
    return attach(model, cfg.peft), identity


def _sampler(cfg: DictConfig, test: Split, tokenizer) -> Sampler | None:
    """Samples of held-out prompts every `trainer.sample_every` steps (0: none)."""
    if not cfg.trainer.sample_every:
        return None
    t = cfg.trainer
    return Sampler(test.items, tokenizer, t.sample_prompts, t.sample_max_new_tokens)


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
