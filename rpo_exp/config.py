"""Config validation: every bad value fails here, before any weights load, naming the key."""

from __future__ import annotations

import re
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.paths import is_package_path
from rpo_exp.data.loading import BAD_ROW_POLICIES, FORMATS
from rpo_exp.modeling.models import DTYPES
from rpo_exp.training.layouts import BatchLayout, Convert, plan
from rpo_exp.training.objective import Objective

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}(/[A-Za-z0-9][\w.-]{0,95})?$")
OPTIMIZERS = ("rmsprop", "adamw")


def default_tau(fmt: str, unpaired: bool) -> float:
    """RPO's default tau, SPEC 3: 0.5 for paired contrast, 0.75 for unpaired data."""
    form = FORMATS[fmt].form if fmt in FORMATS else "paired"
    return 0.75 if unpaired or form == "unpaired" else 0.5


OmegaConf.register_new_resolver("default_tau", default_tau, replace=True)


def validate(cfg: DictConfig) -> tuple[Objective, Convert, BatchLayout]:
    """Check the composed config; returns the loss objective it names, the conversion its
    data needs and the batch layout (an unsupported loss/data pair fails here)."""
    objective = Objective.from_config(cfg.loss)
    _check_trainer(cfg.trainer)
    _check_model(cfg.model)
    data = cfg.dataset
    if data.format not in FORMATS:
        raise ConfigError(f"dataset.format={data.format}: must be one of {', '.join(FORMATS)}")
    if data.on_bad_row not in BAD_ROW_POLICIES:
        raise ConfigError(
            f"dataset.on_bad_row={data.on_bad_row}: must be one of {', '.join(BAD_ROW_POLICIES)}"
        )
    convert, layout = plan(cfg.loss.name, objective.kind, FORMATS[data.format].form, data)
    return objective, convert, layout


def _check_trainer(t: DictConfig) -> None:
    for key in (
        "batch_size",
        "micro_batch_size",
        "eval_batch_size",
        "max_prompt_length",
        "max_length",
    ):
        if not (isinstance(t[key], int) and t[key] > 0):
            raise ConfigError(f"trainer.{key}={t[key]}: must be a positive integer")
    if t.batch_size % t.micro_batch_size:
        raise ConfigError(
            f"trainer.batch_size={t.batch_size} must be a multiple of "
            f"trainer.micro_batch_size={t.micro_batch_size}"
        )
    if t.max_prompt_length >= t.max_length:
        raise ConfigError(
            f"trainer.max_prompt_length={t.max_prompt_length} must be < "
            f"trainer.max_length={t.max_length}"
        )
    if t.optimizer not in OPTIMIZERS:
        raise ConfigError(
            f"trainer.optimizer={t.optimizer}: must be one of {', '.join(OPTIMIZERS)}"
        )
    every = t.get("checkpoint_every")
    if every is not None and not (isinstance(every, int) and every > 0):
        raise ConfigError(f"trainer.checkpoint_every={every}: must be a positive integer or null")
    if t.get("resume", "auto") not in ("auto", "never"):
        raise ConfigError(f"trainer.resume={t.resume}: must be auto or never")
    if not t.lr > 0:
        raise ConfigError(f"trainer.lr={t.lr}: must be > 0")
    if t.max_steps is not None and not (isinstance(t.max_steps, int) and t.max_steps > 0):
        raise ConfigError(f"trainer.max_steps={t.max_steps}: must be a positive integer or null")
    if t.max_steps is None and not (isinstance(t.epochs, int) and t.epochs > 0):
        raise ConfigError(
            f"trainer.epochs={t.epochs}: must be a positive integer (or set trainer.max_steps)"
        )


def _check_model(m: DictConfig) -> None:
    if m.dtype not in DTYPES:
        raise ConfigError(f"model.dtype={m.dtype}: must be one of {', '.join(DTYPES)}")
    if m.init_config is None:
        if not m.name_or_path:
            raise ConfigError("model.name_or_path is required unless model.init_config is set")
        check_source(m.name_or_path, "model.name_or_path")
    elif not m.tokenizer and not m.name_or_path:
        raise ConfigError("model.tokenizer: a randomly initialised model needs a tokenizer source")
    if m.tokenizer:
        check_source(m.tokenizer, "model.tokenizer")


def check_source(value: str, key: str) -> None:
    """An existing directory, a `pkg://` path, or something shaped like a hub id (org/name)."""
    value = str(value)
    if is_package_path(value) or Path(value).expanduser().is_dir():
        return
    if HUB_ID.match(value) and "--" not in value and ".." not in value:
        return
    raise ConfigError(
        f"{key}={value}: neither an existing directory nor a plausible Hugging Face Hub id "
        "(like org/name); give a local directory with the weights or a hub id"
    )
