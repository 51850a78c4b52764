"""`judge=reward`: each pair decided by the reward (higher wins, ties half); the win rate and the
mean rewards are a recomputation of judgments.jsonl and the generations; a rerun computes no
reward (cache) and reports the same numbers."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from omegaconf import OmegaConf

from rpo_exp.evaluation.rewards import load_reward
from tests.helpers import TINY, run_train
from tests.test_judge import evaluate_cli

EVAL = ["judge=reward", "eval.num_samples=6", "eval.max_new_tokens=8", "logger=none"]


def test_reward_judge_win_rates_recompute_and_cache(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    assert run_train(*TINY, "trainer.max_steps=1", run_dir=run_dir).returncode == 0
    cache = tmp_path / "cache"
    first = evaluate_cli(f"run_dir={run_dir}", *EVAL, cache=cache)
    assert first.returncode == 0, first.stderr[-3000:]
    result = json.loads((run_dir / "eval" / "win_rate.json").read_text())
    judgments = [json.loads(line) for line in (run_dir / "eval" / "judgments.jsonl").open()]
    generations = [json.loads(line) for line in (run_dir / "eval" / "generations.jsonl").open()]
    assert len(judgments) == len(generations) == result["n"] == 6
    reward = load_reward(OmegaConf.create({"name": "sentiment"}))
    ours = reward([g["prompt"] for g in generations], [g["response"] for g in generations])
    theirs = reward([g["prompt"] for g in generations], [g["reference"] for g in generations])
    for j, a, b in zip(judgments, ours, theirs, strict=True):
        mine, other = j["reward_ours"], j["reward_theirs"]  # cached as float32
        assert abs(mine - a) < 1e-6 and abs(other - b) < 1e-6
        assert j["verdict"] == (1.0 if mine > other else 0.0 if mine < other else 0.5)
    assert result["win_rate"] == statistics.fmean(j["verdict"] for j in judgments)
    assert abs(result["mean_reward"] - statistics.fmean(ours)) < 1e-6
    assert result["rewards_computed"] == 12  # 6 prompts x both sides
    again = evaluate_cli(f"run_dir={run_dir}", *EVAL, cache=cache)
    assert again.returncode == 0, again.stderr[-3000:]
    rerun = json.loads((run_dir / "eval" / "win_rate.json").read_text())
    assert rerun["rewards_computed"] == 0
    assert {k: v for k, v in rerun.items() if k != "rewards_computed"} == {
        k: v for k, v in result.items() if k != "rewards_computed"
    }


def kl_of(run_dir: Path, tmp_path: Path) -> dict:
    args = [f"run_dir={run_dir}", *EVAL, "eval.kl=true", "eval.temperature=1.0"]
    done = evaluate_cli(*args, cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((run_dir / "eval" / "win_rate.json").read_text())


def test_kl_from_the_initial_policy_is_zero_unmoved_and_grows_when_trained(tmp_path: Path) -> None:
    """A run whose updates round away (lr 1e-12) is its own reference: KL 0 within its standard
    error, which checks that the reference is the run's initial policy; one trained at lr 1e-3
    is not. The per-prompt log-ratios in judgments.jsonl average to the KL."""
    results = {}
    for name, lr in (("still", "1e-12"), ("moved", "1e-3")):
        run_dir = tmp_path / name
        done = run_train(*TINY, "trainer.max_steps=2", f"trainer.lr={lr}", run_dir=run_dir)
        assert done.returncode == 0, done.stderr[-2000:]
        results[name] = kl_of(run_dir, tmp_path)
        ratios = [
            json.loads(line)["log_ratio"] for line in (run_dir / "eval" / "judgments.jsonl").open()
        ]
        kept = [r for r in ratios if r is not None]
        assert abs(statistics.fmean(kept) - results[name]["kl"]) < 1e-9
    still, moved = results["still"], results["moved"]
    assert abs(still["kl"]) <= max(3 * still["kl_se"], 1e-4)
    assert abs(moved["kl"]) > 10 * max(abs(still["kl"]), 1e-4)
