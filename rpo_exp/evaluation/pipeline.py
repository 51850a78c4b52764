"""The win-rate evaluation of a trained policy (paper Table 6, Appendix F), used by
`rpo_exp.evaluate` and `rpo_exp.study`: `policy_and_dataset` loads the run's policy and its
held-out prompts, `generations` samples responses, `judge_for` picks the judge, and `evaluate`
has it pick between each response and the dataset's preferred one (or another run's,
`eval.against`), shown in a seeded random order, then reports the win rate (ties half) with a
bootstrap 95% interval (`report` formats it).

Writes to `<run dir>/eval/` (else the Hydra run dir): `generations.jsonl` (reused while the
model and sampling settings match, so judging can rerun without sampling), `judgments.jsonl`,
`win_rate.json` (`win_rate_vs_<run>.json` head to head), `record.json` (judge, endpoint, prompt
hash, settings, package versions) and `alpaca_eval_outputs.json` (AlpacaEval's model-outputs
format).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import logging
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from omegaconf import DictConfig, OmegaConf
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from rpo_exp.common.cache import digest
from rpo_exp.common.choice import distinct_choice, numpy_permutation
from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.common.files import atomic_dir, files_stamp
from rpo_exp.common.modeldir import check_model_dir
from rpo_exp.common.paths import cache_dir
from rpo_exp.data.loading import FORMATS, load_split
from rpo_exp.data.records import Example, Prompt
from rpo_exp.data.rendering import prompt_format
from rpo_exp.evaluation.divergence import sampled_kl
from rpo_exp.evaluation.generation import Engine, generate
from rpo_exp.evaluation.judging.client import Judge, render
from rpo_exp.evaluation.judging.reward import RewardJudge
from rpo_exp.evaluation.judging.server import gguf_file, local_server
from rpo_exp.evaluation.vllm_engine import VLLM
from rpo_exp.evaluation.winrate import win_rate
from rpo_exp.modeling.adapters import merge
from rpo_exp.modeling.models import DTYPES, inference_model, load_tokenizer, resolve_source

log = logging.getLogger("rpo_exp")
PACKAGES = (
    "rpo_exp", "torch", "transformers", "openai", "llama_cpp_python", "numpy", "alpaca_eval",
    "lm_eval", "scikit-learn",
)  # fmt: skip
GENERATION_KEYS = (
    "split", "max_prompt_length", "max_new_tokens", "temperature", "top_p", "stop", "seed",
    "batch_size",
)  # fmt: skip
OmegaConf.register_new_resolver(
    "eval_dir", lambda run_dir, default: f"{run_dir}/eval" if run_dir else default, replace=True
)


@dataclass
class Policy:
    """What generates: a run's `final/` model, or a model config (`model=`)."""

    model: DictConfig
    name: str  # the generator's name in the outputs
    run_dir: Path | None = None
    initial: DictConfig | None = None  # a run's initial policy (None: the model itself)
    seed: int = 0  # the run's seed (a randomly initialised initial policy is drawn with it)


@dataclass
class Row:
    """A held-out prompt: its test-split index, the prompt, its text for the judge, and the
    dataset's preferred response."""

    index: int
    prompt: Prompt
    query: str
    preferred: str


def run_policy(run_dir: str, key: str = "run_dir") -> tuple[Policy, DictConfig]:
    """(the policy a training run saved, that run's config); `key` names the setting in errors."""
    path = Path(run_dir)
    saved = path / ".hydra" / "config.yaml"
    weights = [path / "final" / name for name in ("config.json", "adapter_config.json")]
    if not any(w.is_file() for w in weights) or not saved.is_file():
        raise ConfigError(
            f"{key}={run_dir}: not a finished training run (expected final/config.json, or "
            "final/adapter_config.json for peft=lora, and .hydra/config.yaml, written by "
            "`python -m rpo_exp.train`)"
        )  # an adapter dir loads as its base + adapter (transformers' peft integration)
    check_model_dir(str(path / "final"), key, tokenizer=True)  # before a judge server starts
    train_cfg = OmegaConf.load(saved)
    model = OmegaConf.merge(
        train_cfg.model,
        {
            "name_or_path": str(path / "final"),
            "tokenizer": None,
            "init_config": None,
            "revision": None,
        },
    )
    return Policy(model, str(path), path, train_cfg.model, train_cfg.get("seed", 0)), train_cfg


def evaluated_policy(cfg: DictConfig) -> tuple[Policy, DictConfig | None]:
    """What to evaluate: a run dir's policy with its training config, or `model=` (groups
    absent from the command line are absent from `cfg`) with None."""
    if cfg.run_dir:
        return run_policy(cfg.run_dir)
    if cfg.eval.get("against") == "initial":
        raise ConfigError(
            "eval.against=initial compares a training run with the policy it started from: "
            "give run_dir=<a training run's dir>"
        )
    model = cfg.get("model")
    if model is None:
        raise ConfigError(
            "nothing to evaluate: give run_dir=<a training run's dir>, or model=<name> "
            "(model.name_or_path=<hub id or local dir>) with dataset=<name>"
        )
    return Policy(model, model.name_or_path or model.name), None


def policy_and_dataset(cfg: DictConfig) -> tuple[Policy, DictConfig]:
    """What to evaluate (`evaluated_policy`), on which data: `dataset=`, else a run's own."""
    policy, train_cfg = evaluated_policy(cfg)
    dataset = cfg.get("dataset") or (train_cfg.dataset if train_cfg is not None else None)
    if dataset is None:
        raise ConfigError("model=... needs dataset=<name> (e.g. dataset=hh_sample)")
    return policy, dataset


def preferred(example: Example, form: str) -> str | None:
    """The dataset's preferred response: chosen (paired), best-scored (grouped), the response
    of a desirable item (unpaired; None for undesirable ones)."""
    if form == "unpaired":
        return example.responses[0] if example.desirable else None
    return example.responses[int(np.argmax(example.scores))]


def held_out(dataset: DictConfig, cfg: DictConfig) -> list[Row]:
    """`eval.num_samples` distinct prompts of the split, a seeded choice, each with its
    dataset's preferred response."""
    examples = load_split(dataset, cfg.split).examples
    form = FORMATS[dataset.format].form
    answers = [preferred(example, form) for example in examples]
    keys = [
        e.plain_prompt if r is not None else None for e, r in zip(examples, answers, strict=True)
    ]
    chosen = distinct_choice(keys, cfg.num_samples, cfg.seed, numpy_permutation)
    if not chosen:
        raise DataError(
            f"dataset {dataset.name} ({cfg.split}): no prompt with a preferred response"
        )
    if len(chosen) < cfg.num_samples:
        log.warning(
            "eval.num_samples=%d: the split has %d usable prompts", cfg.num_samples, len(chosen)
        )
    return [
        Row(i, examples[i].prompt, examples[i].plain_prompt.strip(), answers[i].strip())
        for i in chosen
    ]


def generation_meta(policy: Policy, dataset: DictConfig, rows: list[Row], cfg: DictConfig) -> dict:
    """What determines a policy's generations: model, weights, data, prompts and sampling
    settings (and the seed that draws a randomly initialised model)."""
    settings = OmegaConf.to_container(cfg, resolve=True)
    meta = {
        "model": OmegaConf.to_container(policy.model, resolve=True),
        "weights": files_stamp(Path(policy.model.name_or_path or "")),
        "dataset": OmegaConf.to_container(dataset, resolve=True),
        "indices": [row.index for row in rows],
    } | {key: settings[key] for key in GENERATION_KEYS}
    if policy.model.get("init_config"):
        meta["init_seed"] = policy.seed
    return json.loads(json.dumps(meta))  # as it reads back


def generations(
    policy: Policy,
    dataset: DictConfig,
    rows: list[Row],
    cfg: DictConfig,
    out: Path,
    model: PreTrainedModel | None = None,
) -> list[str]:
    """The policy's response to each row: read from `out/generations.jsonl` when it was written
    for the same model, prompts and settings (and not `eval.regenerate`), else sampled (by
    `model`, the policy already loaded, if given)."""
    path, meta_path = out / "generations.jsonl", out / "generations.meta.json"
    meta = generation_meta(policy, dataset, rows, cfg)
    reusable = not cfg.regenerate and path.exists() and meta_path.exists()
    if reusable and json.loads(meta_path.read_text()) == meta:
        log.info("%s: reusing %s", policy.name, path)
        return [json.loads(line)["response"] for line in path.read_text().splitlines()]
    tokenizer = load_tokenizer(policy.model)
    fmt = prompt_format(dataset, policy.model)  # as the policy was trained to read them
    prompts = [row.prompt for row in rows]
    started = time.perf_counter()
    engine = engine_for(policy, tokenizer, cfg, model)
    responses = generate(engine, tokenizer, prompts, cfg, fmt)
    log.info("%s: %d responses in %.1f s", policy.name, len(rows), time.perf_counter() - started)
    out.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        for row, response in zip(rows, responses, strict=True):
            record = {"index": row.index, "prompt": row.query, "response": response}
            f.write(json.dumps(record | {"preferred": row.preferred, "model": policy.name}) + "\n")
    meta_path.write_text(json.dumps(meta, indent=1))
    return responses


def engine_for(
    policy: Policy,
    tokenizer: PreTrainedTokenizerBase,
    cfg: DictConfig,
    model: PreTrainedModel | None = None,
) -> Engine:
    """What generates for `policy` under `eval.engine`: vLLM on its weights (`vllm_weights`),
    else `model` (the policy, if already loaded) or the policy loaded for inference."""
    if cfg.get("engine", "hf") == "vllm":
        return VLLM(vllm_weights(policy), policy.model.dtype)
    return (
        model if model is not None else inference_model(policy.model, len(tokenizer), policy.seed)
    )


def vllm_weights(policy: Policy) -> str:
    """The full weights vLLM loads: the policy's own (a GGUF in a package: its dequantized
    copy); for a LoRA run, its `final_merged/`, else base + adapter merged once into
    `$RPO_EXP_CACHE/models/merged/` (keyed by the adapter's files and `model.dtype`)."""
    if policy.model.get("init_config") is not None:
        raise ConfigError(
            "eval.engine=vllm loads weights from a directory or the hub; a randomly initialised "
            "model (model.init_config) has none: evaluate a training run's dir, or use "
            "eval.engine=hf"
        )
    source = resolve_source(str(policy.model.name_or_path))
    path = Path(source)
    if not (path / "adapter_config.json").is_file():
        return source
    if (path.parent / "final_merged" / "config.json").is_file():
        return str(path.parent / "final_merged")
    dtype = policy.model.dtype
    merged = cache_dir("models", "merged") / digest(str(path.resolve()), files_stamp(path), dtype)
    if not (merged / "config.json").is_file():
        log.info("merging the adapter %s into %s (once, for vLLM)", path, merged)
        with atomic_dir(merged) as tmp:
            merge(path, tmp, DTYPES[dtype])
    return str(merged)


@contextlib.contextmanager
def judge_for(cfg: DictConfig, out: Path):
    """A reachable Judge: the configured endpoint, or a local server started for the duration."""
    if cfg.name == "reward":
        yield RewardJudge(cfg)
        return
    with contextlib.ExitStack() as stack:
        if cfg.server is not None:
            gguf = gguf_file(cfg.server.model)
            base_url = stack.enter_context(local_server(cfg.server, gguf, out / "judge_server.log"))
            judge = Judge(cfg, base_url, gguf.name, f"{gguf.name}:{gguf.stat().st_size}")
        else:
            judge = Judge(cfg, cfg.base_url, cfg.model, cfg.model)
        judge.check_reachable()
        yield judge


def task_of(cfg: DictConfig, dataset: DictConfig) -> str:
    task = cfg.eval.task
    if task == "auto":
        return "summarization" if dataset.format == "tldr" else "dialogue"
    if task not in cfg.judge.prompts or task == "logprobs_instruction":
        raise ConfigError(f"eval.task={task}: expected auto, dialogue or summarization")
    return task


def judge_pairs(
    judge: Judge,
    template: str,
    rows: list[Row],
    ours: list[str],
    theirs: list[str],
    cfg: DictConfig,
) -> tuple[list[list[float | None]], list[dict]]:
    """Scores[i][r] of our response against theirs (1 win, 0.5 tie, 0 loss, None invalid) and
    one record per judgment. Repeat r draws the shown order of every pair afresh
    (seed [eval.seed, r]); identical responses tie without asking."""
    asks, records = [], []
    for r in range(cfg.judge_repeats):
        ours_first = np.random.default_rng([cfg.seed, r]).random(len(rows)) < 0.5
        for i, row in enumerate(rows):
            a, b = ours[i].strip(), theirs[i].strip()
            first, second = (a, b) if ours_first[i] else (b, a)
            records.append({"index": row.index, "repeat": r, "ours_first": bool(ours_first[i])})
            asks.append(None if a == b else render(template, row.query, first, second))
    judged = iter(judge.judge_all([p for p in asks if p is not None]))
    scores = [[None] * cfg.judge_repeats for _ in rows]
    for n, (record, prompt) in enumerate(zip(records, asks, strict=True)):
        i, r = n % len(rows), record["repeat"]
        if prompt is None:
            record |= {"verdict": 0.5, "identical": True}
            scores[i][r] = 0.5
            continue
        judgment = next(judged)
        verdict = judgment.verdict
        record |= {"replies": list(judgment.replies), "cached": judgment.cached}
        if verdict is None:
            record["verdict"] = None
            continue
        ours_pick = 1 if record["ours_first"] else 2
        score = 0.5 if verdict.pick == 0.5 else float(verdict.pick == ours_pick)
        record |= {"verdict": verdict.pick, "confidence": verdict.confidence, "score": score}
        scores[i][r] = score
    return scores, records


def versions() -> dict[str, str | None]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def evaluate(
    cfg: DictConfig, out: Path, judge: Judge | RewardJudge, initial: DictConfig | None = None
) -> dict:
    """Generate, judge with `judge` (`judge_for(cfg.judge, out)`) and score; returns the result
    also written to `win_rate*.json`. `initial`: the model `eval.against=initial` and `eval.kl`
    compare with (None: the one the run started from)."""
    policy, dataset = policy_and_dataset(cfg)
    if initial is not None:
        policy = replace(policy, initial=initial)
    if isinstance(judge, RewardJudge):
        return reward_evaluate(cfg, out, judge, policy, dataset)
    task = task_of(cfg, dataset)
    template = cfg.judge.prompts[task]
    rows = held_out(dataset, cfg.eval)
    ours, theirs, opponent, name = both_sides(cfg, policy, dataset, rows, out)
    sent = judge.requests
    scores, records = judge_pairs(judge, template, rows, ours, theirs, cfg.eval)
    requests = judge.requests - sent
    result = win_rate(scores, cfg.eval.bootstrap, cfg.eval.seed)
    confidences = [r["confidence"] for r in records if r.get("confidence") is not None]
    result |= {
        "model": policy.name,
        "against": opponent,
        "judge": judge.identity,
        "task": task,
        "requests": requests,
        "mean_confidence": float(np.mean(confidences)) if confidences else None,
    }
    judge_record = {
        "name": cfg.judge.name,
        "model": judge.model,
        "identity": judge.identity,
        "base_url": judge.base_url,
        "verdict": cfg.judge.verdict,
        "temperature": cfg.judge.temperature,
        "max_tokens": cfg.judge.max_tokens,
    }
    sha = hashlib.sha256(judge.instructed(template).encode()).hexdigest()
    extra = {"task": task, "template_sha256": sha}
    save_result(out, name, records, result, cfg, policy, dataset, opponent, judge_record, extra)
    outputs = [
        {"instruction": row.query, "output": response.strip(), "generator": policy.name}
        for row, response in zip(rows, ours, strict=True)
    ]
    (out / "alpaca_eval_outputs.json").write_text(json.dumps(outputs, indent=1))
    return result


def both_sides(
    cfg: DictConfig,
    policy: Policy,
    dataset: DictConfig,
    rows: list[Row],
    out: Path,
    model: PreTrainedModel | None = None,
) -> tuple[list[str], list[str], str, str]:
    """(the policy's responses, the opponent's, the opponent's name, the result's file stem):
    against the dataset's preferred responses (`eval.against` null), the run's initial policy's
    own samples (`initial`; sampled once per initial model and settings, in
    `$RPO_EXP_CACHE/generations`, and shared by every run that starts from it), or another
    run's generations (a run dir). `model`: the policy, if already loaded."""
    against = cfg.eval.against
    ours = generations(policy, dataset, rows, cfg.eval, out, model)
    if against is None:
        return ours, [row.preferred for row in rows], "preferred", "win_rate"
    if against == "initial":
        initial = Policy(policy.initial, "initial", seed=policy.seed)
        shared = cache_dir("generations", digest(generation_meta(initial, dataset, rows, cfg.eval)))
        theirs = generations(initial, dataset, rows, cfg.eval, shared)
        return ours, theirs, "initial", "win_rate_vs_initial"
    other = run_policy(against, "eval.against")[0]
    theirs = generations(other, dataset, rows, cfg.eval, other.run_dir / "eval")
    return ours, theirs, other.name, f"win_rate_vs_{other.run_dir.name}"


def reward_evaluate(
    cfg: DictConfig, out: Path, judge: RewardJudge, policy: Policy, dataset: DictConfig
) -> dict:
    """`evaluate` with `judge=reward`: each pair decided by the higher reward (ties half), the
    win rate with its bootstrap interval and both sides' mean reward; per prompt in
    `judgments*.jsonl`."""
    rows = held_out(dataset, cfg.eval)
    tokenizer = load_tokenizer(policy.model)
    kl_wanted = cfg.eval.get("kl")
    load = functools.partial(inference_model, policy.model, len(tokenizer), policy.seed)
    # eval.kl scores the policy's samples under it: with the hf engine, one load for both
    model = load() if kl_wanted and cfg.eval.get("engine", "hf") == "hf" else None
    ours, theirs, opponent, name = both_sides(cfg, policy, dataset, rows, out, model)
    computed = judge.computed
    scores, records, means = judge.judge_pairs(
        [row.prompt for row in rows], [row.index for row in rows], ours, theirs
    )
    for record, mine, other in zip(records, ours, theirs, strict=True):
        record |= {"response": mine, "response_against": other}
    result = win_rate(scores, cfg.eval.bootstrap, cfg.eval.seed)
    if kl_wanted:  # every evaluated run a point (KL, reward)
        model = load() if model is None else model
        fmt = prompt_format(dataset, policy.model)
        kl = sampled_kl(
            model, policy.initial or policy.model, tokenizer,
            [row.prompt for row in rows], ours, cfg.eval, fmt, policy.seed,
        )  # fmt: skip
        per_prompt = kl.pop("kl_per_prompt")
        for position, record in enumerate(records):
            record["log_ratio"] = per_prompt.get(position)
        result |= kl
    result |= means | {"model": policy.name, "against": opponent, "judge": judge.identity}
    result |= {"requests": 0, "rewards_computed": judge.computed - computed}
    judge_record = {"name": "reward", "identity": judge.identity}
    save_result(out, name, records, result, cfg, policy, dataset, opponent, judge_record)
    return result


def save_result(
    out: Path,
    name: str,
    records: list[dict],
    result: dict,
    cfg: DictConfig,
    policy: Policy,
    dataset: DictConfig,
    opponent: str,
    judge: dict,
    extra: dict | None = None,
) -> None:
    """`judgments*.jsonl` (one record per judgment), `win_rate*.json` (`result`) and
    `record*.json` (what was evaluated, by which judge, with which settings and versions)."""
    with (out / f"{name.replace('win_rate', 'judgments')}.jsonl").open("w") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)
    (out / f"{name}.json").write_text(json.dumps(result, indent=2))
    record = {
        "model": policy.name,
        "dataset": OmegaConf.to_container(dataset, resolve=True),
        "against": opponent,
        "judge": judge,
        **(extra or {}),
        "eval": OmegaConf.to_container(cfg.eval, resolve=True),
        "versions": versions(),
        "command": sys.argv,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (out / f"{name.replace('win_rate', 'record')}.json").write_text(json.dumps(record, indent=2))


def report(result: dict) -> str:
    if result["win_rate"] is None:
        return f"win rate vs {result['against']}: no valid verdict ({result['invalid']} invalid)"
    line = (
        f"win rate vs {result['against']}: {100 * result['win_rate']:.1f}% "
        f"[95% CI {100 * result['ci_low']:.1f}, {100 * result['ci_high']:.1f}] "
        f"(n={result['n']}, invalid {result['invalid']}, ties {result['ties']}, "
        f"judge {result['judge']}, {result['requests']} requests)"
    )
    if "mean_reward" in result:
        line += f"; mean reward {result['mean_reward']:.4f} vs {result['mean_reward_against']:.4f}"
    if result["repeats"] > 1:
        each = ", ".join("-" if x is None else f"{100 * x:.1f}" for x in result["repeat_win_rates"])
        line += f"; per repeat: {each} (std {100 * result['repeat_std']:.1f})"
    return line
