"""Metrics: one JSON object per logged step in `metrics.jsonl`, mirrored to wandb.

wandb is offline by default: files under `<run dir>/wandb`, uploaded later by
`wandb sync <run dir>/wandb/offline-run-*`. Asked for `logger.mode=online` without a usable API
key or without a server that answers, it logs offline and says why once: it never prompts,
blocks or fails a run.

The runs of one sweep share a wandb group (`logger.group`, else the experiment's name, else the
sweep dir), `job_type` is the loss, the run name is Hydra's override_dirname, and the tags name
the loss, dataset, model and experiment, so a paper table is one group filtered by job type.
"""

from __future__ import annotations

import json
import logging
import math
import netrc
import os
import socket
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from omegaconf import DictConfig, OmegaConf

log = logging.getLogger(__name__)


def _has_wandb_key() -> bool:
    if os.environ.get("WANDB_API_KEY"):
        return True
    host = urlparse(os.environ.get("WANDB_BASE_URL", "https://api.wandb.ai")).hostname
    try:
        return netrc.netrc().authenticators(host) is not None
    except (FileNotFoundError, netrc.NetrcParseError):
        return False


def _online_problem() -> str | None:
    """Why `logger.mode=online` cannot work here (no API key, a key wandb refuses, a server
    that does not answer within 5 s), or None."""
    import wandb

    if not _has_wandb_key():
        return "no API key (WANDB_API_KEY or `wandb login`)"
    key = os.environ.get("WANDB_API_KEY")
    if key is not None and key != key.strip():
        return "WANDB_API_KEY starts or ends with white space"
    url = urlparse(os.environ.get("WANDB_BASE_URL") or wandb.Settings().base_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=5).close()
    except OSError as err:
        return f"{url.hostname}:{port} does not answer ({err})"
    return None


def open_wandb_run(mode: str, run_dir: Path, **init: Any):
    """`wandb.init(mode=mode, dir=run_dir, **init)`; online falls back to offline, saying why
    once, when it cannot work (`_online_problem`) or wandb refuses it (a bad key, a timeout), so
    a run never fails or waits on its logger."""
    import wandb

    os.environ.setdefault("WANDB_SILENT", "true")
    sync = f"upload later with `wandb sync {run_dir}/wandb/offline-run-*`"
    problem = _online_problem() if mode == "online" else None
    if mode == "online" and problem is None:
        try:
            return wandb.init(
                dir=str(run_dir), mode=mode, settings=wandb.Settings(init_timeout=30), **init
            )
        except wandb.errors.Error as err:
            problem = f"wandb refused the online run ({str(err).splitlines()[0]})"
    if problem:
        log.warning("wandb: %s: logging offline; %s", problem, sync)
        mode = "offline"
        key = os.environ.get("WANDB_API_KEY")
        if key is not None and key != key.strip():  # wandb refuses it even offline (no key used)
            del os.environ["WANDB_API_KEY"]
    elif mode == "offline":
        log.info("wandb: logging offline (logger.mode=offline); %s", sync)
    return wandb.init(dir=str(run_dir), mode=mode, **init)


def hydra_job() -> dict[str, Any]:
    """This job's Hydra facts (overrides, job number, sweep dir); empty outside a Hydra app."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    if not HydraConfig.initialized():
        return {}
    hc = HydraConfig.get()
    facts: dict[str, Any] = {
        "overrides": list(hc.overrides.task),
        "run_dir": hc.runtime.output_dir,
    }
    if hc.mode == RunMode.MULTIRUN:
        # output_dir = sweep.dir / subdir; the subdir may hold '/' (a nested group's key), so
        # walk up its depth rather than re-resolve sweep.dir (its ${now:} may differ per process).
        depth = len(Path(str(hc.sweep.subdir)).parts)
        sweep = Path(hc.runtime.output_dir).parents[depth - 1]
        cwd = Path(hc.runtime.cwd)
        facts["job_num"] = hc.job.num
        facts["sweep_dir"] = str(sweep.relative_to(cwd) if sweep.is_relative_to(cwd) else sweep)
    return facts


def wandb_fields(cfg: DictConfig, run_name: str, job: dict[str, Any]) -> dict[str, Any]:
    """The `wandb.init` arguments that describe a run (all but project/entity/dir/mode)."""
    experiment = cfg.get("experiment")
    names = {"loss": cfg.loss.name, "dataset": cfg.dataset.name, "model": cfg.model.name}
    if experiment:
        names["experiment"] = experiment
    tags = [f"{key}:{value}" for key, value in names.items()]
    tags += [str(tag) for tag in cfg.logger.tags if str(tag) not in tags]
    config = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(config, dict)
    if job:
        config["hydra"] = job
    return {
        "group": cfg.logger.group or experiment or job.get("sweep_dir"),
        "job_type": cfg.loss.name,
        "name": run_name,
        "tags": [tag[:64] for tag in tags],  # wandb's limit a tag
        "config": config,
    }


class Tracker:
    """`metrics.jsonl` in `run_dir`, and a wandb run when `logger=wandb` (not `disabled`)."""

    def __init__(self, run_dir: Path, cfg: DictConfig, run_name: str):
        run_dir.mkdir(parents=True, exist_ok=True)
        self.path = run_dir / "metrics.jsonl"
        self.file = self.path.open("a")
        self.wandb_run = None
        logger = cfg.logger
        if logger.name == "wandb" and logger.mode != "disabled":
            self.wandb_run = self._init_wandb(run_dir, cfg, logger, run_name)

    @staticmethod
    def _init_wandb(run_dir: Path, cfg: DictConfig, logger: DictConfig, run_name: str):
        # One wandb run per run dir: a run resumed from its checkpoint (trainer.resume=auto,
        # a requeued SLURM job) continues the same wandb run instead of starting another.
        id_file = run_dir / "wandb_run_id"
        run_id = id_file.read_text().strip() if id_file.exists() else uuid.uuid4().hex[:8]
        id_file.write_text(run_id)
        return open_wandb_run(
            logger.mode,
            run_dir,
            project=logger.project,
            entity=logger.entity,
            id=run_id,
            resume="allow",
            **wandb_fields(cfg, run_name, hydra_job()),
        )

    def log(self, metrics: dict[str, float]) -> None:
        """Write one row; every value must be a finite number (a NaN is a bug, not a metric)."""
        bad = {k: v for k, v in metrics.items() if not math.isfinite(v)}
        if bad:
            raise FloatingPointError(f"non-finite metrics at step {metrics.get('step')}: {bad}")
        self.file.write(json.dumps(metrics) + "\n")
        self.file.flush()
        if self.wandb_run is not None:
            self.wandb_run.log(metrics, step=int(metrics["step"]))

    def log_samples(self, step: int, rows: list[dict]) -> None:
        """Samples of step `step` (`sampling.Sampler`): appended to `samples.jsonl`, and a
        wandb Table `samples` (step, index, prompt, response) at that step."""
        with (self.path.parent / "samples.jsonl").open("a") as f:
            f.writelines(json.dumps({"step": step, **row}) + "\n" for row in rows)
        if self.wandb_run is not None:
            import wandb

            columns = ["step", "index", "prompt", "response"]
            table = wandb.Table(columns=columns, data=[[step, *row.values()] for row in rows])
            self.wandb_run.log({"samples": table}, step=step)

    def close(self) -> None:
        self.file.close()
        if self.wandb_run is not None:
            self.wandb_run.finish()


def log_to_run(run_dir: Path, logger: DictConfig, result: dict[str, Any]) -> None:
    """Add an evaluation's numbers (`eval/win_rate`, `eval/mt_bench/score`, ...) to the summary
    of the training run's own wandb run (its id is kept in `<run dir>/wandb_run_id`); nothing
    when wandb is off or the run never had a wandb run."""
    id_file = run_dir / "wandb_run_id"
    if logger.name != "wandb" or logger.mode == "disabled" or not id_file.exists():
        return
    run = open_wandb_run(
        logger.mode,
        run_dir,
        project=logger.project,
        entity=logger.entity,
        id=id_file.read_text().strip(),
        resume="allow",
    )
    if "benchmark" in result:  # benchmark=mt_bench, ...: eval/mt_bench/score, ...
        prefix = f"eval/{result['benchmark']}/"
    elif result.get("against") == "preferred":
        prefix = "eval/"
    else:
        prefix = f"eval/vs_{Path(result['against']).name}/"
    numbers = {
        k: v for k, v in result.items() if isinstance(v, int | float) and not isinstance(v, bool)
    }
    run.summary.update({prefix + k: v for k, v in numbers.items()})
    run.finish()
