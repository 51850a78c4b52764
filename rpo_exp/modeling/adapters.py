"""LoRA and QLoRA adapters on the policy, through `peft` (`peft=none|lora|qlora`;
docs/method.md, "Adapters").

Only the adapter parameters train; the base weights stay frozen in `model.dtype`. LoRA's B
matrices start at zero, so before the first update the adapted policy is the base model
exactly: the reference log-probs, computed then, are those of the initial policy without a
second copy of the model. `qlora` loads the base in 4-bit NF4 through bitsandbytes, on the GPU
or the CPU, and is refused where bitsandbytes cannot run, with the reason it gave.
"""

from __future__ import annotations

import json
import logging
import math
import re
from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf
from transformers import AutoConfig, AutoModelForCausalLM

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.paths import is_package_path, package_path
from rpo_exp.modeling.models import gguf_metadata_dir

log = logging.getLogger(__name__)
ADAPTERS = ("none", "lora", "qlora")
COMPUTE_DTYPE = torch.bfloat16  # QLoRA's 4-bit layers compute in bf16, on the GPU and the CPU


def check_adapters(cfg: DictConfig, cuda: bool, model: DictConfig | None = None) -> None:
    """Refuse, before weights load, an adapter this machine cannot run, or whose settings
    train nothing or crash: `peft.r`, `peft.alpha`, `peft.dropout`, and `peft.target_modules`
    against the modules of `model` (the `model` group; built from its config alone)."""
    if cfg.name not in ADAPTERS:
        raise ConfigError(f"peft={cfg.name}: must be one of {', '.join(ADAPTERS)}")
    problem = bitsandbytes_problem(cuda) if cfg.name == "qlora" else None
    if problem:
        raise ConfigError(
            f"peft=qlora (a 4-bit bitsandbytes base) cannot run here: bitsandbytes failed a 4-bit"
            f" layer on the {'GPU' if cuda else 'CPU'} ({problem}); install bitsandbytes>=0.50.2"
            " where it has a build for this machine, or use peft=lora (a frozen base in "
            "model.dtype)"
        )
    if cfg.name == "none":
        return
    if isinstance(cfg.r, bool) or not (isinstance(cfg.r, int) and cfg.r > 0):
        raise ConfigError(f"peft.r={cfg.r}: the adapters' rank must be a positive integer")
    if not (math.isfinite(cfg.alpha) and cfg.alpha > 0):
        raise ConfigError(
            f"peft.alpha={cfg.alpha}: must be a finite number > 0 (the update is scaled by "
            "alpha / r: 0 trains nothing)"
        )
    if not (math.isfinite(cfg.dropout) and 0 <= cfg.dropout < 1):
        raise ConfigError(f"peft.dropout={cfg.dropout}: must be in [0, 1)")
    targets = cfg.target_modules
    targets = OmegaConf.to_container(targets) if OmegaConf.is_list(targets) else targets
    if not targets or not (
        isinstance(targets, str) or all(isinstance(t, str) and t for t in targets)
    ):
        raise ConfigError(
            f"peft.target_modules={targets}: give a list of module names (e.g. [q_proj, v_proj]),"
            " a regular expression, or all-linear"
        )
    if model is not None and targets != "all-linear":
        _check_targets(targets, model)


def bitsandbytes_problem(cuda: bool) -> str | None:
    """What bitsandbytes said when it failed to run a tiny NF4 `Linear4bit` forward and backward
    on the device QLoRA would train on (the GPU with `cuda`, else the CPU); None when it ran."""
    try:
        import bitsandbytes as bnb

        device = "cuda" if cuda else "cpu"
        with torch.random.fork_rng(devices=[]):  # the layer's init draws: leave the run's RNG
            layer = bnb.nn.Linear4bit(64, 32, compute_dtype=COMPUTE_DTYPE, quant_type="nf4")
            layer = layer.to(device)
        inputs = torch.ones(2, 64, device=device, requires_grad=True)
        layer(inputs).sum().backward()
    except Exception as err:  # whatever bitsandbytes raised is the reason given
        return f"{type(err).__name__}: {err}"
    return None


def _check_targets(targets: str | list[str], model: DictConfig) -> None:
    """Each of `targets` names a module of `model` as peft matches them (a list entry: a
    module's name or its last parts; a string: a regular expression of a whole name)."""
    modules = architecture(model)
    if modules is None:
        return
    names = list(modules)
    if isinstance(targets, str):
        absent = [] if any(re.fullmatch(targets, n) for n in names) else [targets]
    else:
        absent = [t for t in targets if not any(n == t or n.endswith(f".{t}") for n in names)]
    if absent:
        linear = {n.rsplit(".", 1)[-1] for n, m in modules.items() if type(m) is torch.nn.Linear}
        raise ConfigError(
            f"peft.target_modules: {absent} name no module of model={model.name}; its linear "
            f"modules: {', '.join(sorted(linear))} (or all-linear)"
        )


def architecture(model: DictConfig) -> dict[str, torch.nn.Module] | None:
    """The modules of the `model` group's architecture by name, built on the meta device from
    its config alone (no weights read); None where the config cannot be read here (a hub id
    without network)."""
    try:
        if model.init_config is not None:
            config = AutoConfig.for_model(**OmegaConf.to_container(model.init_config, resolve=True))
        elif is_package_path(str(model.name_or_path)):
            path = package_path(str(model.name_or_path))
            if path.suffix != ".gguf":
                config = AutoConfig.from_pretrained(str(path))
            else:  # the GGUF's metadata, read once into the cache
                config = AutoConfig.from_pretrained(str(gguf_metadata_dir(path)))
        else:
            config = AutoConfig.from_pretrained(str(model.name_or_path), revision=model.revision)
    except (OSError, ValueError) as err:
        log.warning("peft.target_modules not checked: no config for model=%s (%s)", model.name, err)
        return None
    with torch.device("meta"):
        built = AutoModelForCausalLM.from_config(config)
    return dict(built.named_modules())


def quantization(cfg: DictConfig):
    """The 4-bit `BitsAndBytesConfig` the base loads with under `peft=qlora`, else None."""
    if cfg.name != "qlora":
        return None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=COMPUTE_DTYPE,
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
