"""The typed schema of every config group and of each command's top level: Hydra structured
configs (dataclasses in Hydra's `ConfigStore`, group `schema`).

`check_schema` merges each composed group into its schema, so an unknown key (a typo,
`+trainer.foo=1`, `+weighting.tau=0.1`) or a value of the wrong type (`trainer.lr=abc`,
`model.attn_implementation=bogus`, `eval.split=bogus`) fails before anything loads, naming the
key and what is valid; so does a key that moved (`MOVED`), naming where it is now. The `loss`
group's keys are its loss function's parameters (`loss.fn`) plus, for contrast losses,
`contrast_weights`' options (also set by `conf/weighting/`, `@package loss`) and `unpaired`:
each `conf/loss/*.yaml` pulls them in at the signature's defaults (`loss_node`, ConfigStore
group `loss/fn`). Rules that span keys or bound a value stay in `rpo_exp.config.validation`.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf
from omegaconf.errors import ConfigKeyError, ValidationError

from rpo_exp import losses
from rpo_exp.common.cli import moved_key
from rpo_exp.common.errors import ConfigError
from rpo_exp.data.conversions import PAIRINGS
from rpo_exp.data.loading import BAD_ROW_POLICIES
from rpo_exp.data.rendering import PROMPT_FORMATS
from rpo_exp.data.tokenization import TRUNCATIONS
from rpo_exp.losses.contrast import (
    WEIGHT_SCALES,
    WEIGHTING_OPTIONS,
    WEIGHTINGS,
    WEIGHTS_ON,
    contrast_weights,
)
from rpo_exp.losses.group import SWEPO_VARIANTS
from rpo_exp.modeling.adapters import ADAPTERS
from rpo_exp.modeling.attention import IMPLEMENTATIONS
from rpo_exp.modeling.models import DTYPES
from rpo_exp.training.layouts import UNPAIRED_BATCHES
from rpo_exp.training.objective import (
    LOSS_DTYPES,
    LOSS_FUNCTIONS,
    batch_tensors,
    hyperparameters,
)
from rpo_exp.training.precision import PRECISIONS
from rpo_exp.training.trainer import OPTIMIZERS, WARMUPS


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
Weighting = choices("Weighting", WEIGHTINGS)
WeightScale = choices("WeightScale", WEIGHT_SCALES)
WeightsOn = choices("WeightsOn", WEIGHTS_ON)
UnpairedBatch = choices("UnpairedBatch", UNPAIRED_BATCHES)
Truncation = choices("Truncation", TRUNCATIONS)
Warmup = choices("Warmup", WARMUPS)
LossDtype = choices("LossDtype", LOSS_DTYPES)
SwepoVariant = choices("SwepoVariant", SWEPO_VARIANTS)
Split = choices("Split", ("train", "test"))
Engine = choices("Engine", ("hf", "vllm"))  # rpo_exp.evaluation.generation.ENGINES
Task = choices("Task", ("auto", "dialogue", "summarization"))
Verdict = choices("Verdict", ("text", "logprobs"))
JudgeName = choices("JudgeName", ("openai", "local"))
RewardName = choices("RewardName", ("sentiment", "reward_model"))  # rpo_exp.evaluation.rewards
LoggerName = choices("LoggerName", ("wandb", "none"))
LoggerMode = choices("LoggerMode", ("offline", "online", "disabled"))
STOP = ["\n\nHuman:", "\n\nAssistant:"]


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


@dataclass
class LoggerSchema:
    name: LoggerName = LoggerName["wandb"]
    mode: LoggerMode = LoggerMode["offline"]
    project: str = "rpo_exp"
    entity: str | None = None
    group: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class EvalSchema:  # conf/eval/default.yaml
    num_samples: int = 256
    split: Split = Split["test"]
    engine: Engine = Engine["hf"]
    batch_size: int = 8
    max_prompt_length: int = 256
    max_new_tokens: int = 128
    temperature: float = 0.0
    top_p: float = 1.0
    stop: list[str] = field(default_factory=lambda: list(STOP))
    seed: int = 0
    task: Task = Task["auto"]
    against: str | None = None  # null | initial | a run dir
    judge_repeats: int = 1
    bootstrap: int = 10000
    kl: bool = False
    regenerate: bool = False


@dataclass
class JudgeServerSchema:  # judge=local's server
    model: str
    n_ctx: int = 2048
    n_threads: int | None = None
    start_timeout: float = 180.0


@dataclass
class JudgeSchema:  # judge=openai | local
    name: JudgeName = JudgeName["openai"]
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    verdict: Verdict = Verdict["text"]
    temperature: float = 0.0
    max_tokens: int = 64
    top_logprobs: int = 20
    attempts: int = 3
    max_retries: int = 6
    timeout: float = 120.0
    connect_timeout: float = 10.0
    concurrency: int = 8
    server: JudgeServerSchema | None = None
    prompts: dict[str, str] = field(default_factory=dict)


@dataclass
class RewardSchema:  # conf/reward/
    name: RewardName = RewardName["sentiment"]
    name_or_path: str | None = None
    dtype: Dtype = Dtype["bfloat16"]
    batch_size: int = 8
    max_length: int = 1024


@dataclass
class RewardJudgeSchema:  # judge=reward
    name: str = "reward"
    reward: RewardSchema = field(default_factory=RewardSchema)


@dataclass
class OnpolicySchema:  # conf/onpolicy.yaml's onpolicy
    k: int = 4
    max_prompts: int | None = None
    max_test_prompts: int | None = None
    temperature: float = 1.0
    top_p: float = 1.0
    max_new_tokens: int = 32
    max_prompt_length: int = 256
    batch_size: int = 8
    stop: list[str] = field(default_factory=lambda: list(STOP))
    seed: int = 0
    overwrite: bool = False


@dataclass
class StudySchema:  # conf/study.yaml's study
    losses: list[str] = field(default_factory=list)
    betas: dict[str, list[float]] = field(default_factory=dict)
    seeds: list[int] = field(default_factory=list)
    steps: int = 10
    batch_size: int = 8
    train: list[str] = field(default_factory=list)


@dataclass
class ProtocolSchema:  # conf/protocol/{paper,released}.yaml; docs/reproducing.md
    name: str
    contrast_block: int | None = None
    unpaired_batch: UnpairedBatch = UnpairedBatch["stratified"]
    hh_prompt_format: PromptFormat | None = None
    truncation: Truncation = Truncation["prompt_first"]
    tau_unpaired: float = 0.75
    uniform_scale: WeightScale = WeightScale["row"]
    diagonal_weights_on: WeightsOn = WeightsOn["logit"]
    warmup: Warmup = Warmup["from_zero"]
    loss_dtype: LossDtype = LossDtype["float32"]


# Each command's top level (conf/<command>.yaml): groups are typed by GROUPS, the rest here.
# One line per new top-level key or group.
@dataclass
class TrainTop:  # conf/config.yaml
    model: Any = None
    dataset: Any = None
    loss: Any = None
    embedder: Any = None
    peft: Any = None
    trainer: Any = None
    logger: Any = None
    protocol: Any = None  # paper | released (conf/protocol/)
    seed: int = 0
    experiment: str | None = None  # set by experiment=NAME


@dataclass
class EvaluateTop:  # conf/evaluate.yaml
    eval: Any = None
    judge: Any = None
    model: Any = None
    dataset: Any = None
    logger: Any = None
    protocol: Any = None
    run_dir: str | None = None


@dataclass
class OnpolicyTop:  # conf/onpolicy.yaml
    model: Any = None
    dataset: Any = None
    reward: Any = None
    onpolicy: Any = None
    protocol: Any = None


@dataclass
class StudyTop(OnpolicyTop):  # conf/study.yaml
    eval: Any = None
    study: Any = None


TOP_LEVEL = {"train": TrainTop, "evaluate": EvaluateTop, "onpolicy": OnpolicyTop, "study": StudyTop}
GROUPS = {  # the groups of a fixed schema (loss and judge: `group_schema`)
    "model": ModelSchema,
    "trainer": TrainerSchema,
    "dataset": DatasetSchema,
    "embedder": EmbedderSchema,
    "peft": PeftSchema,
    "logger": LoggerSchema,
    "eval": EvalSchema,
    "reward": RewardSchema,
    "onpolicy": OnpolicySchema,
    "study": StudySchema,
    "protocol": ProtocolSchema,
}
HINTS = {  # top-level keys people reach for that live elsewhere
    "weighting": "the weighting keys live under loss. (e.g. loss.tau=0.1, loss.alpha=0.8, "
    "loss.weight_scale=row); weighting=<name> picks a strategy",
    "tau": "RPO's temperature is loss.tau",
    "beta": "the loss strength is loss.beta",
    "lr": "the learning rate is trainer.lr",
    "reward": "the reward of judge=reward is judge.reward (reward@judge.reward=<name>)",
}
for _name, _schema in {**GROUPS, **{f"top_{k}": v for k, v in TOP_LEVEL.items()}}.items():
    ConfigStore.instance().store(group="schema", name=_name, node=_schema)

MOVED = {  # old key -> where it is now: the old one is refused, naming the new one
    "contrast_block": "protocol.contrast_block",
    "loss.contrast_block": "protocol.contrast_block",
    "dataset.unpaired": "loss.unpaired",
}
LOSS_ENUMS = {
    "weights_on": WeightsOn,
    "variant": SwepoVariant,
    "weighting": Weighting,
    "weight_scale": WeightScale,
}
_ABSENT = object()
DEFAULT_TAU = "${default_tau:${dataset.format},${loss.unpaired},${protocol.tau_unpaired}}"


def loss_fields(fn_name: str) -> list[tuple]:
    """The `loss` keys of the loss function `fn_name` (docs/method.md): `name`, `fn`, its
    hyperparameters (typed by its annotations, defaults from its signature), for a loss that
    takes weights `contrast_weights`' options and `unpaired` (pairs as independent items,
    M x N), and `gather` (docs/method.md, "Multi-process training")."""
    rows = [("name", str), ("fn", str), *_parameter_fields(getattr(losses, fn_name))]
    if _takes_weights(fn_name):
        rows += _parameter_fields(contrast_weights, WEIGHTING_OPTIONS)
        rows.append(("unpaired", bool, field(default=False)))
    return [*rows, ("gather", bool, field(default=True))]


def _takes_weights(fn_name: str) -> bool:
    return "weights" in batch_tensors(getattr(losses, fn_name))


def _parameter_fields(fn, only: tuple[str, ...] | None = None) -> list[tuple]:
    """(name, type, default) of `fn`'s hyperparameters (or those in `only`)."""
    hints = typing.get_type_hints(fn)
    rows = []
    for name, default in hyperparameters(fn, only).items():
        kind = LOSS_ENUMS.get(name, hints.get(name, Any))
        rows.append((name, kind, field(default=kind[default] if name in LOSS_ENUMS else default)))
    return rows


def loss_schema(fn_name: str) -> type:
    """The `loss` group's schema for the loss function `fn_name` (`loss_fields`); a contrast
    loss without `weights_on` (SimPO+RPO) takes `logit`, which weighting=diagonal sets."""
    rows = loss_fields(fn_name)
    if _takes_weights(fn_name) and all(row[0] != "weights_on" for row in rows):
        rows.append(("weights_on", WeightsOn, field(default=WeightsOn["logit"])))
    return dataclasses.make_dataclass(f"LossSchema_{fn_name}", rows)


def loss_node(fn_name: str) -> dict[str, Any]:
    """Every `loss` key of `fn_name` with its default (`name` to be given; `tau`: RPO's default
    by data and protocol, `default_tau`): the base of `conf/loss/*.yaml` (group `loss/fn`), so
    that each default is written once, in the signature, and `loss.beta=0.5` needs no `+`."""
    node: dict[str, Any] = {"name": MISSING, "fn": fn_name}
    for name, _, default in (row for row in loss_fields(fn_name) if len(row) == 3):
        node[name] = default.default.name if name in LOSS_ENUMS else default.default
    if "tau" in node:
        node["tau"] = DEFAULT_TAU
    return node


for _fn in LOSS_FUNCTIONS:
    ConfigStore.instance().store(group="loss/fn", name=_fn, node=loss_node(_fn))


def group_schema(group: str, node: DictConfig) -> type | None:
    """The schema `node` (the composed `group`) merges into; None when it has none here (a
    loss.fn that is no loss function: `Objective.from_config` says so)."""
    if group == "loss":
        return loss_schema(node.fn) if node.get("fn") in LOSS_FUNCTIONS else None
    if group == "judge":
        return RewardJudgeSchema if node.get("name") == "reward" else JudgeSchema
    return GROUPS.get(group)


def check_schema(cfg: DictConfig, command: str = "train") -> None:
    """Every key of `cfg` (as `command` composes it: train, evaluate, onpolicy, study) is known
    and of its type, at the top level and in every group; raises ConfigError naming the key and
    the valid keys or values."""
    for old, new in MOVED.items():
        value = OmegaConf.select(cfg, old, default=_ABSENT)
        if value is not _ABSENT:
            raise ConfigError(moved_key(old, new, value))
    top = TOP_LEVEL[command]
    unknown = [key for key in cfg if key not in {f.name for f in fields(top)}]
    if unknown:
        key = unknown[0]
        hint = f": {HINTS[key]}" if key in HINTS else ""
        valid = ", ".join(f.name for f in fields(top))
        raise ConfigError(f"{key}: unknown top-level key{hint}; valid top-level keys: {valid}")
    _merge("", top, OmegaConf.masked_copy(cfg, [k for k in cfg if not _is_group(top, k)]))
    for group in cfg:
        node = cfg[group]
        schema = group_schema(group, node) if isinstance(node, DictConfig) else None
        if schema is None:
            continue
        if group == "loss":
            extra = sorted(set(node) - {f.name for f in fields(schema)})
            if extra:
                valid = sorted(f.name for f in fields(schema))
                raise ConfigError(
                    f"loss={node.get('name')}: unknown keys {extra} for {node.fn}; valid: {valid}"
                )
        _merge(f"{group}.", schema, node)


def _is_group(top: type, key: str) -> bool:
    return next(f for f in fields(top) if f.name == key).type in (Any, "Any")


def _merge(prefix: str, schema: type, node: DictConfig) -> None:
    """`node` merged into `schema`, its errors as ConfigErrors that name `prefix` + the key."""
    try:
        OmegaConf.merge(OmegaConf.structured(schema), node)
    except ConfigKeyError as err:
        where = str(err.full_key).rpartition(".")[0]
        inner = _field_type(schema, where) if where else schema
        valid = ", ".join(f.name for f in fields(inner)) if dataclasses.is_dataclass(inner) else ""
        raise ConfigError(f"{prefix}{err.full_key}: unknown key; valid: {valid}") from None
    except ValidationError as err:
        value = OmegaConf.select(node, str(err.full_key), throw_on_missing=False)
        reason = str(err).splitlines()[0]
        raise ConfigError(f"{prefix}{err.full_key}={value}: {reason}") from None


def _field_type(schema: type, path: str) -> type | None:
    """The dataclass type of the nested field `path` of `schema` (e.g. `server`)."""
    for part in path.split("."):
        hints = typing.get_type_hints(schema)
        kind = hints.get(part)
        args = [a for a in typing.get_args(kind) if dataclasses.is_dataclass(a)]
        schema = args[0] if args else kind
        if not dataclasses.is_dataclass(schema):
            return None
    return schema
