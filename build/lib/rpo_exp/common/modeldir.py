"""What rpo_exp accepts in a local model directory before `from_pretrained` reads it
(docs/method.md, "Loading models and checkpoints"): no custom code (an `auto_map` in a config
is refused; every load passes `trust_remote_code=False`, so transformers never asks), weights as
safetensors only (a pickle that would be read instead is refused), and, where a tokenizer is
loaded from it, a tokenizer. Each refusal is one ConfigError naming the file and why.
"""

from __future__ import annotations

import json
from pathlib import Path

from rpo_exp.common.errors import ConfigError

NO_REMOTE_CODE = {"trust_remote_code": False}  # for every from_pretrained / SentenceTransformer
CONFIGS = ("config.json", "tokenizer_config.json", "adapter_config.json", "processor_config.json")
PICKLES = ("*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl", "*.pickle")
TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer_config.json", "tokenizer.model", "vocab.json", "vocab.txt",
    "spiece.model",
    "sentencepiece.bpe.model",
)  # fmt: skip


def check_model_dir(source: str, key: str, tokenizer: bool = False) -> None:
    """Refuse a local directory `source` (a hub id passes) that asks for custom code or whose
    weights are pickles; with `tokenizer`, one without tokenizer files. `key` names the
    setting. An adapter's local base directory is checked too."""
    path = Path(source)
    if not path.is_dir():
        return
    for config in sorted(p for name in CONFIGS for p in path.rglob(name)):
        try:
            content = json.loads(config.read_text())
        except (OSError, ValueError):
            continue  # not ours to judge: transformers reports an unreadable config
        if isinstance(content, dict) and "auto_map" in content:
            raise ConfigError(
                f"{config} asks for custom code (auto_map): refused, rpo_exp never runs code "
                f"from a model dir ({key}={source}); use a model of an architecture "
                "transformers has built in"
            )
        base = content.get("base_model_name_or_path") if isinstance(content, dict) else None
        if config.name == "adapter_config.json" and base and Path(base) != path:
            check_model_dir(str(base), f"{key} (its adapter's base)")
    for folder in sorted({path, *(p.parent for p in path.rglob("*") if p.is_file())}):
        pickles = sorted(p for pattern in PICKLES for p in folder.glob(pattern))
        if pickles and not any(folder.glob("*.safetensors")):
            raise ConfigError(
                f"{pickles[0]} is a pickle: rpo_exp loads only safetensors weights, as unpickling "
                f"can run code ({key}={source}); convert it to safetensors where you trust it "
                "(load and save_pretrained it), or give a directory with safetensors weights"
            )
    if tokenizer and not any((path / name).is_file() for name in TOKENIZER_FILES):
        raise ConfigError(
            f"{key}={source}: no tokenizer in this directory (expected tokenizer.json, or "
            "tokenizer_config.json with its vocabulary files, as save_pretrained writes them); "
            "save the model's tokenizer into it"
        )
