"""From a `loss=` config to a call of a pure loss function of `rpo_exp.losses` on a batch's
tensors.

The trainer knows batches, not formulas: a loss config names a function of `rpo_exp.losses`
(`fn`) and its hyperparameters; the function's parameters that are batch tensors
(`BATCH_TENSORS`) say which tensors it needs and so which batch shape. Adding a loss is one
function + one YAML + one test.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

from omegaconf import DictConfig
from torch import Tensor

from rpo_exp import losses
from rpo_exp.common.errors import ConfigError
from rpo_exp.losses import LossOutput, contrast_weights
from rpo_exp.losses.contrast import check_contrast_args

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
LOSS_FUNCTIONS = tuple(name for name in losses.__all__ if name.endswith("_loss"))


@dataclass(frozen=True)
class Objective:
    name: str
    fn: Callable[..., LossOutput]
    tensors: tuple[str, ...]  # the batch tensors fn takes, by parameter name
    kwargs: dict  # hyperparameters from the loss config
    weighting: dict | None  # contrast_weights arguments, for losses that take `weights`
    gather: bool = True  # global-batch loss on all ranks (docs/method.md, "Multi-process training")

    @classmethod
    def from_config(cls, cfg: DictConfig) -> Objective:
        """Validate the `loss` group before any weights load; errors name the key."""
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
        allowed = hyper | (set(WEIGHTING_KEYS) if weighting else set()) | {"name", "fn", "gather"}
        extra = sorted(set(cfg) - allowed)
        if extra:
            raise ConfigError(
                f"loss={cfg.name}: unknown keys {extra} for {cfg.fn}; valid: {sorted(allowed)}"
            )
        kwargs = {k: cfg[k] for k in hyper if k in cfg}
        for key in ("beta", "tau"):
            if key in kwargs and not kwargs[key] > 0:
                raise ConfigError(f"loss.{key}={kwargs[key]}: must be > 0")
        gather = cfg.get("gather", True)
        if not isinstance(gather, bool):
            raise ConfigError(f"loss.gather={gather}: must be true or false")
        return cls(cfg.name, fn, tensors, kwargs, weighting, gather)

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
        `chosen_prompt_emb` and `rejected_prompt_emb` when the weighting needs them."""
        if self.weighting is not None:
            tensors = tensors | {
                "weights": contrast_weights(
                    **self.weighting,
                    chosen_prompt_emb=tensors.get("chosen_prompt_emb"),
                    rejected_prompt_emb=tensors.get("rejected_prompt_emb"),
                    num_chosen=len(tensors["policy_chosen_logps"]),
                    num_rejected=len(tensors["policy_rejected_logps"]),
                ).to(tensors["policy_chosen_logps"].device)
            }
        return self.fn(**{name: tensors[name] for name in self.tensors}, **self.kwargs)


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
