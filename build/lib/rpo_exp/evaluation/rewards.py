"""Rewards of (prompt, response) pairs, one interface (`reward=`): a lexical sentiment reward that
runs offline on a CPU (VADER's compound polarity of the response, in [-1, 1]; deterministic),
and any Hugging Face sequence-classification reward model (ArmoRM- or Skywork-style: the
chat-templated conversation in, the first logit out)."""

from __future__ import annotations

import importlib.metadata
from typing import Protocol

import torch
from omegaconf import DictConfig

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.hub import load_local_or_hub
from rpo_exp.common.modeldir import NO_REMOTE_CODE, check_model_dir
from rpo_exp.data.records import Prompt
from rpo_exp.data.rendering import hh_turns

REWARDS = ("sentiment", "reward_model")


class Reward(Protocol):
    identity: str  # everything that determines the scores, for caches and records

    def __call__(self, prompts: list[Prompt], responses: list[str]) -> list[float]: ...


class SentimentReward:
    """VADER's compound polarity of the response (the prompt is ignored): the lexical reward of
    the CPU study, from the `vaderSentiment` package's own lexicon."""

    def __init__(self):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.analyzer = SentimentIntensityAnalyzer()
        self.identity = f"sentiment:vaderSentiment=={importlib.metadata.version('vaderSentiment')}"

    def __call__(self, prompts: list[Prompt], responses: list[str]) -> list[float]:
        return [self.analyzer.polarity_scores(r)["compound"] for r in responses]


def conversation(prompt: Prompt, response: str) -> list[dict[str, str]]:
    """The prompt's turns (an HH transcript split into them) and the response as the last,
    assistant, turn: what chat-templated reward models read."""
    turns = hh_turns(prompt) if isinstance(prompt, str) else prompt
    chat = [{"role": role, "content": content} for role, content in turns]
    return [*chat, {"role": "assistant", "content": response.strip()}]


class RewardModel:
    """A sequence-classification reward model: each chat-templated conversation scored by its
    first logit, `reward.batch_size` at a time, on the GPU when there is one."""

    def __init__(self, cfg: DictConfig):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        key = "reward.name_or_path"
        hint = f"Without network, set {key}=<local directory of a reward model>."
        check_model_dir(cfg.name_or_path, key, tokenizer=True)
        self.tokenizer = load_local_or_hub(
            AutoTokenizer.from_pretrained, cfg.name_or_path, key, hint, **NO_REMOTE_CODE
        )
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = load_local_or_hub(
            AutoModelForSequenceClassification.from_pretrained, cfg.name_or_path, key, hint,
            dtype=getattr(torch, cfg.dtype), **NO_REMOTE_CODE,
        ).eval()  # fmt: skip
        self.model.config.pad_token_id = self.tokenizer.pad_token_id
        if torch.cuda.is_available():
            self.model = self.model.cuda()
        self.cfg = cfg
        commit = getattr(self.model.config, "_commit_hash", None)
        self.identity = f"reward_model:{cfg.name_or_path}@{commit}:{cfg.dtype}:{cfg.max_length}"

    def text(self, prompt: Prompt, response: str) -> str:
        chat = conversation(prompt, response)
        if self.tokenizer.chat_template:
            return self.tokenizer.apply_chat_template(chat, tokenize=False)
        return "".join(f"\n\n{t['role'].title()}: {t['content']}" for t in chat)

    @torch.no_grad()
    def __call__(self, prompts: list[Prompt], responses: list[str]) -> list[float]:
        texts = [self.text(p, r) for p, r in zip(prompts, responses, strict=True)]
        scores = []
        for start in range(0, len(texts), self.cfg.batch_size):
            batch = self.tokenizer(
                texts[start : start + self.cfg.batch_size], padding=True, truncation=True,
                max_length=self.cfg.max_length, add_special_tokens=False, return_tensors="pt",
            ).to(self.model.device)  # fmt: skip
            scores += self.model(**batch).logits[:, 0].float().tolist()
        return scores


def load_reward(cfg: DictConfig) -> Reward:
    """The reward the `reward` group names."""
    if cfg.name == "sentiment":
        return SentimentReward()
    if cfg.name == "reward_model":
        return RewardModel(cfg)
    raise ConfigError(f"reward={cfg.name}: must be one of {', '.join(REWARDS)}")
