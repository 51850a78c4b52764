"""Offline embedders beyond minilm: they resolve from their packages and embed for real."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

from tests.helpers import compose_cfg

PROMPTS = ["How do I bake bread?", "How do I bake a cake?", "What is the capital of France?"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("RPO_EXP_CACHE", str(tmp_path))
    return tmp_path


@pytest.mark.skipif(
    importlib.util.find_spec("sre_embedding_model") is None,
    reason="sre-embedding-model is not installed (opt-in: `make install-sre-minilm`)",
)
def test_sre_minilm_resolves_and_embeds(cache: Path) -> None:
    from rpo_exp.modeling.embeddings import embed_prompts, embedder_source

    cfg = compose_cfg("embedder=sre_minilm").embedder
    source = Path(embedder_source(cfg))
    assert (source / "modules.json").is_file()  # a sentence-transformers directory, no hub
    e = embed_prompts(PROMPTS, cfg)
    assert e.shape == (3, 384) and e.dtype == torch.float32
    cos = torch.nn.functional.cosine_similarity
    assert cos(e[0], e[1], dim=0) > cos(e[0], e[2], dim=0)  # related prompts are closer
    minilm = embed_prompts(PROMPTS, compose_cfg("embedder=minilm").embedder)
    assert not torch.allclose(e, minilm, atol=1e-3)  # its own weights, not minilm's again


def test_sre_minilm_missing_package_names_it(monkeypatch, cache: Path) -> None:
    from rpo_exp.common import paths as resources
    from rpo_exp.modeling.embeddings import embedder_source

    real = importlib.util.find_spec
    monkeypatch.setattr(
        resources.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "sre_embedding_model" else real(name, *a),
    )
    with pytest.raises(FileNotFoundError, match="sre-embedding-model"):
        embedder_source(compose_cfg("embedder=sre_minilm").embedder)
