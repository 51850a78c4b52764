"""Metrics: one JSON object per logged step in `metrics.jsonl`, mirrored to wandb.

wandb is offline by default: files under `<run dir>/wandb`, uploaded later by
`wandb sync <run dir>/wandb/offline-run-*`. Asked for `logger.mode=online` without an API key,
it logs offline and says so once: it never prompts or blocks.
"""

from __future__ import annotations

import json
import logging
import math
import netrc
import os
from pathlib import Path
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


class Tracker:
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
        import wandb

        mode = logger.mode
        sync = f"upload later with `wandb sync {run_dir}/wandb/offline-run-*`"
        if mode == "online" and not _has_wandb_key():
            log.warning(
                "wandb: no API key (WANDB_API_KEY or `wandb login`): logging offline; %s", sync
            )
            mode = "offline"
        elif mode == "offline":
            log.info("wandb: logging offline (logger.mode=offline); %s", sync)
        os.environ.setdefault("WANDB_SILENT", "true")
        return wandb.init(
            project=logger.project,
            entity=logger.entity,
            group=logger.group,
            job_type=cfg.loss.name,
            name=run_name,
            tags=list(logger.tags),
            config=OmegaConf.to_container(cfg, resolve=True),
            dir=str(run_dir),
            mode=mode,
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

    def close(self) -> None:
        self.file.close()
        if self.wandb_run is not None:
            self.wandb_run.finish()
