"""`judge=reward`: each pair decided by the reward (higher wins, ties half); the win rate and the
mean rewards are a recomputation of judgments.jsonl and the generations; a rerun computes no
reward (cache) and reports the same numbers."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from omegaconf import OmegaConf

from rpo_exp.data.loading import load_split
from rpo_exp.evaluation.divergence import sampled_kl
from rpo_exp.evaluation.rewards import load_reward
from rpo_exp.modeling.models import inference_model
from tests.evaluation.test_judge import evaluate_cli
from tests.helpers import TINY, compose_cfg, run_train

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
    theirs = reward([g["prompt"] for g in generations], [g["preferred"] for g in generations])
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


def test_sampled_kl_scores_the_loaded_policy_against_the_initial_model_it_loads(tokenizer) -> None:
    """The loaded policy against its own config drawn with the same seed: every log-ratio is 0;
    against another draw it is not. An empty response is left out and counted, and with
    nothing left there is no estimate (None, not NaN)."""
    model_cfg = compose_cfg(*TINY).model
    policy = inference_model(model_cfg, len(tokenizer), seed=3)
    prompts, responses = ["Hello there", "What is 2+2?", "Tell me a story"], [" Hi!", "", " Four."]
    cfg = OmegaConf.create({"max_prompt_length": 32})
    same = sampled_kl(policy, model_cfg, tokenizer, prompts, responses, cfg, "raw", seed=3)
    assert same == {"kl": 0.0, "kl_se": 0.0, "kl_per_prompt": {0: 0.0, 2: 0.0}, "kl_skipped": 1}
    other = sampled_kl(policy, model_cfg, tokenizer, prompts, responses, cfg, "raw", seed=4)
    assert all(value != 0.0 for value in other["kl_per_prompt"].values())
    none = sampled_kl(policy, model_cfg, tokenizer, prompts, [""] * 3, cfg, "raw", seed=3)
    assert none == {"kl": None, "kl_se": None, "kl_per_prompt": {}, "kl_skipped": 3}


def initial_cli(run_dir: Path, tmp_path: Path) -> tuple[dict, list[dict], str]:
    """`judge=reward eval.against=initial eval.kl=true`, sampled: (result, judgments, log)."""
    args = [f"run_dir={run_dir}", *EVAL, "eval.against=initial", "eval.kl=true"]
    done = evaluate_cli(*args, "eval.temperature=1.0", cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((run_dir / "eval" / "win_rate_vs_initial.json").read_text())
    lines = (run_dir / "eval" / "judgments_vs_initial.jsonl").read_text().splitlines()
    return result, [json.loads(line) for line in lines], done.stdout + done.stderr


def test_against_the_initial_policy_with_the_kl_from_it(tmp_path: Path) -> None:
    """A run whose updates round away (lr 1e-12) is its initial policy: its samples are the
    initial's own (the same seeded draws), so every pair ties, and its KL is 0 within the
    standard error; one trained at lr 1e-3 moved away. The initial's samples are drawn once and
    shared (the second run reads them); the per-prompt log-ratios average to the KL."""
    results, judged, logs = {}, {}, {}
    for name, lr in (("still", "1e-12"), ("moved", "1e-3")):
        run_dir = tmp_path / name
        done = run_train(*TINY, "trainer.max_steps=2", f"trainer.lr={lr}", run_dir=run_dir)
        assert done.returncode == 0, done.stderr[-2000:]
        results[name], judged[name], logs[name] = initial_cli(run_dir, tmp_path)
        kept = [j["log_ratio"] for j in judged[name] if j["log_ratio"] is not None]
        assert abs(statistics.fmean(kept) - results[name]["kl"]) < 1e-9
    still, moved = results["still"], results["moved"]
    assert all(j["response"] == j["response_against"] for j in judged["still"])
    assert still["win_rate"] == 0.5 and still["ties"] == still["n"] == 6
    assert still["mean_reward"] == still["mean_reward_against"]
    assert abs(still["kl"]) <= max(3 * still["kl_se"], 1e-4)
    assert abs(moved["kl"]) > 10 * max(abs(still["kl"]), 1e-4)
    assert any(j["response"] != j["response_against"] for j in judged["moved"])
    assert [j["response_against"] for j in judged["moved"]] == [
        j["response_against"] for j in judged["still"]
    ]
    assert "initial: reusing" in logs["moved"] and "initial: reusing" not in logs["still"]


def test_against_initial_needs_a_run(tmp_path: Path) -> None:
    args = ["model=tiny_llama", "dataset=hh_sample", *EVAL, "eval.against=initial"]
    done = evaluate_cli(*args, cache=tmp_path / "cache")
    assert done.returncode == 2 and "eval.against=initial" in done.stderr
    assert "give run_dir=" in done.stderr


def test_a_reward_model_judges_end_to_end(tmp_path: Path, tiny_reward_model: Path) -> None:
    """`judge=reward` with `reward_model` (a tiny random classifier): the win rate and mean
    rewards recompute from the generations scored by that model."""
    run_dir = tmp_path / "run"
    assert run_train(*TINY, "trainer.max_steps=1", run_dir=run_dir).returncode == 0
    model = [f"judge.reward.name_or_path={tiny_reward_model}", "judge.reward.dtype=float32"]
    done = evaluate_cli(
        f"run_dir={run_dir}", *EVAL, "reward@judge.reward=reward_model", *model,
        cache=tmp_path / "cache",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((run_dir / "eval" / "win_rate.json").read_text())
    assert result["judge"].startswith("reward_model:")
    generations = [json.loads(line) for line in (run_dir / "eval" / "generations.jsonl").open()]
    cfg = {"name": "reward_model", "name_or_path": str(tiny_reward_model), "dtype": "float32"}
    reward = load_reward(OmegaConf.create(cfg | {"batch_size": 8, "max_length": 1024}))
    test = load_split(OmegaConf.load(run_dir / ".hydra" / "config.yaml").dataset, "test")
    prompts = [test.examples[g["index"]].prompt for g in generations]  # as the judge read them
    ours = reward(prompts, [g["response"] for g in generations])
    theirs = reward(prompts, [g["preferred"] for g in generations])
    wins = [1.0 if a > b else 0.0 if a < b else 0.5 for a, b in zip(ours, theirs, strict=True)]
    assert result["win_rate"] == statistics.fmean(wins)
    assert abs(result["mean_reward"] - statistics.fmean(ours)) < 1e-4
    assert abs(result["mean_reward_against"] - statistics.fmean(theirs)) < 1e-4
