"""The typed schema of the config groups a run's weights and data depend on: Hydra structured
configs (dataclasses in Hydra's `ConfigStore`, group `schema`).

`check_schema` merges each composed group into its schema, so an unknown key (a typo,
`+trainer.foo=1`) or a value of the wrong type (`trainer.lr=abc`,
`model.attn_implementation=bogus`) fails before anything loads, naming the key and what is
valid. Rules that span keys or bound a value stay in `rpo_exp.config`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigKeyError, ValidationError

from rpo_exp.common.errors import ConfigError
from rpo_exp.data.conversions import PAIRINGS
from rpo_exp.data.loading import BAD_ROW_POLICIES
from rpo_exp.data.rendering import PROMPT_FORMATS
from rpo_exp.modeling.adapters import ADAPTERS
from rpo_exp.modeling.attention import IMPLEMENTATIONS
from rpo_exp.modeling.models import DTYPES
from rpo_exp.training.precision import PRECISIONS
from rpo_exp.training.trainer import OPTIMIZERS


def choices(name: str, values) -> type[Enum]:
    """An Enum whose members are named by `values` (OmegaConf validates enum fields by name)."""
    return Enum(name, {v: v for v in values})


Dtype = choices("Dtype", DTYPES)
Attention = choices("Attention", IMPLEMENTATIONS)
Optimizer = choices("Optimizer", OPTIMIZERS)
Precision = choices("Precision", PRECISIONS)
Resume = choices("Resume", ("auto", "never"))
Adapter = choices("Adapter", ADAPTERS)
BadRow = choices("BadRow", BAD_ROW_POLICIES)
Pairing = choices("Pairing", PAIRINGS)
PromptFormat = choices("PromptFormat", PROMPT_FORMATS)
EmbedText = choices("EmbedText", ("rendered", "raw"))


@dataclass
class ModelSchema:
    name: str
    name_or_path: str | None = None
    tokenizer: str | None = None
    revision: str | None = None
    dtype: Dtype = Dtype["float32"]
    attn_implementation: Attention = Attention["sdpa"]
    prompt_format: PromptFormat = PromptFormat["raw"]  # the default of datasets with null
    init_config: dict[str, Any] | None = None


@dataclass
class TrainerSchema:
    batch_size: int = 8
    micro_batch_size: int = 8
    eval_batch_size: int = 32
    lr: float = 5e-6
    optimizer: Optimizer = Optimizer["rmsprop"]
    weight_decay: float = 0.0
    lr_scheduler: str = "constant_with_warmup"
    warmup_steps: int = 0
    max_grad_norm: float | None = 10.0
    max_steps: int | None = None
    epochs: int = 1
    max_prompt_length: int = 256
    max_length: int = 512
    eval_max_examples: int | None = None
    checkpoint_every: int | None = None
    resume: Resume = Resume["auto"]
    overwrite: bool = False
    divergence_factor: float | None = 100.0
    precision: Precision = Precision["auto"]
    gradient_checkpointing: bool = False
    eval_every: int | None = None
    sample_every: int | None = None
    sample_prompts: int = 4
    sample_max_new_tokens: int = 48


@dataclass
class DatasetSchema:
    name: str
    format: str = "hh"
    hub_id: str | None = None
    hub_config: str | None = None
    revision: str | None = None
    hub_splits: dict[str, str | None] = field(default_factory=dict)
    sample: str | None = None
    path: str | None = None
    test_path: str | None = None
    test_size: float = 0.1
    on_bad_row: BadRow = BadRow["error"]
    unpaired: bool = False
    pairing: Pairing = Pairing["best_vs_random"]
    max_train_examples: int | None = None
    max_test_examples: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # {schema name: the data's name}
    prompt_format: PromptFormat | None = None  # None: model.prompt_format


@dataclass
class EmbedderSchema:
    name: str
    name_or_path: str | None = None
    zip_parts: list[str] | None = None
    batch_size: int = 64
    text: EmbedText = EmbedText["rendered"]  # the prompt as the policy reads it, or raw


@dataclass
class PeftSchema:
    name: Adapter = Adapter["none"]
    r: int = 16
    alpha: float = 32.0
    dropout: float = 0.0
    target_modules: Any = None  # a list of module names, or peft's "all-linear"
    merge: bool = False


SCHEMAS = {
    "model": ModelSchema,
    "trainer": TrainerSchema,
    "dataset": DatasetSchema,
    "embedder": EmbedderSchema,
    "peft": PeftSchema,
}
for _group, _schema in SCHEMAS.items():
    ConfigStore.instance().store(group="schema", name=_group, node=_schema)


def check_schema(cfg: DictConfig) -> None:
    """Every key of the schema groups is known and of its type; raises ConfigError naming the
    key and the valid keys or values."""
    store = ConfigStore.instance()
    for group, schema in SCHEMAS.items():
        typed = store.load(f"schema/{group}.yaml").node
        try:
            OmegaConf.merge(typed, cfg[group])
        except ConfigKeyError as err:
            valid = ", ".join(f.name for f in fields(schema))
            raise ConfigError(f"{group}.{err.key}: unknown key; valid: {valid}") from None
        except ValidationError as err:
            value = OmegaConf.select(cfg[group], str(err.full_key), throw_on_missing=False)
            reason = str(err).splitlines()[0]
            raise ConfigError(f"{group}.{err.full_key}={value}: {reason}") from None
