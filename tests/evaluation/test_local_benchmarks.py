"""The judged benchmarks with `judge=local` (`make test-slow`: llama-cpp-python's server, built
by `make install-judge`, serving the shipped SmolLM2-135M-Instruct): MT-Bench through the
project's judge client, AlpacaEval 2 through the alpaca_eval library's own annotator pointed at
the started server. The shipped judge is far too weak for meaningful numbers; these check that a
benchmark completes against a real served model, that every judgment is either read or counted
invalid (never a NaN), and that a rerun sends the server nothing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.evaluation.test_alpaca_eval2 import evaluation_set, hub_cache
from tests.evaluation.test_judge import evaluate_cli
from tests.evaluation.test_mt_bench import QUESTIONS, REFERENCES, write_jsonl

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp")


def finite_or_none(result: dict) -> bool:
    numbers = [v for v in result.values() if isinstance(v, float)]
    return all(math.isfinite(v) for v in numbers)


def test_mt_bench_with_the_local_judge(tmp_path: Path) -> None:
    args = [
        "model=tiny_llama",
        "benchmark=mt_bench",
        f"benchmark.path={write_jsonl(tmp_path / 'question.jsonl', QUESTIONS)}",
        f"benchmark.reference_path={write_jsonl(tmp_path / 'gpt-4.jsonl', REFERENCES)}",
        "benchmark.max_new_tokens=8",
        "benchmark.judge_max_tokens=32",
        "judge=local",
        "logger=none",
        f"hydra.run.dir={tmp_path / 'out'}",
    ]
    done = evaluate_cli(*args, cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "out" / "mt_bench.json").read_text())
    assert result["n"] + result["invalid"] == 6 and finite_or_none(result)
    assert result["requests"] >= 6
    again = evaluate_cli(*args, cache=tmp_path / "cache")
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads((tmp_path / "out" / "mt_bench.json").read_text())["requests"] == 0


def test_alpaca_eval2_with_the_local_judge(tmp_path: Path) -> None:
    env = {"HF_HUB_CACHE": str(hub_cache(tmp_path / "hub")), "HF_HUB_OFFLINE": "1"}
    args = [
        "model=tiny_llama",
        "benchmark=alpaca_eval2",
        f"benchmark.path={evaluation_set(tmp_path)}",
        "benchmark.annotator=weighted_alpaca_eval_gpt4_turbo",  # logprobs: the server has them
        "benchmark.max_new_tokens=8",
        "judge=local",
        "logger=none",
        f"hydra.run.dir={tmp_path / 'out'}",
    ]
    done = evaluate_cli(*args, cache=tmp_path / "cache", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "out" / "alpaca_eval2.json").read_text())
    assert result["n_total"] + result["invalid"] == 12 and finite_or_none(result)
    assert result["requests"] == 12
    again = evaluate_cli(*args, cache=tmp_path / "cache", env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads((tmp_path / "out" / "alpaca_eval2.json").read_text())["requests"] == 0
