"""The reference policy pi_ref of a run (docs/method.md, "The reference model").

`reference=initial` (the default): the initial policy, whose log-probs are computed before the
first update and shared through `$RPO_EXP_CACHE/reference` by every run of the same model.
`reference=model`: another checkpoint (`reference.name_or_path`: a model dir, an adapter dir, a
training run's dir, whose `final/` it loads, or a hub id), likewise computed once and cached
under that model's identity. `reference=none`: log pi_ref = 0 for every sequence, the
reference-free form of a loss (TRL's `reference_free`). `reference.sync_steps` N > 0 is TR-DPO
(Gorbatovski et al., 2024; TRL's `sync_ref_model`): after every N-th update the reference's
weights become `mixup_alpha * policy + (1 - mixup_alpha) * reference`, and its log-probs are
computed afresh for the next N steps and for evaluation.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from pathlib import Path

import torch
from omegaconf import DictConfig
from transformers import PreTrainedTokenizerBase

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.modeldir import check_model_dir
from rpo_exp.modeling.models import (
    load_policy,
    load_tokenizer,
    model_from,
    model_identity,
    resolve_source,
)

log = logging.getLogger(__name__)
KINDS = ("initial", "model", "none")
WEIGHTS_FILE = "reference.safetensors"  # a synced reference's weights in each checkpoint


@dataclass
class Reference:
    """Where a run's reference log-probs come from. `identity` keys them in the cache (None:
    computed for this run alone); `model` holds the reference's own weights where they are not
    the policy's at step 0 (`reference=model`, or a copy that `sync` moves)."""

    kind: str = "initial"
    identity: str | None = None
    model: torch.nn.Module | None = None
    sync_steps: int = 0
    mixup_alpha: float = 1.0

    @property
    def syncs(self) -> bool:
        return self.sync_steps > 0

    def synced_by(self, step: int) -> bool:
        """Whether the reference has moved from its step-0 weights after `step` updates."""
        return self.syncs and step >= self.sync_steps

    def window(self, step: int) -> tuple[int, int]:
        """The updates [start, end) (0-based batch positions) that use the reference as it is
        after `step` updates: up to the next sync (all of them where it never syncs)."""
        if not self.syncs:
            return 0, -1
        return step, (step // self.sync_steps + 1) * self.sync_steps

    @torch.no_grad()
    def sync(self, policy: torch.nn.Module) -> None:
        """TR-DPO's update of the reference's weights toward the policy's (alpha = 1: a copy)."""
        mine = dict(self.model.named_parameters())
        for name, param in policy.named_parameters():
            mine[name].mul_(1 - self.mixup_alpha).add_(param.detach(), alpha=self.mixup_alpha)

    def state(self) -> dict[str, torch.Tensor]:
        """The reference's parameters (a tied one once), what `sync` changes."""
        return {k: v.detach().cpu().contiguous() for k, v in self.model.named_parameters()}

    def load(self, path: Path) -> None:
        """The synced weights a checkpoint holds (`WEIGHTS_FILE`)."""
        from safetensors.torch import load_file

        file = path / WEIGHTS_FILE
        if not file.is_file():
            raise ConfigError(
                f"{path}: no {WEIGHTS_FILE}, so the synced reference (reference.sync_steps) "
                "cannot be restored; resume it with the config that wrote it, or set "
                "trainer.resume=never"
            )
        weights, params = load_file(file), dict(self.model.named_parameters())
        if weights.keys() != params.keys():
            raise ConfigError(f"{file}: not this run's reference (its parameters differ)")
        with torch.no_grad():
            for name, param in params.items():
                param.copy_(weights[name])


def check_reference(ref: DictConfig, needs_reference: bool, kind: str, loss: str) -> None:
    """The `reference` group against the loss (`Objective.needs_reference`, its batch `kind`);
    the schema has checked the names and types."""
    if ref.name == "model" and not ref.name_or_path:
        raise ConfigError(
            "reference=model needs reference.name_or_path=<a model dir, adapter dir, training "
            "run dir or hub id>"
        )
    if ref.name != "model" and ref.name_or_path:
        raise ConfigError(
            f"reference.name_or_path={ref.name_or_path} is read by reference=model only "
            f"(reference={ref.name}); set reference=model or drop it"
        )
    if ref.sync_steps < 0:
        raise ConfigError(f"reference.sync_steps={ref.sync_steps}: must be >= 0 (0: no sync)")
    if not 0 < ref.mixup_alpha <= 1:
        raise ConfigError(f"reference.mixup_alpha={ref.mixup_alpha}: must be in (0, 1]")
    if ref.sync_steps and ref.name == "none":
        raise ConfigError(
            "reference.sync_steps (TR-DPO) moves a reference: reference=none has none"
        )
    if not needs_reference and (ref.name == "model" or ref.sync_steps):
        setting = "reference=model" if ref.name == "model" else "reference.sync_steps"
        raise ConfigError(
            f"loss={loss} uses no reference model (its rewards are the policy's own "
            f"log-probs): {setting} would change nothing; drop it"
        )
    if ref.name == "none" and kind == "kto":
        raise ConfigError(
            f"reference=none: loss={loss}'s KL estimate z0 compares the policy with its "
            "reference and has no reference-free form; use reference=initial or model"
        )


def check_sync(ref: DictConfig, peft: DictConfig, strategy: str) -> None:
    """TR-DPO keeps a full copy of the policy's weights and mixes them in place: not with
    adapters (as TRL) nor with sharded weights."""
    if not ref.sync_steps:
        return
    if peft.name != "none":
        raise ConfigError(
            f"reference.sync_steps with peft={peft.name}: TR-DPO mixes the whole policy into "
            "the reference (TRL refuses it with adapters too); use peft=none"
        )
    if strategy == "fsdp":
        raise ConfigError(
            "reference.sync_steps with trainer.strategy=fsdp: the synced reference is a whole "
            "copy of the weights on every rank; use trainer.strategy=ddp"
        )


def reference_model_config(model: DictConfig, ref: DictConfig) -> DictConfig:
    """The `model` group that loads `reference.name_or_path`: the policy's settings (dtype,
    attention) with that source; a training run's dir stands for its `final/`."""
    source = str(ref.name_or_path)
    run = Path(source)
    if (run / "final").is_dir() and (run / ".hydra" / "config.yaml").is_file():
        source = str(run / "final")
    return model_from(model, source, ref.revision)


def load_reference(
    cfg: DictConfig,
    tokenizer: PreTrainedTokenizerBase,
    policy: torch.nn.Module,
    initial_identity: str,
    device: torch.device,
) -> Reference:
    """The run's `Reference` (`cfg.reference`); `initial_identity` keys the initial policy's
    log-probs. `reference=model` loads its model here, checking that it reads the policy's
    tokens (the same vocabulary, where its dir has a tokenizer) and, to be synced, has the
    policy's parameters."""
    ref = cfg.reference
    sync = {"sync_steps": ref.sync_steps, "mixup_alpha": float(ref.mixup_alpha)}
    if ref.name == "none":
        return Reference("none")
    if ref.name == "initial":
        return Reference("initial", initial_identity, **sync)
    model_cfg = reference_model_config(cfg.model, ref)
    key = "reference.name_or_path"
    check_model_dir(resolve_source(model_cfg.name_or_path), key)
    try:
        theirs = load_tokenizer(model_cfg)
    except (ConfigError, OSError, ValueError):
        theirs = None  # a dir without a tokenizer: its embedding size is checked below
    if theirs is not None and theirs.get_vocab() != tokenizer.get_vocab():
        raise ConfigError(
            f"{key}={ref.name_or_path}: its tokenizer differs from the policy's "
            f"({len(theirs)} vs {len(tokenizer)} tokens), so it cannot score the policy's "
            "sequences; give a reference trained from the same tokenizer"
        )
    model = load_policy(model_cfg, vocab_size=len(tokenizer))
    if model.get_input_embeddings().num_embeddings < len(tokenizer):
        raise ConfigError(
            f"{key}={ref.name_or_path}: {model.get_input_embeddings().num_embeddings} token "
            f"embeddings, fewer than the policy's tokenizer's {len(tokenizer)}"
        )
    shapes = {name: p.shape for name, p in model.named_parameters()}
    if ref.sync_steps and shapes != {name: p.shape for name, p in policy.named_parameters()}:
        raise ConfigError(
            f"{key}={ref.name_or_path} with reference.sync_steps: TR-DPO mixes the policy's "
            "weights into the reference's, but their parameters differ; use a reference of "
            "the policy's architecture and size, or reference.sync_steps=0"
        )
    model = model.to(device).eval()  # the trainer casts it to the policy's weight dtype
    identity = f"model:{model_identity(model_cfg, model, cfg.seed)}"
    log.info("reference=model: %s", model_cfg.name_or_path)
    return Reference("model", identity, model, **sync)


def synced_copy(reference: Reference, policy: torch.nn.Module) -> None:
    """Give a syncing `reference=initial` its own copy of the policy's step-0 weights."""
    if reference.syncs and reference.model is None:
        reference.model = copy.deepcopy(policy).requires_grad_(False).eval()
