"""The typed schema of every config group and of each command's top level, and every group's
defaults: each field's default (documented beside it) is the one default of its key. Each group
YAML extends its group's base (`defaults: [/base/<group>@_here_, _self_]`: the dataclass
defaults as plain values in Hydra's `ConfigStore`, group `base`) and sets only what differs.

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
from rpo_exp.common.errors import ConfigError
from rpo_exp.common.trees import flatten
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
from rpo_exp.losses.pairwise import F_DIVERGENCES
from rpo_exp.modeling.adapters import ADAPTERS
from rpo_exp.modeling.attention import IMPLEMENTATIONS
from rpo_exp.modeling.logprobs import CHUNK_TOKENS
from rpo_exp.modeling.models import DTYPES
from rpo_exp.training.layouts import UNPAIRED_BATCHES
from rpo_exp.training.objective import (
    LOSS_DTYPES,
    LOSS_FUNCTIONS,
    MIX,
    batch_tensors,
    hyperparameters,
)
from rpo_exp.training.precision import PRECISIONS
from rpo_exp.training.reference import KINDS as REFERENCE_KINDS
from rpo_exp.training.strategy import STRATEGIES
from rpo_exp.training.trainer import OPTIMIZERS, WARMUPS


def choices(name: str, values) -> type[Enum]:
    """An Enum whose members are named by `values` (OmegaConf validates enum fields by name)."""
    return Enum(name, {v: v for v in values})


Dtype = choices("Dtype", DTYPES)
Attention = choices("Attention", IMPLEMENTATIONS)
Optimizer = choices("Optimizer", OPTIMIZERS)
Precision = choices("Precision", PRECISIONS)
Resume = choices("Resume", ("auto", "never"))
Strategy = choices("Strategy", STRATEGIES)
Adapter = choices("Adapter", ADAPTERS)
ReferenceName = choices("ReferenceName", REFERENCE_KINDS)
IterateReference = choices("IterateReference", ("initial", "previous"))
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
FDivergence = choices("FDivergence", F_DIVERGENCES)
Split = choices("Split", ("train", "test"))
Engine = choices("Engine", ("hf", "vllm"))  # rpo_exp.evaluation.generation.ENGINES
Task = choices("Task", ("auto", "dialogue", "summarization"))
Verdict = choices("Verdict", ("text", "logprobs"))
JudgeName = choices("JudgeName", ("openai", "local"))
BenchmarkName = choices(
    "BenchmarkName", ("hh_winrate", "mt_bench", "arena_hard", "alpaca_eval2", "leaderboard")
)
RewardName = choices("RewardName", ("sentiment", "reward_model"))  # rpo_exp.evaluation.rewards
LoggerName = choices("LoggerName", ("wandb", "none"))
LoggerMode = choices("LoggerMode", ("offline", "online", "disabled"))
STOP = ["\n\nHuman:", "\n\nAssistant:"]


@dataclass
class ModelSchema:  # conf/model/
    name: str
    name_or_path: str | None = None  # a hub id, a local dir or a pkg:// GGUF; null: init_config
    tokenizer: str | None = None  # null: the model's own
    revision: str | None = None  # hub revision (commit, tag or branch); null: the default branch
    dtype: Dtype = Dtype["float32"]  # the weights' dtype; final/ is written in it
    attn_implementation: Attention = Attention["sdpa"]  # docs/method.md, "Packed batches"
    prompt_format: PromptFormat = PromptFormat["raw"]  # how datasets with prompt_format null render
    init_config: dict[str, Any] | None = None  # a dict builds a randomly initialised model of it


@dataclass
class TrainerSchema:  # conf/trainer/: default (the CPU run), paper (RPO paper Table 6)
    batch_size: int = 8  # the global batch (every rank together)
    micro_batch_size: int = 8  # bounds memory; the same loss and gradients as one batch
    forward_batch_size: int = 32  # sequences per no-grad forward (reference log-probs, eval)
    lr: float = 5e-6
    optimizer: Optimizer = Optimizer["rmsprop"]  # rmsprop | adamw
    weight_decay: float = 0.0
    # a transformers.get_scheduler name that needs no metric or extra argument (linear, ...)
    lr_scheduler: str = "constant_with_warmup"
    warmup_steps: int = 0
    max_grad_norm: float | None = 10.0  # null: no clipping
    max_steps: int | None = None  # null: run trainer.epochs epochs
    epochs: int = 1
    max_prompt_length: int = 256  # tokens
    max_length: int = 512  # tokens, prompt + response
    eval_max_examples: int | None = None  # seeded subset of the test split evaluated; null: all
    checkpoint_every: int | None = None  # steps between checkpoints (model, optimizer, RNG)
    resume: Resume = Resume["auto"]  # auto: continue from the newest valid checkpoint | never
    overwrite: bool = False  # true: a rerun into a finished run dir starts afresh (else refused)
    divergence_factor: float | None = 100.0  # stop when loss or grad norm exceeds this many
    # times its first value; null: never
    precision: Precision = Precision["auto"]  # auto (bf16-mixed for bfloat16 models, else fp32)
    gradient_checkpointing: bool = False  # recompute activations in backward (same gradients)
    strategy: Strategy = Strategy["ddp"]  # ddp: every rank holds the model | fsdp: FSDP2 shards it
    # response tokens per chunk of LM head + fp32 log-softmax (same log-probs and gradients);
    # 0 or null: all at once (docs/method.md, "Precision and memory")
    logits_chunk_tokens: int | None = CHUNK_TOKENS
    eval_every: int | None = None  # steps between held-out evaluations (besides 0 and the end)
    sample_every: int | None = None  # steps between greedy samples of held-out prompts
    sample_prompts: int = 4  # how many held-out prompts (a fixed seeded choice) are sampled
    sample_max_new_tokens: int = 48


@dataclass
class DatasetSchema:  # conf/dataset/
    name: str
    format: str  # the raw-schema parser in rpo_exp.data.loading (FORMATS)
    hub_id: str | None = None  # a Hub dataset id, or a local dir in the Hub's layout
    hub_config: str | None = None
    revision: str | None = None  # hub revision (commit, tag or branch); null: the default branch
    # {train: <split>, test: <split>}; test null: split train by test_size
    hub_splits: dict[str, str | None] = field(
        default_factory=lambda: {"train": "train", "test": "test"}
    )
    sample: str | None = None  # a shipped sample folder under rpo_exp/data/samples/
    path: str | None = None  # local JSONL/JSON/Parquet file in the raw schema (over hub_id)
    test_path: str | None = None  # local test file; null: `path` split by test_size (seeded)
    test_size: float = 0.1
    on_bad_row: BadRow = BadRow["error"]  # error: stop, naming file and line | skip: count, log
    pairing: Pairing = Pairing["best_vs_random"]  # grouped data for pairwise losses
    max_train_examples: int | None = None
    max_test_examples: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # {schema name: the data's name}
    # raw | chat_template | released (docs/method.md, "Prompt formats"); null: model.prompt_format
    prompt_format: PromptFormat | None = None


@dataclass
class EmbedderSchema:  # conf/embedder/
    name: str
    name_or_path: str | None = None  # a sentence-transformers dir, hub id or pkg:// path
    zip_parts: list[str] | None = None  # a zip in parts, unpacked once into $RPO_EXP_CACHE
    batch_size: int = 64
    text: EmbedText = EmbedText["rendered"]  # the prompt as the policy reads it, or raw


@dataclass
class PeftSchema:  # conf/peft/; docs/method.md, "Adapters"
    name: Adapter = Adapter["none"]
    r: int = 16
    alpha: float = 32.0
    dropout: float = 0.0  # > 0 needs trainer.micro_batch_size = trainer.batch_size
    target_modules: Any = None  # a list of module names, or peft's "all-linear"
    merge: bool = False  # true: also write base + adapter merged into final_merged/


@dataclass
class ReferenceSchema:  # conf/reference/; docs/method.md, "The reference model"
    name: ReferenceName = ReferenceName["initial"]  # initial | model | none
    name_or_path: str | None = None  # reference=model: a model, adapter or run dir, or hub id
    revision: str | None = None  # reference=model from the hub: a branch, tag or commit
    sync_steps: int = 0  # TR-DPO: > 0 syncs the reference to the policy every N updates
    mixup_alpha: float = 1.0  # TR-DPO: ref <- alpha * policy + (1 - alpha) * ref (1: hard)


@dataclass
class LoggerSchema:  # conf/logger/
    name: LoggerName = LoggerName["wandb"]
    mode: LoggerMode = LoggerMode["offline"]
    project: str = "rpo_exp"
    entity: str | None = None  # null: the API key's default entity
    group: str | None = None  # null: the experiment's name (experiment=...), else the sweep dir
    tags: list[str] = field(default_factory=list)  # extra tags, e.g. logger.tags=[first_try]


@dataclass
class EvalSchema:  # conf/eval/ (paper Table 6 / Appendix F: 256 comparisons, temperature 0)
    num_samples: int = 256  # held-out prompts (distinct), a seeded choice from the split
    split: Split = Split["test"]
    engine: Engine = Engine["hf"]  # hf (transformers generate) | vllm (make install-vllm)
    batch_size: int = 8  # prompts per generate() call
    max_prompt_length: int = 256  # tokens; longer prompts are cut from the left, as in training
    max_new_tokens: int = 128
    temperature: float = 0.0  # 0: greedy
    top_p: float = 1.0  # temperature > 0 only
    stop: list[str] = field(default_factory=lambda: list(STOP))  # a response ends before these
    seed: int = 0  # prompt choice, sampling, order draws, bootstrap
    task: Task = Task["auto"]  # dialogue | summarization | auto (summarization for TL;DR)
    # null: the dataset's preferred response | initial: the run's initial policy's own samples |
    # a run dir: its generations
    against: str | None = None
    judge_repeats: int = 1  # judge each pair R times with fresh order draws; spread reported
    bootstrap: int = 10000  # resamples for the 95% interval
    kl: bool = False  # judge=reward: also estimate KL(policy || initial) (temperature > 0)
    regenerate: bool = False  # true: sample again even when eval/generations.jsonl matches


@dataclass
class JudgeServerSchema:  # judge=local's server
    model: str  # a .gguf file, or a dir holding one
    n_ctx: int = 2048
    n_threads: int | None = None  # null: all cores
    start_timeout: float = 180.0  # seconds to wait for the server to answer


@dataclass
class JudgeSchema:  # judge=openai | local
    name: JudgeName = JudgeName["openai"]
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = None  # the environment variable holding the key
    verdict: Verdict = Verdict["text"]  # text: parse the reply | logprobs: P("1") vs P("2")
    temperature: float = 0.0
    max_tokens: int = 64  # text replies; logprobs reads one token
    top_logprobs: int = 20
    attempts: int = 3  # requests per comparison while the reply is unparseable, then invalid
    max_retries: int = 6  # the client's own retries, exponential backoff, on rate limits and 5xx
    timeout: float = 120.0  # seconds per request
    connect_timeout: float = 10.0  # seconds for the reachability check before judging
    concurrency: int = 8  # requests in flight
    server: JudgeServerSchema | None = None  # judge=local: the server the evaluator starts
    prompts: dict[str, str] = field(default_factory=dict)


@dataclass
class BenchmarkSchema:  # conf/benchmark/ (docs/method.md, "Evaluation benchmarks")
    name: BenchmarkName = BenchmarkName["hh_winrate"]  # hh_winrate: the papers' HH win rate
    path: str | None = None  # the question file, in the benchmark's own published format
    reference_path: str | None = None  # mt_bench: reference answers (reference_answer/*.jsonl)
    baseline_path: str | None = None  # arena_hard: the baseline's answers (model_answer/*.jsonl)
    baseline_model: str | None = None  # arena_hard: the baseline's name
    hub: str | None = None  # alpaca_eval2: the evaluation set's hub dataset (path=null)
    revision: str | None = None  # ... at this revision (a commit, a tag, main)
    annotator: str | None = None  # alpaca_eval2: an alpaca_eval annotator config's name
    max_new_tokens: int = 1024  # per answer (turn)
    max_prompt_length: int = 4096  # tokens of a turn's prompt (the conversation so far)
    temperature: float | None = None  # sampling (0: greedy)
    temperatures: dict[str, float] = field(default_factory=dict)  # mt_bench: per category
    reference_categories: list[str] = field(default_factory=list)  # graded against a reference
    judge_max_tokens: int = 2048  # the judge's reply (its explanation, then the verdict)
    judge_attempts: int | None = None  # arena_hard: replies per game while no verdict
    strong_weight: int | None = None  # arena_hard: battles a strong verdict (A>>B) counts for
    bootstrap_rounds: int | None = None  # arena_hard: resamples for the 95% interval
    seed: int | None = None  # arena_hard: the bootstrap's numpy seed
    prompts: dict[str, Any] = field(default_factory=dict)  # the judge prompts, verbatim
    tasks: dict[str, Any] = field(default_factory=dict)  # leaderboard: task -> shots, metric
    include_path: str | None = None  # leaderboard: a folder of extra lm-eval task YAMLs
    limit: int | None = None  # leaderboard: examples per task (null: all)
    batch_size: int = 8  # leaderboard: lm-eval's batch size
    dry_run: bool = False  # true: print what would be generated and asked, then stop


@dataclass
class RewardSchema:  # conf/reward/
    name: RewardName = RewardName["sentiment"]
    name_or_path: str | None = None  # reward_model: a hub id or a local dir
    dtype: Dtype = Dtype["bfloat16"]
    batch_size: int = 8  # sequences per forward
    max_length: int = 1024  # tokens


@dataclass
class RewardJudgeSchema:  # judge=reward
    name: str = "reward"
    reward: RewardSchema = field(default_factory=RewardSchema)


@dataclass
class OnpolicySchema:  # conf/onpolicy.yaml's onpolicy
    k: int = 4  # responses per prompt (>= 2)
    max_prompts: int | None = None  # per split; null: every distinct prompt
    max_test_prompts: int | None = None  # the test split's; null: as max_prompts
    temperature: float = 1.0  # > 0: K different samples
    top_p: float = 1.0
    max_new_tokens: int = 32
    max_prompt_length: int = 256  # tokens; longer prompts are cut from the left, as in training
    batch_size: int = 8  # sequences per generate() call
    stop: list[str] = field(default_factory=lambda: list(STOP))  # a response ends before these
    seed: int = 0
    engine: Engine = Engine["hf"]  # hf (transformers generate) | vllm (make install-vllm)
    overwrite: bool = False  # true: replace data of another config in the output dir


@dataclass
class StudyIterativeSchema:  # conf/study.yaml's study.iterative: the iterative arm
    rounds: int = 0  # rounds of `rpo_exp.iterate` per seed; 0: no iterative arm
    loss: str = "dpo"  # each round's loss (a conf/loss/ name)
    beta: float | None = None  # its loss.beta (null: the loss's default)
    reference: IterateReference = IterateReference["initial"]  # as iterate.reference


@dataclass
class StudySchema:  # conf/study.yaml's study
    losses: list[str] = field(default_factory=list)
    betas: dict[str, list[float]] = field(default_factory=dict)  # each loss's loss.beta values
    seeds: list[int] = field(default_factory=list)
    steps: int = 10  # training steps, the same for every run
    prompts_per_step: int = 8  # prompts a training step (trainer.batch_size of every run)
    train: list[str] = field(default_factory=list)  # more overrides for every training run
    iterative: StudyIterativeSchema = field(default_factory=StudyIterativeSchema)


@dataclass
class IterateSchema:  # conf/iterate.yaml's iterate; docs/method.md, "Iterative on-policy rounds"
    loss: str = "dpo"  # each round's loss (a conf/loss/ name)
    # initial: round 1's policy is every round's reference; previous: each round's start
    reference: IterateReference = IterateReference["initial"]
    steps: int | None = None  # trainer.max_steps of each round; null: one epoch of its data
    prompts_per_step: int = 8  # trainer.batch_size of each round
    train: list[str] = field(default_factory=list)  # more overrides for every round's run


@dataclass
class ProtocolSchema:  # conf/protocol/{paper,released}.yaml; docs/reproducing.md
    name: str
    contrast_block: int | None = None  # RPO's matrix: null = the whole global batch
    # unpaired contrast batches: stratified (the data's desirable share, spread evenly) | halves
    unpaired_batch: UnpairedBatch = UnpairedBatch["stratified"]
    hh_prompt_format: PromptFormat | None = None  # HH text: null = model.prompt_format
    # prompt_first: the prompt always cut to max_prompt_length, then the response
    truncation: Truncation = Truncation["prompt_first"]
    tau_unpaired: float = 0.75  # RPO's default tau on unpaired data (paired: 0.5)
    uniform_scale: WeightScale = WeightScale["row"]  # weighting=uniform: row = 1/N per entry
    # weighting=diagonal: logit = weights inside the log-sigmoid (Eq. 13-14)
    diagonal_weights_on: WeightsOn = WeightsOn["logit"]
    warmup: Warmup = Warmup["from_zero"]  # from_zero: lr at step k of w warmup steps lr*(k-1)/w
    # log-probs (rounded), RPO weights and loss arithmetic
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
    reference: Any = None  # initial | model | none (conf/reference/)
    trainer: Any = None
    logger: Any = None
    protocol: Any = None  # paper | released (conf/protocol/)
    seed: int = 0
    experiment: str | None = None  # set by experiment=NAME


@dataclass
class EvaluateTop:  # conf/evaluate.yaml
    benchmark: Any = None
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


@dataclass
class IterateTop(OnpolicyTop):  # conf/iterate.yaml
    iterate: Any = None
    rounds: int = 2  # sample, score, train: this many times
    seed: int = 0  # training's, and round r samples with onpolicy.seed + r - 1


TOP_LEVEL = {
    "train": TrainTop,
    "evaluate": EvaluateTop,
    "onpolicy": OnpolicyTop,
    "study": StudyTop,
    "iterate": IterateTop,
}
GROUPS = {  # the groups of a fixed schema (loss and judge: `group_schema`)
    "model": ModelSchema,
    "trainer": TrainerSchema,
    "dataset": DatasetSchema,
    "embedder": EmbedderSchema,
    "peft": PeftSchema,
    "reference": ReferenceSchema,
    "logger": LoggerSchema,
    "eval": EvalSchema,
    "benchmark": BenchmarkSchema,
    "reward": RewardSchema,
    "onpolicy": OnpolicySchema,
    "study": StudySchema,
    "iterate": IterateSchema,
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


def base_node(schema: type) -> DictConfig:
    """The defaults of `schema` as plain values (enums by name, MISSING where there is no
    default): the base each group YAML extends, so that composition stays untyped and
    `check_schema` alone reports wrong keys and types."""
    return OmegaConf.create(_plain(schema))


def _plain(schema: type) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(schema):
        if f.default is not dataclasses.MISSING:
            value = f.default
        elif f.default_factory is not dataclasses.MISSING:
            value = f.default_factory()
        else:
            value = "???"
        out[f.name] = _value(value)
    return out


def _value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.name
    if dataclasses.is_dataclass(value):
        return {f.name: _value(getattr(value, f.name)) for f in fields(value)}
    return value


# conf/<group>/*.yaml: `- /base/<group>@_here_`; judge=local's server: `- /base/judge_server@server`
BASES = {**GROUPS, "judge": JudgeSchema, "judge_server": JudgeServerSchema}
for _group, _schema in BASES.items():
    ConfigStore.instance().store(group="base", name=_group, node=base_node(_schema))


MOVED = {  # old key -> its name now: the old one is refused, naming the new one
    "trainer.eval_batch_size": "trainer.forward_batch_size",
    "study.batch_size": "study.prompts_per_step",
    "contrast_block": "protocol.contrast_block",
    "loss.contrast_block": "protocol.contrast_block",
    "dataset.unpaired": "loss.unpaired",
}


def moved_key(old: str, new: str, value: object) -> str:
    """The refusal of key `old` set to `value`, which is `new` now."""
    shown = str(value).lower() if isinstance(value, bool) else value
    return f"{old} is {new} now: set {new}={shown}"


def moved_problem(override: str) -> str | None:
    """What is wrong with a command-line override of a key of `MOVED` (Hydra would say only
    that the old key is not in the config); else None."""
    key, _, value = override.lstrip("+~").partition("=")
    return moved_key(key, MOVED[key], value) if key in MOVED else None


LOSS_ENUMS = {
    "weights_on": WeightsOn,
    "variant": SwepoVariant,
    "weighting": Weighting,
    "weight_scale": WeightScale,
    "f_divergence": FDivergence,
}
_ABSENT = object()
DEFAULT_TAU = "${default_tau:${dataset.format},${loss.unpaired},${protocol.tau_unpaired}}"


def loss_fields(fn_name: str) -> list[tuple]:
    """The `loss` keys of the loss function `fn_name` (docs/method.md): `name`, `fn`, its
    hyperparameters (typed by its annotations, defaults from its signature), for a loss that
    takes weights `contrast_weights`' options and `unpaired` (pairs as independent items,
    M x N), `gather` (docs/method.md, "Multi-process training"), `sft_weight` (the chosen
    responses' NLL added, docs/method.md, "Combined losses"), `ld_alpha` (LD-DPO's weight of
    the tokens past a pair's shared length, docs/method.md, "Length-desensitized log-probs") and
    `wpo` (WPO's weights on each pair's loss, docs/method.md, "WPO weighting")."""
    rows = [("name", str), ("fn", str), *_parameter_fields(getattr(losses, fn_name))]
    if _takes_weights(fn_name):
        rows += _parameter_fields(contrast_weights, WEIGHTING_OPTIONS)
        rows.append(("unpaired", bool, field(default=False)))
    return [
        *rows,
        ("gather", bool, field(default=True)),
        ("sft_weight", float, field(default=0.0)),
        ("ld_alpha", float | None, field(default=None)),
        ("wpo", bool, field(default=False)),
    ]


@dataclass
class MixSchema:  # loss=mix (docs/method.md, "Combined losses")
    name: str = "mix"
    fn: str = MIX
    terms: list[str] = field(default_factory=lambda: ["dpo", "sft"])  # loss functions, by loss name
    weights: list[float] = field(default_factory=lambda: [1.0, 1.0])  # one per term
    beta: float = 0.1  # shared by every term that takes a beta
    options: dict[str, Any] = field(default_factory=dict)  # other shared hyperparameters
    gather: bool = True
    sft_weight: float = 0.0
    ld_alpha: float | None = None
    wpo: bool = False


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
ConfigStore.instance().store(
    group="loss/fn", name=MIX, node=dataclasses.asdict(MixSchema()) | {"name": MISSING}
)


def group_schema(group: str, node: DictConfig) -> type | None:
    """The schema `node` (the composed `group`) merges into; None when it has none here (a
    loss.fn that is no loss function: `Objective.from_config` says so)."""
    if group == "loss":
        if node.get("fn") == MIX:
            return MixSchema
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


def schema_defaults(cfg: DictConfig) -> dict[str, Any]:
    """The schema's default of every key of `cfg`'s groups (for its choice of each group: the
    loss function's own keys), flattened to `group.key`: what a config written before a key
    existed meant by it."""
    defaults: dict[str, Any] = {}
    for group in cfg:
        node = cfg[group]
        schema = group_schema(group, node) if isinstance(node, DictConfig) else None
        if schema is not None:
            values = OmegaConf.to_container(OmegaConf.structured(schema), enum_to_str=True)
            defaults |= flatten({group: values})
    return defaults


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
