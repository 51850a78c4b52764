"""From a `loss=` config to a call of a pure loss function of `rpo_exp.losses` on a batch's
tensors.

The trainer knows batches, not formulas: a loss config names a function of `rpo_exp.losses`
(`fn`) and its hyperparameters; the function's parameters that are batch tensors
(`BATCH_TENSORS`) say which tensors it needs and so which batch layout. Adding a loss is one
function + one YAML + one test.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from omegaconf import DictConfig, OmegaConf
from torch import Tensor

from rpo_exp import losses
from rpo_exp.common.errors import ConfigError
from rpo_exp.losses import LossOutput, contrast_weights
from rpo_exp.losses.contrast import WEIGHTS_ON, check_contrast_args
from rpo_exp.losses.output import loss_precision

PAIRED_TENSORS = (
    "policy_chosen_logps",
    "policy_rejected_logps",
    "ref_chosen_logps",
    "ref_rejected_logps",
    "chosen_lengths",
    "rejected_lengths",
    "weights",
)
UNPAIRED_TENSORS = ("policy_logps", "ref_logps", "desirable", "policy_kl_logps", "ref_kl_logps")
GROUPED_TENSORS = ("policy_logps", "ref_logps", "scores", "group_ids")
BATCH_TENSORS = frozenset(PAIRED_TENSORS + UNPAIRED_TENSORS + GROUPED_TENSORS)
# loss config key -> contrast_weights argument (docs/method.md, "Weighting strategies")
WEIGHTING_KEYS = {"weighting": "strategy", "tau": "tau", "alpha": "alpha", "weight_scale": "scale"}
LOSS_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}
LOSS_FUNCTIONS = tuple(name for name in losses.__all__ if name.endswith("_loss"))
BOUNDS = {  # loss function argument -> (valid?, what is valid): each function's own domain
    "beta": (lambda v: v > 0, "> 0"),
    "tau": (lambda v: v > 0, "> 0"),
    "label_smoothing": (lambda v: 0 <= v < 0.5, "in [0, 0.5) (a flip rate; 0.5 learns nothing)"),
    "reward_temperature": (lambda v: v > 0, "> 0"),
    "p": (lambda v: v >= 0, ">= 0"),
    "alpha": (lambda v: v >= 0, ">= 0"),  # a loss's own alpha (SWEPO); the weighting's: below
    "desirable_weight": (lambda v: v >= 0, ">= 0"),
    "undesirable_weight": (lambda v: v >= 0, ">= 0"),
}


@dataclass(frozen=True)
class Objective:
    name: str
    fn: Callable[..., LossOutput]
    tensors: tuple[str, ...]  # the batch tensors fn takes, by parameter name
    kwargs: dict  # hyperparameters from the loss config
    weighting: dict | None  # contrast_weights arguments, for losses that take `weights`
    gather: bool = True  # global-batch loss on all ranks (docs/method.md, "Multi-process training")
    contrast_block: int | None = None  # contrast within blocks of this many items (None: all)
    dtype: torch.dtype = torch.float32  # the loss arithmetic's (protocol.loss_dtype)

    @classmethod
    def from_config(cls, cfg: DictConfig, loss_dtype: str = "float32") -> Objective:
        """Validate the `loss` group before any weights load; errors name the key.
        `loss_dtype` (`protocol.loss_dtype`): the dtype of the loss's inputs and arithmetic."""
        if loss_dtype not in LOSS_DTYPES:
            raise ConfigError(
                f"protocol.loss_dtype={loss_dtype}: must be one of {', '.join(LOSS_DTYPES)}"
            )
        if cfg.get("fn") not in LOSS_FUNCTIONS:
            raise ConfigError(
                f"loss.fn={cfg.get('fn')}: must be one of {', '.join(LOSS_FUNCTIONS)}"
            )
        fn = getattr(losses, cfg.fn)
        params = inspect.signature(fn).parameters.values()
        tensors = tuple(p.name for p in params if p.name in BATCH_TENSORS)
        unknown = [
            p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.name not in tensors
        ]
        if unknown:
            raise ConfigError(
                f"loss={cfg.name}: {cfg.fn} takes inputs no batch provides: {unknown}"
            )
        hyper = {p.name for p in params if p.name not in BATCH_TENSORS}
        if "weights_on" in cfg and "weights_on" not in hyper:  # weighting=diagonal sets it
            if cfg.weights_on != "logit":
                raise ConfigError(
                    f"loss.weights_on={cfg.weights_on} (the released diagonal trainer) exists for "
                    f"loss=rpo only; loss={cfg.name} weighs the logits: set loss.weights_on=logit"
                )
            cfg = OmegaConf.create({k: cfg[k] for k in cfg if k != "weights_on"})  # resolved
        numeric = {p.name for p in params if _is_number(p.default)} | {"tau", "alpha"}
        for key in sorted(numeric & set(cfg)):  # before any comparison: `loss.beta=abc`, `inf`
            if cfg[key] is not None and not (_is_number(cfg[key]) and math.isfinite(cfg[key])):
                raise ConfigError(f"loss.{key}={cfg[key]}: must be a finite number")
        weighting = None
        if "weights" in tensors:
            weighting = {arg: cfg[key] for key, arg in WEIGHTING_KEYS.items()}
            try:
                check_contrast_args(**weighting)
            except ValueError as err:
                raise ConfigError(f"loss.{_key_of(str(err))}: {err}") from None
        contrast_keys = {*WEIGHTING_KEYS, "contrast_block"} if weighting else set()
        allowed = hyper | contrast_keys | {"name", "fn", "gather"}
        extra = sorted(set(cfg) - allowed)
        if extra:
            raise ConfigError(
                f"loss={cfg.name}: unknown keys {extra} for {cfg.fn}; valid: {sorted(allowed)}"
            )
        kwargs = {k: cfg[k] for k in hyper if k in cfg}
        if kwargs.get("weights_on", "logit") not in WEIGHTS_ON:
            raise ConfigError(
                f"loss.weights_on={kwargs['weights_on']}: must be one of {', '.join(WEIGHTS_ON)}"
            )
        for key, (valid, what) in BOUNDS.items():
            if key in kwargs and not valid(kwargs[key]):
                raise ConfigError(f"loss.{key}={kwargs[key]}: must be {what}")
        gather = cfg.get("gather", True)
        if not isinstance(gather, bool):
            raise ConfigError(f"loss.gather={gather}: must be true or false")
        block = cfg.get("contrast_block")
        if block is not None and (
            isinstance(block, bool) or not isinstance(block, int) or block < 1
        ):
            raise ConfigError(
                f"loss.contrast_block={block}: must be a positive integer (items per block, as "
                "the released code's per-GPU batch) or null (the whole batch)"
            )
        dtype = LOSS_DTYPES[loss_dtype]
        return cls(cfg.name, fn, tensors, kwargs, weighting, gather, block and int(block), dtype)

    @property
    def kind(self) -> str:
        """pairwise | sft | contrast | kto | group: decides the batch layout (`layouts.plan`)."""
        return loss_kind(self.tensors)

    @property
    def needs_reference(self) -> bool:
        return any(name.startswith("ref_") for name in self.tensors)

    @property
    def needs_embeddings(self) -> bool:
        return self.weighting is not None and self.weighting["strategy"] == "embedding"

    def __call__(self, tensors: dict[str, Tensor]) -> LossOutput:
        """`tensors`: the batch's tensors by their `rpo_exp.losses` argument names, plus
        `chosen_prompt_emb` and `rejected_prompt_emb` when the weighting needs them, and
        `chosen_positions`/`rejected_positions` (each side's items' places in the batch) for
        `contrast_block`."""
        if self.dtype != torch.float32:  # log-probs and embeddings rounded, the loss computed in it
            tensors = {
                k: v.to(self.dtype) if v.is_floating_point() else v for k, v in tensors.items()
            }
        with loss_precision(self.dtype):
            if self.contrast_block is not None and self.weighting is not None:
                return blockwise(self._loss, tensors, self.contrast_block)
            return self._loss(tensors)

    def _loss(self, tensors: dict[str, Tensor]) -> LossOutput:
        if self.weighting is not None:
            tensors = tensors | {
                "weights": contrast_weights(
                    **self.weighting,
                    chosen_prompt_emb=tensors.get("chosen_prompt_emb"),
                    rejected_prompt_emb=tensors.get("rejected_prompt_emb"),
                    num_chosen=len(tensors["policy_chosen_logps"]),
                    num_rejected=len(tensors["policy_rejected_logps"]),
                ).to(device=tensors["policy_chosen_logps"].device, dtype=self.dtype)
            }
        return self.fn(**{name: tensors[name] for name in self.tensors}, **self.kwargs)


def blockwise(
    loss: Callable[[dict[str, Tensor]], LossOutput], tensors: dict[str, Tensor], size: int
) -> LossOutput:
    """The contrast loss within consecutive blocks of `size` batch items, averaged over the
    blocks (docs/method.md, "RPO contrast matrix"): what the released code optimises with a
    per-GPU batch of `size`. A block without a chosen or without a rejected item (unpaired
    data) has no contrast and is left out, counted in `rpo/empty_blocks`."""
    chosen_block = tensors["chosen_positions"] // size
    rejected_block = tensors["rejected_positions"] // size
    outs, empty = [], 0
    for block in torch.cat([chosen_block, rejected_block]).unique().tolist():
        rows, cols = chosen_block == block, rejected_block == block
        if not rows.any() or not cols.any():
            empty += 1
            continue
        side = {"chosen": rows, "rejected": cols}  # policy_chosen_logps, chosen_prompt_emb, ..
        part = {
            name: next((value[m] for key, m in side.items() if key in name), value)
            for name, value in tensors.items()
        }
        outs.append(loss(part))
    if not outs:
        raise ConfigError(
            f"loss.contrast_block={size}: no block of {size} items of this batch holds both a "
            "chosen and a rejected response; use a larger block"
        )
    shared = set.intersection(*(set(out.metrics) for out in outs))  # effective_beta: square only
    metrics = {key: torch.stack([out.metrics[key] for out in outs]).mean() for key in shared}
    metrics |= {"rpo/contrast_blocks": torch.tensor(len(outs)), "rpo/empty_blocks": empty}
    return LossOutput(
        loss=torch.stack([out.loss for out in outs]).mean(),
        chosen_rewards=torch.cat([out.chosen_rewards for out in outs]),
        rejected_rewards=torch.cat([out.rejected_rewards for out in outs]),
        metrics=metrics,
    )


def loss_kind(tensors: tuple[str, ...]) -> str:
    if "group_ids" in tensors:
        return "group"
    if "desirable" in tensors:
        return "kto"
    if "weights" in tensors:
        return "contrast"
    if "policy_rejected_logps" not in tensors:
        return "sft"
    return "pairwise"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _key_of(message: str) -> str:
    """The config key a contrast_weights error is about (its argument name, mapped back)."""
    arg = message.split()[0]
    return next((key for key, a in WEIGHTING_KEYS.items() if a == arg), arg)
