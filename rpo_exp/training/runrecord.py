"""What `python -m rpo_exp.train` records in its run dir besides the run's outputs: Hydra's
`.hydra/{config,hydra,overrides}.yaml` and the job log `<job name>.log` (`train.log`).

Hydra would write them into the run dir before the run starts, so a rerun that is then refused
(a finished run, a dir in use) would already have rewritten the earlier run's record. Here
Hydra writes nothing there (`conf/config.yaml`: `hydra.output_subdir: null`,
`hydra/job_logging: console`); the run writes the same files itself once it has claimed the
dir (`rundir.claim`), the log lines emitted before that included. README, "Run dirs,
checkpoints and resume".
"""

from __future__ import annotations

import logging
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.files import write_text

SUBDIR = ".hydra"  # the layout rpo_exp.reporting, evaluate and users read
HELD = 100_000  # log records kept until the dir is claimed (more are dropped)
FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] - %(message)s"  # Hydra's default job log


class _Held(logging.Handler):
    """Log records kept in memory until the run's log file exists."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < HELD:
            self.records.append(record)


class HydraRecord:
    """Hydra's record of this job (taken when the task starts, as Hydra takes it), written into
    the run dir by `write` once the run owns it; `close` ends the job's log."""

    def __init__(self, cfg: DictConfig, hydra: DictConfig | None = None):
        """`hydra`: the `hydra:` node (as `{"hydra": ...}`) of a config composed in this process
        (`hydra.compose(..., return_hydra_config=True)`: `rpo_exp.iterate`'s rounds); by
        default the running job's."""
        hydra = hydra or HydraConfig.instance().cfg  # `hydra:` only, saved as hydra.yaml
        self.files = {
            "config.yaml": OmegaConf.to_yaml(cfg),
            "hydra.yaml": OmegaConf.to_yaml(hydra),
            "overrides.yaml": OmegaConf.to_yaml(hydra.hydra.overrides.task),
        }
        self.log_name = f"{hydra.hydra.job.name}.log"
        logging_cfg = hydra.hydra.get("job_logging")
        handlers = (logging_cfg.get("handlers") if logging_cfg else None) or {}
        # hydra/job_logging=default: Hydra's own file handler writes the log (at once)
        hydra_logs = "file" in handlers
        self.format = (
            OmegaConf.select(logging_cfg, "formatters.simple.format", default=FORMAT)
            if logging_cfg
            else FORMAT
        )
        self.held: _Held | None = None if hydra_logs else _Held()
        self.file: logging.FileHandler | None = None
        if self.held is not None:
            logging.getLogger().addHandler(self.held)

    def write(self, run_dir: Path) -> None:
        """`.hydra/*.yaml` as Hydra writes them, and the job log (appended to, as Hydra's file
        handler does), starting with the lines held so far."""
        for name, text in self.files.items():
            write_text(run_dir / SUBDIR / name, text)
        if self.held is None:
            return
        self.file = logging.FileHandler(run_dir / self.log_name, mode="a")
        self.file.setFormatter(logging.Formatter(self.format))
        root = logging.getLogger()
        root.removeHandler(self.held)
        for record in self.held.records:
            if record.levelno >= self.file.level:
                self.file.handle(record)
        self.held = None
        root.addHandler(self.file)

    def close(self) -> None:
        """Stop logging into the run dir (and drop held lines of a run that never claimed it)."""
        root = logging.getLogger()
        for handler in (self.held, self.file):
            if handler is not None:
                root.removeHandler(handler)
                handler.close()
        self.held = self.file = None
