"""LoRA and QLoRA adapters on the policy, through `peft` (`peft=none|lora|qlora`;
docs/method.md, "Adapters").

Only the adapter parameters train; the base weights stay frozen in `model.dtype`. LoRA's B
matrices start at zero, so before the first update the adapted policy is the base model
exactly: the reference log-probs, computed then, are those of the initial policy without a
second copy of the model. `qlora` loads the base in 4-bit NF4 (bitsandbytes, CUDA only).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.errors import ConfigError, unmet

ADAPTERS = ("none", "lora", "qlora")


def check_adapters(cfg: DictConfig, cuda: bool) -> None:
    """Refuse, before weights load, an adapter this machine cannot run."""
    if cfg.name not in ADAPTERS:
        raise ConfigError(f"peft={cfg.name}: must be one of {', '.join(ADAPTERS)}")
    missing = unmet(cuda, "bitsandbytes", "bitsandbytes") if cfg.name == "qlora" else None
    if missing:
        raise ConfigError(
            f"peft=qlora (a 4-bit bitsandbytes base) needs {missing}; "
            "use peft=lora (a frozen base in model.dtype) instead"
        )


def quantization(cfg: DictConfig):
    """The 4-bit `BitsAndBytesConfig` the base loads with under `peft=qlora`, else None."""
    if cfg.name != "qlora":
        return None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=torch.bfloat16,
    )


def adapter_identity(cfg: DictConfig) -> str:
    """Every `peft` setting that changes what the adapted policy computes (all but `merge`,
    which only adds `final_merged/`) and the base's quantization, for cache keys: two adapter
    configs never share reference log-probs."""
    settings = OmegaConf.to_container(cfg, resolve=True)
    settings.pop("merge", None)
    quantized = quantization(cfg)
    if quantized is not None:
        settings["quantization"] = quantized.to_dict()
    return json.dumps(settings, sort_keys=True, default=str)


def attach(model: torch.nn.Module, cfg: DictConfig) -> torch.nn.Module:
    """`model` with fresh adapters of `cfg` (the `peft` group), only they trainable; `model` as
    it is for `peft=none`."""
    if cfg.name == "none":
        return model
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if cfg.name == "qlora":  # norms to fp32, inputs' gradients on, as peft's QLoRA recipe
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    lora = LoraConfig(
        r=cfg.r,
        lora_alpha=cfg.alpha,
        lora_dropout=cfg.dropout,
        target_modules=OmegaConf.to_container(cfg.target_modules)
        if OmegaConf.is_list(cfg.target_modules)
        else cfg.target_modules,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def is_adapted(model: torch.nn.Module) -> bool:
    return hasattr(model, "peft_config")


def save_adapter(
    model: torch.nn.Module, state: dict[str, torch.Tensor], directory: Path, base: str
) -> None:
    """The adapter of `state` (the adapted policy's whole state dict) into `directory`,
    loadable with `peft.AutoPeftModelForCausalLM.from_pretrained`; `base` (a hub id or a
    directory) is where it finds the frozen base weights."""
    model.save_pretrained(directory, state_dict=state)
    config_path = directory / "adapter_config.json"
    config = json.loads(config_path.read_text())
    config["base_model_name_or_path"] = base
    config_path.write_text(json.dumps(config, indent=2))


def base_state(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The frozen base weights of an adapted policy's state dict, under the base model's own
    names (for a base that exists nowhere else: a randomly initialised one)."""
    return {
        k.removeprefix("base_model.model.").replace(".base_layer.", "."): v
        for k, v in state.items()
        if "lora_" not in k
    }


def merge(adapter: Path, directory: Path, dtype: torch.dtype) -> None:
    """Base + adapter of `adapter` merged into plain full weights in `directory` (loaded on
    CPU: works whatever wrapped the training)."""
    from peft import AutoPeftModelForCausalLM

    model = AutoPeftModelForCausalLM.from_pretrained(str(adapter), dtype=dtype)
    model.merge_and_unload().save_pretrained(directory)
