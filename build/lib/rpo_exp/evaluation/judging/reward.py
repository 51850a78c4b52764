"""`judge=reward`: a reward decides each pair, the response with the higher reward winning (ties
half). Rewards are cached per (reward, prompt, response) in `$RPO_EXP_CACHE/reward`, so a rerun
computes nothing and reports the same numbers."""

from __future__ import annotations

import statistics

import torch
from omegaconf import DictConfig

from rpo_exp.common.cache import ValueStore, digest
from rpo_exp.data.records import Prompt
from rpo_exp.evaluation.rewards import load_reward


class RewardJudge:
    def __init__(self, cfg: DictConfig):
        self.reward = load_reward(cfg.reward)
        self.identity = self.reward.identity
        self.store = ValueStore("reward", self.identity)
        self.computed = 0  # rewards computed (not read from the cache) so far

    def rewards(self, prompts: list[Prompt], responses: list[str]) -> list[float]:
        """The reward of each (prompt, response), from the cache where present."""
        keys = [digest(p, r) for p, r in zip(prompts, responses, strict=True)]

        def compute(positions: list[int]) -> torch.Tensor:
            picked = [(prompts[i], responses[i]) for i in positions]
            return torch.tensor(self.reward(*map(list, zip(*picked, strict=True))))

        values, computed = self.store.get_or_compute(keys, compute)
        self.computed += computed
        return values.tolist()

    def judge_pairs(
        self, prompts: list[Prompt], indices: list[int], ours: list[str], theirs: list[str]
    ) -> tuple[list[list[float]], list[dict], dict]:
        """(scores[i] = [1 win | 0.5 tie | 0 loss], one record per prompt, mean rewards)."""
        mine, other = self.rewards(prompts, ours), self.rewards(prompts, theirs)
        scores, records = [], []
        for index, a, b in zip(indices, mine, other, strict=True):
            verdict = 1.0 if a > b else 0.0 if a < b else 0.5
            scores.append([verdict])
            records.append(
                {"index": index, "reward_ours": a, "reward_theirs": b, "verdict": verdict}
            )
        means = {
            "mean_reward": statistics.fmean(mine),
            "mean_reward_against": statistics.fmean(other),
        }
        return scores, records, means
