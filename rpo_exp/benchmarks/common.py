"""What every benchmark shares: the device, its clock, the configs they compose."""

from __future__ import annotations

import re

import torch
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

from rpo_exp.common.paths import CONF_DIR
from rpo_exp.data.tokenization import Item

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
SEED = 0
# Peak dense bf16 tensor FLOP/s (no sparsity), by the name CUDA reports; H100: the SXM part.
PEAK_BF16 = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "L40S": 362e12}


def sync() -> None:
    """Wait for queued GPU work, so that wall-clock time covers it."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def device_name() -> str:
    """What the in-process figures ran on, as recorded in the results."""
    if DEVICE.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(DEVICE)})"
    return f"cpu ({torch.get_num_threads()} threads)"


def device_peak(name: str) -> tuple[str, float | None]:
    """(file-name slug, peak dense bf16 FLOP/s) of a CUDA device name; None: not in the table."""
    upper = name.upper()
    for key, flops in PEAK_BF16.items():
        if key in upper and not (key == "H100" and ("PCIE" in upper or "NVL" in upper)):
            return key.lower(), flops
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_"), None


def this_device() -> tuple[str, float | None]:
    """(slug, peak bf16 FLOP/s) of the device the figures run on: ("cpu", None) on CPU."""
    if DEVICE.type != "cuda":
        return "cpu", None
    return device_peak(torch.cuda.get_device_name(DEVICE))


def sequence_tokens(items: list[Item]) -> int:
    """Prompt + response tokens of every sequence of `items`, a prompt counted once per response
    (however a contender encodes it): the tokens the model FLOPs count."""
    return sum(
        len(it.prompt_ids) * len(it.response_ids) + sum(map(len, it.response_ids)) for it in items
    )


def compose_cfg(overrides: list[str], *more: str) -> DictConfig:
    """conf/config.yaml with the user's `overrides` (every config a bench composes), then `more`."""
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return compose(config_name="config", overrides=[*overrides, *more])
