"""AlpacaEval 2 (Dubois et al. 2024) through the `alpaca_eval` library itself (docs/method.md,
"Evaluation benchmarks"): the policy answers each instruction of the evaluation set, the
library's own annotator (`benchmark.annotator`, its prompt and parser as shipped; the paper's
`alpaca_eval_gpt4_turbo_fn` by default) compares each answer with the set's reference output,
and the library's own metric (`get_length_controlled_winrate`) gives the length-controlled win
rate, the raw win rate, their standard errors and the mean length. The annotator's requests go
to the judge's endpoint and model (`judge.base_url`, `judge.model`), so OpenAI, a served open
judge and `judge=local` all work; its verdicts are cached by the library under
`$RPO_EXP_CACHE/alpaca_eval/`, one file per annotator and judge (as the judge client's cache,
keyed by the judge's identity, not by its endpoint: a local server's port changes).

Writes to `<run dir>/eval/`: `alpaca_eval2_answers.jsonl` (AlpacaEval's model-outputs format,
reused while nothing that determines it changed), `alpaca_eval2/annotations.json` and
`alpaca_eval2/leaderboard.csv` (the library's own), `alpaca_eval2_annotator/` (the annotator
config it used), `alpaca_eval2.json` and `alpaca_eval2_record.json`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
from collections.abc import Iterator
from pathlib import Path

import yaml
from omegaconf import DictConfig

from rpo_exp.common.cache import digest
from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.common.paths import cache_dir
from rpo_exp.evaluation.answering import (
    Answerer,
    answer_meta,
    cached_answers,
    conversation,
    file_stamp,
    is_text,
    save,
)
from rpo_exp.evaluation.judging.client import Judge
from rpo_exp.evaluation.pipeline import Policy

log = logging.getLogger("rpo_exp")
HUB_FILE = "alpaca_eval_gpt4_baseline.json"  # instructions + gpt4_1106_preview's outputs


def library():
    """The `alpaca_eval` package (the `benchmarks` extra), imported on use: it is large."""
    try:
        import alpaca_eval.main
    except ImportError as err:
        raise ConfigError(
            f"benchmark=alpaca_eval2 needs the alpaca_eval library ({err}): "
            "pip install 'rpo_exp[benchmarks]' (make install-benchmarks)"
        ) from None
    return alpaca_eval


def evaluation_set(bench: DictConfig) -> tuple[Path, list[dict]]:
    """(the file, its rows): `benchmark.path` (AlpacaEval's evaluation-set format: a JSON list,
    or JSON lines, of instruction, output (the reference) and generator), else the hub's
    `benchmark.hub` file at `benchmark.revision`."""
    if bench.path:
        path = Path(bench.path)
        if not path.is_file():
            raise ConfigError(f"benchmark.path={path}: no such file")
    elif not bench.hub:
        raise ConfigError(
            "benchmark=alpaca_eval2 needs its evaluation set: benchmark.path=<a local "
            f"{HUB_FILE}> or benchmark.hub=tatsu-lab/alpaca_eval"
        )
    else:
        from huggingface_hub import hf_hub_download

        path = Path(
            hf_hub_download(bench.hub, HUB_FILE, repo_type="dataset", revision=bench.revision)
        )
    text = path.read_text()
    try:
        rows = json.loads(text) if text.lstrip().startswith("[") else None
        if rows is None:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as err:
        raise DataError(f"{path}:{err.lineno}: not JSON ({err.msg})") from None
    for number, row in enumerate(rows, 1):
        fields = isinstance(row, dict) and is_text(row.get("instruction"))
        if not (fields and isinstance(row.get("output"), str) and row.get("generator")):
            raise DataError(
                f"{path}: row {number}: expected instruction (non-empty), output (the reference "
                "answer) and generator (AlpacaEval's evaluation-set format)"
            )
    if not rows:
        raise DataError(f"{path}: holds no instruction")
    return path, rows


def load_questions(bench: DictConfig) -> list[dict]:
    return evaluation_set(bench)[1]


def annotator_config(bench: DictConfig, judge: Judge, out: Path) -> Path:
    """The library's `benchmark.annotator` config, as shipped except for where it sends its
    requests: the judge's model and endpoint (a client config beside it, with no key in it)
    and `judge.concurrency` requests at a time."""
    shipped = Path(library().__file__).parent / "evaluators_configs" / bench.annotator
    if not (shipped / "configs.yaml").is_file():
        known = sorted(p.name for p in shipped.parent.iterdir() if (p / "configs.yaml").is_file())
        raise ConfigError(
            f"benchmark.annotator={bench.annotator}: not an annotator of alpaca_eval; its "
            f"evaluators_configs/ holds {', '.join(known)}"
        )
    config = yaml.safe_load((shipped / "configs.yaml").read_text())
    folder = out / "alpaca_eval2_annotator" / bench.annotator
    folder.mkdir(parents=True, exist_ok=True)
    client = {"base_url": judge.base_url}
    if not judge.cfg.api_key_env:
        client["api_key"] = "none"  # a local server takes any key; the client needs one
    (folder / "client.yaml").write_text(yaml.safe_dump({"default": [client]}))
    for spec in config.values():
        spec["prompt_template"] = str(shipped.parent / spec["prompt_template"])
        spec["completions_kwargs"] |= {
            "model_name": judge.model,
            "client_config_path": str(folder / "client.yaml"),
            "num_procs": judge.cfg.concurrency,
        }
    (folder / "configs.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return folder / "configs.yaml"


@contextlib.contextmanager
def api_key(judge: Judge) -> Iterator[None]:
    """The judge's key where the library's OpenAI client reads it ($OPENAI_API_KEY), for the
    duration: the key is never written to a file."""
    name = judge.cfg.api_key_env
    if not name or name == "OPENAI_API_KEY":
        yield
        return
    before = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = os.environ[name]
    try:
        yield
    finally:
        if before is None:
            del os.environ["OPENAI_API_KEY"]
        else:
            os.environ["OPENAI_API_KEY"] = before


def plan(bench: DictConfig, rows: list[dict], judge_name: str) -> str:
    """What the run will cost, printed before any request (see `mt_bench.plan`)."""
    line = f"alpaca_eval2: {len(rows)} instructions, {len(rows)} answers to generate, "
    line += f"{len(rows)} annotator calls ({bench.annotator})"
    if judge_name == "openai":
        chars = sum(len(r["instruction"]) + len(r["output"]) for r in rows)
        tokens_in = chars // 4 + len(rows) * (bench.max_new_tokens + 400)  # + the template
        line += f"; judge tokens ~{tokens_in:,} in"
    return line


def evaluate(
    cfg: DictConfig, out: Path, judge: Judge, policy: Policy, train_dataset: DictConfig | None
) -> dict:
    """AlpacaEval 2 on `policy`: answers, the library's annotations and metric; the result is
    also written to `alpaca_eval2.json`."""
    bench = cfg.benchmark
    path, references = evaluation_set(bench)
    answer = Answerer(policy, train_dataset, cfg)

    def make() -> list[dict]:
        prompts = [conversation(answer.fmt, ("user", r["instruction"])) for r in references]
        texts = answer(prompts, bench.temperature)
        return [
            {"instruction": r["instruction"], "output": text, "generator": policy.name}
            | {"dataset": r.get("dataset", "")}
            for r, text in zip(references, texts, strict=True)
        ]

    meta = answer_meta(policy, cfg, [r["instruction"] for r in references])
    outputs = cached_answers(policy, cfg, out / "alpaca_eval2_answers.jsonl", meta, make)
    ae = library()
    config = annotator_config(bench, judge, out)
    cache = cache_dir("alpaca_eval") / (
        digest(bench.annotator, judge.identity, judge.model) + ".json"
    )
    cached = len(json.loads(cache.read_text())) if cache.is_file() else 0
    with api_key(judge):
        leaderboard, annotations = ae.main.evaluate(
            model_outputs=outputs,
            reference_outputs=references,
            annotators_config=str(config),
            name=policy.name,
            output_path=str(out / "alpaca_eval2"),
            precomputed_leaderboard=None,
            is_cache_leaderboard=False,
            is_return_instead_of_print=True,
            fn_metric="get_length_controlled_winrate",
            metric_kwargs={"save_weights_dir": None},
            caching_path=str(cache),
        )
    row = leaderboard.loc[policy.name].to_dict()
    preferences = ae.utils.convert_to_dataframe(annotations)["preference"]
    result = {
        "benchmark": "alpaca_eval2",
        "score": number(row["length_controlled_winrate"]),
        "lc_win_rate": number(row["length_controlled_winrate"]),
        "lc_standard_error": number(row["lc_standard_error"]),
        "win_rate": number(row["win_rate"]),
        "standard_error": number(row["standard_error"]),
        "n_total": int(preferences.notna().sum()),
        "invalid": int(preferences.isna().sum()),  # the annotator's reply read as no preference
        "avg_length": int(row["avg_length"]),
        "annotator": bench.annotator,
        "model": policy.name,
        "judge": judge.identity,
        "requests": len(json.loads(cache.read_text())) - cached if cache.is_file() else 0,
    }
    return save(
        out,
        cfg,
        policy,
        result,
        judge,
        questions=file_stamp(str(path)),
        annotator={"name": bench.annotator, "config": yaml.safe_load(config.read_text())},
    )


def number(value: float) -> float | None:
    """A metric of the library, or None where it has none (no valid annotation gives NaN)."""
    return None if value is None or math.isnan(value) else float(value)


def report(result: dict) -> str:
    if result["win_rate"] is None:
        return f"AlpacaEval 2: no valid annotation ({result['invalid']} invalid)"
    return (
        f"AlpacaEval 2: LC win rate {result['lc_win_rate']:.2f}% "
        f"(± {result['lc_standard_error']:.2f}), win rate {result['win_rate']:.2f}% "
        f"(± {result['standard_error']:.2f}), mean length {result['avg_length']}; "
        f"n={result['n_total']}, invalid {result['invalid']}, annotator {result['annotator']}, "
        f"judge {result['judge']}, {result['requests']} requests"
    )
