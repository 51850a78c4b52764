"""What every judged benchmark shares (docs/method.md, "Evaluation benchmarks"): its question
files read with errors that name the line, the policy's answers generated once and reused while
nothing that determines them changed, and the record of how a result was obtained."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.common.files import files_stamp, sha256_file
from rpo_exp.data.records import Message
from rpo_exp.data.rendering import prompt_format
from rpo_exp.evaluation.generation import generate
from rpo_exp.evaluation.judging.client import Judge
from rpo_exp.evaluation.pipeline import Policy, engine_for, versions
from rpo_exp.modeling.models import load_tokenizer

log = logging.getLogger("rpo_exp")


def read_jsonl(path: Path, key: str) -> list[tuple[int, dict]]:
    """(line number, row) of each non-blank line of `path`; a missing file or a line that is
    not a JSON object fails naming `key`, the file and the line."""
    if not path.is_file():
        raise ConfigError(f"{key}={path}: no such file")
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(f"{path}:{number}: not JSON ({err.msg})") from None
        if not isinstance(row, dict):
            raise DataError(f"{path}:{number}: expected a JSON object, got {type(row).__name__}")
        rows.append((number, row))
    return rows


def is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def conversation(fmt: str, *turns: tuple[str, str]) -> str | tuple[Message, ...]:
    """The prompt of a conversation so far, (role, content) turns ending with a user turn: chat
    messages, or under `released` (HH-trained policies) the HH transcript."""
    if fmt != "released":
        return tuple(turns)
    text = "".join(f"\n\n{'Human' if role == 'user' else 'Assistant'}: {c}" for role, c in turns)
    return text + "\n\nAssistant:"


class Answerer:
    """The policy's answers to a benchmark's prompts, at the benchmark's sampling settings
    (`benchmark.max_new_tokens`, `benchmark.max_prompt_length`, a temperature per call; top-p,
    seed, stop strings and engine from `eval`). The model loads on the first call."""

    def __init__(self, policy: Policy, train_dataset: DictConfig | None, cfg: DictConfig):
        self.policy, self.cfg = policy, cfg
        self.fmt = prompt_format(train_dataset or OmegaConf.create({}), policy.model)
        self._engine = self._tokenizer = None

    def __call__(self, prompts: list[str | tuple[Message, ...]], temperature: float) -> list[str]:
        if self._engine is None:
            self._tokenizer = load_tokenizer(self.policy.model)
            self._engine = engine_for(self.policy, self._tokenizer, self.cfg.eval)
        bench = self.cfg.benchmark
        settings = OmegaConf.merge(
            self.cfg.eval,
            {
                "temperature": temperature,
                "max_new_tokens": bench.max_new_tokens,
                "max_prompt_length": bench.max_prompt_length,
            },
        )
        texts = generate(self._engine, self._tokenizer, prompts, settings, self.fmt)
        return [text.strip() for text in texts]


def answer_meta(policy: Policy, cfg: DictConfig, questions: object) -> dict:
    """What determines a policy's answers to a benchmark: model, weights, questions, the
    benchmark's sampling settings and the engine's."""
    bench = cfg.benchmark
    meta = {
        "model": OmegaConf.to_container(policy.model, resolve=True),
        "weights": files_stamp(Path(policy.model.name_or_path or "")),
        "init_seed": policy.seed,
        "questions": questions,
        "max_new_tokens": bench.max_new_tokens,
        "max_prompt_length": bench.max_prompt_length,
        "temperature": bench.temperature,
        "temperatures": OmegaConf.to_container(bench.temperatures),
        "eval": {k: cfg.eval[k] for k in ("engine", "top_p", "seed", "stop")},
    }
    return json.loads(json.dumps(meta, default=list))  # as it reads back


def cached_answers(
    policy: Policy, cfg: DictConfig, path: Path, meta: dict, make: Callable[[], list[dict]]
) -> list[dict]:
    """The rows of `path` (JSON lines, in the benchmark's own answer format) when they were
    written for the same `meta` (`answer_meta`) and not `eval.regenerate`; else `make()`'s rows,
    written there with their meta beside."""
    meta_path = path.with_suffix(".meta.json")
    reusable = not cfg.eval.regenerate and path.exists() and meta_path.exists()
    if reusable and json.loads(meta_path.read_text()) == meta:
        log.info("%s: reusing %s", policy.name, path)
        return [json.loads(line) for line in path.read_text().splitlines()]
    started = time.perf_counter()
    rows = make()
    log.info("%s: answered in %.1f s", policy.name, time.perf_counter() - started)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    meta_path.write_text(json.dumps(meta, indent=1))
    return rows


def file_stamp(path: str | None) -> dict | None:
    return {"path": str(path), "sha256": sha256_file(Path(path))} if path else None


def save(
    out: Path,
    cfg: DictConfig,
    policy: Policy,
    result: dict,
    judge: Judge | None,
    judgments: list[dict] | None = None,
    **files: object,
) -> dict:
    """A benchmark's outputs in `out`: `<benchmark>_judgments.jsonl` (if any), `<benchmark>.json`
    (`result`, returned) and `<benchmark>_record.json`: the question files (`file_stamp`), the
    judge, the judge prompts' sha256, every setting, package versions and the command."""
    name = cfg.benchmark.name
    out.mkdir(parents=True, exist_ok=True)
    if judgments is not None:
        with (out / f"{name}_judgments.jsonl").open("w") as f:
            f.writelines(json.dumps(j) + "\n" for j in judgments)
    (out / f"{name}.json").write_text(json.dumps(result, indent=2))
    bench = OmegaConf.to_container(cfg.benchmark, resolve=True)
    prompts = json.dumps(bench.get("prompts"), sort_keys=True).encode()
    record = {
        "model": policy.name,
        **files,
        "judge": judge
        and {"identity": judge.identity, "model": judge.model} | {"base_url": judge.base_url},
        "prompts_sha256": hashlib.sha256(prompts).hexdigest(),
        "benchmark": bench,
        "eval": OmegaConf.to_container(cfg.eval, resolve=True),
        "versions": versions(),
        "command": sys.argv,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (out / f"{name}_record.json").write_text(json.dumps(record, indent=2))
    return result
