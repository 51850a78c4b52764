"""Rewards (`reward=`): VADER's sentiment offline, and a sequence-classification reward model
(a tiny randomly initialised one here) scoring chat-templated conversations, batched."""

from __future__ import annotations

import pytest
import torch
from omegaconf import OmegaConf

from rpo_exp.common.errors import ConfigError
from rpo_exp.evaluation.rewards import RewardModel, conversation, load_reward

PROMPTS = ["\n\nHuman: Hi there\n\nAssistant:", [("user", "Tell me a story.")], "Summarize: a post"]
RESPONSES = [" Hello! Lovely to meet you.", "Once upon a time it was awful.", "A short one"]


def test_sentiment_reward_is_deterministic_and_reads_the_response() -> None:
    reward = load_reward(OmegaConf.create({"name": "sentiment"}))
    scores = reward(PROMPTS, RESPONSES)
    assert scores == reward(PROMPTS, RESPONSES)
    assert scores[0] > 0.5 and scores[1] < 0 and all(-1 <= s <= 1 for s in scores)
    assert reward.identity.startswith("sentiment:vaderSentiment==")


def test_reward_model_scores_chat_templated_conversations_batched(tiny_reward_model) -> None:
    cfg = {"name": "reward_model", "name_or_path": str(tiny_reward_model), "dtype": "float32"}
    batched = load_reward(OmegaConf.create(cfg | {"batch_size": 3, "max_length": 512}))
    one = RewardModel(OmegaConf.create(cfg | {"batch_size": 1, "max_length": 512}))
    scores = batched(PROMPTS, RESPONSES)
    torch.testing.assert_close(torch.tensor(scores), torch.tensor(one(PROMPTS, RESPONSES)))
    text = one.text(PROMPTS[0], RESPONSES[0])
    assert text == one.tokenizer.apply_chat_template(
        conversation(PROMPTS[0], RESPONSES[0]), tokenize=False
    )
    assert "<|im_start|>user\nHi there<|im_end|>" in text and "Lovely to meet you." in text
    with torch.no_grad():  # by hand: the first logit of the conversation alone
        ids = one.tokenizer(text, add_special_tokens=False, return_tensors="pt")
        want = one.model(**ids).logits[0, 0].item()
    assert scores[0] == pytest.approx(want, abs=1e-5)
    assert len(set(scores)) == 3


def test_an_unknown_reward_is_refused() -> None:
    with pytest.raises(ConfigError, match="reward=bleu: must be one of sentiment, reward_model"):
        load_reward(OmegaConf.create({"name": "bleu"}))
