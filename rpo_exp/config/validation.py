"""Config validation: every bad value fails here, before any weights load, naming the key."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.paths import is_package_path
from rpo_exp.config.schema import check_schema
from rpo_exp.data.conversions import Conversion
from rpo_exp.data.loading import FORMATS, check_dataset
from rpo_exp.data.rendering import prompt_format
from rpo_exp.modeling.adapters import check_adapters
from rpo_exp.modeling.attention import check_available
from rpo_exp.training.layouts import BatchLayout, plan
from rpo_exp.training.objective import Objective
from rpo_exp.training.reference import check_reference, check_sync

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}(/[A-Za-z0-9][\w.-]{0,95})?$")
UNSUPPORTED_SCHEDULERS = {  # transformers schedules the trainer cannot drive: why
    "reduce_lr_on_plateau": "steps on a validation metric, which the trainer does not pass",
    "greedy": "steps on a validation metric, which the trainer does not pass",
    "cosine_with_min_lr": "needs a min_lr, which no trainer key sets",
    "cosine_warmup_with_min_lr": "needs a min_lr, which no trainer key sets",
    "warmup_stable_decay": "needs num_decay_steps, which no trainer key sets",
}


@functools.cache
def schedulers() -> tuple[str, ...]:
    """transformers' schedules the trainer drives (imported here, not at module load: it
    imports peft, ~3 s, which a command that does not train never needs)."""
    from transformers import SchedulerType

    return tuple(s.value for s in SchedulerType if s.value not in UNSUPPORTED_SCHEDULERS)


POINTWISE_WEIGHTINGS = ("diagonal", "identity")  # weigh chosen item i against rejected item i


def default_tau(fmt: str, unpaired: bool, tau_unpaired: float = 0.75) -> float:
    """RPO's default tau: 0.5 for paired contrast; on unpaired data (or `unpaired`,
    `loss.unpaired`) `protocol.tau_unpaired` (0.75 in the paper's Table 6, 0.5 in the released
    code; docs/method.md, "Weighting strategies")."""
    form = FORMATS[fmt].form if fmt in FORMATS else "paired"
    return tau_unpaired if unpaired or form == "unpaired" else 0.5


OmegaConf.register_new_resolver("default_tau", default_tau, replace=True)
# ${per_device:BATCH,DEVICES}: a global batch's per-device share (experiment=batch_size_ablation)
OmegaConf.register_new_resolver("per_device", lambda batch, devices: batch // devices, replace=True)


def study_run_name(loss: str, beta: float | None, seed: int) -> str:
    """A study run's dir name (experiment=study's `hydra.sweep.subdir`, and where
    `rpo_exp.study` looks for it)."""
    return f"{loss}_beta{'none' if beta is None else beta}_seed{seed}"


OmegaConf.register_new_resolver("study_run_name", study_run_name, replace=True)


def validate(cfg: DictConfig) -> tuple[Objective, Conversion, BatchLayout]:
    """Check the composed config; returns the loss objective it names, the conversion its
    data needs and the batch layout (an unsupported loss/data pair fails here)."""
    check_schema(cfg, "train")  # unknown keys and types (config.schema); the rules beyond follow
    objective = Objective.from_config(cfg.loss, cfg.protocol)
    _check_trainer(cfg.trainer)
    _check_model(cfg.model)
    check_adapters(cfg.peft, cuda=torch.cuda.is_available(), model=cfg.model)
    check_reference(cfg.reference, objective.needs_reference, objective.kind, cfg.loss.name)
    check_sync(cfg.reference, cfg.peft, cfg.trainer.strategy)
    if cfg.reference.name == "model":
        check_source(cfg.reference.name_or_path, "reference.name_or_path")
    t = cfg.trainer
    if cfg.peft.name != "none" and cfg.peft.dropout and t.micro_batch_size < t.batch_size:
        raise ConfigError(
            f"peft.dropout={cfg.peft.dropout} with trainer.micro_batch_size={t.micro_batch_size}"
            f" < trainer.batch_size={t.batch_size}: a micro-batched step runs each forward twice"
            " and needs them equal; set peft.dropout=0 or trainer.micro_batch_size="
            f"{t.batch_size}"
        )
    data = cfg.dataset
    check_dataset(data)
    if prompt_format(data, cfg.model) == "released" and data.format != "hh":
        raise ConfigError(
            f"dataset.prompt_format=released renders Anthropic HH transcripts (dataset.format=hh);"
            f" dataset.format={data.format}: use raw or chat_template"
        )
    form = FORMATS[data.format].form
    _check_pointwise(objective, form, data.name)
    split = cfg.protocol.unpaired_batch
    convert, layout = plan(cfg.loss.name, objective.kind, form, data, split, objective.unpaired)
    return objective, convert, layout


def _check_pointwise(objective: Objective, form: str, dataset: str) -> None:
    """Diagonal and identity weights need pairs: unpaired data or `loss.unpaired` has none."""
    weighting = objective.weighting and objective.weighting["weighting"]
    if weighting in POINTWISE_WEIGHTINGS and (form == "unpaired" or objective.unpaired):
        why = (
            f"dataset={dataset} gives unpaired data"
            if form == "unpaired"
            else f"loss.unpaired=true makes the pairs of dataset={dataset} independent items"
        )
        raise ConfigError(
            f"loss.weighting={weighting} (weighting={weighting}...) weighs chosen item i against "
            f"rejected item i, a pair only in paired data; {why} (unrelated whenever M = N): "
            'use weighting=embedding or weighting=uniform (docs/method.md, "Weighting strategies")'
        )


def check_evaluation(cfg: DictConfig) -> None:
    """`python -m rpo_exp.evaluate`'s config (README, "Win rates"), before anything loads: every
    key known and typed, and the values that cannot work refused."""
    check_schema(cfg, "evaluate")
    _check_eval(cfg.eval)
    bench = cfg.benchmark
    if bench.name not in ("hh_winrate", "leaderboard"):
        if cfg.judge.name == "reward":
            raise ConfigError(
                f"benchmark={bench.name} is graded by a chat judge (judge=openai or judge=local); "
                "judge=reward scores benchmark=hh_winrate only"
            )
        keys = ["max_new_tokens", "max_prompt_length", "judge_max_tokens"]
        if bench.name == "arena_hard":
            keys += ["judge_attempts", "strong_weight", "bootstrap_rounds"]
        for key in keys:
            _positive_int(bench, key, where="benchmark")
        if bench.name == "alpaca_eval2" and not bench.annotator:
            raise ConfigError(
                "benchmark.annotator: an alpaca_eval annotator config's name is needed "
                "(alpaca_eval_gpt4_turbo_fn, weighted_alpaca_eval_gpt4_turbo, ...)"
            )
    if cfg.eval.kl and cfg.judge.name != "reward":
        raise ConfigError(
            f"eval.kl=true is estimated by judge=reward only (judge={cfg.judge.name}); "
            "use judge=reward, or eval.kl=false"
        )
    j = cfg.judge
    if j.name == "reward":
        for key in ("batch_size", "max_length"):
            if key in j.reward:
                _positive_int(j.reward, key, where="judge.reward")
        return
    for key in ("max_tokens", "top_logprobs", "attempts", "concurrency"):
        _positive_int(j, key, where="judge")
    _number(j, "temperature", low=0, inclusive=True, where="judge")
    for key in ("timeout", "connect_timeout"):
        _number(j, key, low=0, where="judge")
    if j.max_retries < 0:
        raise ConfigError(f"judge.max_retries={j.max_retries}: must be an integer >= 0")
    if j.server is not None:
        _positive_int(j.server, "n_ctx", where="judge.server")
        _positive_int(j.server, "n_threads", nullable=True, where="judge.server")
        _number(j.server, "start_timeout", low=0, where="judge.server")


def check_sampling_command(cfg: DictConfig, command: str) -> None:
    """`python -m rpo_exp.onpolicy` (`command` "onpolicy"), `rpo_exp.study` ("study") or
    `rpo_exp.iterate` ("iterate")'s config, before anything loads."""
    check_schema(cfg, command)
    on = cfg.onpolicy
    _check_sampling(on, "onpolicy")
    if on.k < 2:
        raise ConfigError(f"onpolicy.k={on.k}: must be an integer >= 2 (a scored group)")
    if on.temperature == 0:
        raise ConfigError("onpolicy.temperature=0: must be > 0 (k different samples)")
    for key in ("max_prompts", "max_test_prompts"):
        _positive_int(on, key, nullable=True, where="onpolicy")
    if "eval" in cfg:
        _check_eval(cfg.eval)
    if command == "study" and cfg.study.iterative.rounds < 0:
        raise ConfigError(
            f"study.iterative.rounds={cfg.study.iterative.rounds}: must be an integer >= 0 "
            "(0: no iterative arm)"
        )
    if command == "iterate":
        if isinstance(cfg.rounds, bool) or cfg.rounds < 1:
            raise ConfigError(f"rounds={cfg.rounds}: must be a positive integer")
        for key in ("steps", "prompts_per_step"):
            _positive_int(cfg.iterate, key, nullable=key == "steps", where="iterate")


def _check_eval(e: DictConfig) -> None:
    """The `eval` group's values (conf/eval/default.yaml)."""
    _check_sampling(e, "eval")
    for key in ("num_samples", "judge_repeats", "bootstrap"):
        _positive_int(e, key, where="eval")
    if e.kl and e.temperature == 0:
        raise ConfigError(
            "eval.kl=true with eval.temperature=0: the KL estimate averages log-ratios of "
            "responses sampled from the policy, and greedy responses are no sample (the "
            "estimate can go negative); set eval.temperature=1 (or any value > 0)"
        )


def _check_sampling(group: DictConfig, where: str) -> None:
    """The sampling keys `eval` and `onpolicy` share."""
    for key in ("batch_size", "max_prompt_length", "max_new_tokens"):
        _positive_int(group, key, where=where)
    _number(group, "temperature", low=0, inclusive=True, where=where)
    _number(group, "top_p", low=0, where=where)
    if group.top_p > 1:
        raise ConfigError(f"{where}.top_p={group.top_p}: must be in (0, 1]")


def _check_trainer(t: DictConfig) -> None:
    for key in ("batch_size", "micro_batch_size", "forward_batch_size", "max_prompt_length"):
        _positive_int(t, key)
    _positive_int(t, "max_length")
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
    if t.lr_scheduler not in schedulers():
        why = UNSUPPORTED_SCHEDULERS.get(t.lr_scheduler)
        raise ConfigError(
            f"trainer.lr_scheduler={t.lr_scheduler}: {why + '; ' if why else ''}"
            f"must be one of {', '.join(schedulers())}"
        )
    _number(t, "lr", low=0)
    _number(t, "weight_decay", low=0, inclusive=True)
    _number(t, "max_grad_norm", low=0, nullable=True)  # <= 0 would reverse or stop updates
    _number(t, "divergence_factor", low=1, nullable=True)
    _positive_int(t, "epochs")
    for key in ("sample_prompts", "sample_max_new_tokens"):
        _positive_int(t, key)
    for key in ("checkpoint_every", "max_steps", "eval_max_examples", "eval_every", "sample_every"):
        _positive_int(t, key, nullable=True)
    if not (isinstance(t.warmup_steps, int) and t.warmup_steps >= 0):
        raise ConfigError(f"trainer.warmup_steps={t.warmup_steps}: must be an integer >= 0")
    chunk = t.logits_chunk_tokens  # the schema types it: only its sign is left to check
    if chunk is not None and chunk < 0:
        raise ConfigError(
            f"trainer.logits_chunk_tokens={chunk}: must be an integer >= 0 (0 or null: unchunked)"
        )


def _positive_int(
    group: DictConfig, key: str, nullable: bool = False, where: str = "trainer"
) -> None:
    """group[key] (the key `where.key`) is an integer > 0 (or null if `nullable`)."""
    value = group[key]
    if value is None and nullable:
        return
    if isinstance(value, bool) or not (isinstance(value, int) and value > 0):
        hint = " or null" if nullable else ""
        raise ConfigError(f"{where}.{key}={value}: must be a positive integer{hint}")


def _number(
    group: DictConfig,
    key: str,
    low: float,
    inclusive: bool = False,
    nullable: bool = False,
    where: str = "trainer",
) -> None:
    """group[key] is a finite number above `low` (or equal to it if `inclusive`; or null)."""
    value = group[key]
    if value is None and nullable:
        return
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < low or (value == low and not inclusive):
        bound = f">= {low}" if inclusive else f"> {low}"
        hint = " (or null)" if nullable else ""
        raise ConfigError(f"{where}.{key}={value}: must be a finite number {bound}{hint}")


def _check_model(m: DictConfig) -> None:
    check_available(m.attn_implementation, cuda=torch.cuda.is_available())
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
