"""From a `loss=` config to a call of a pure loss function of `rpo_exp.losses` on a batch's
tensors.

The trainer knows batches, not formulas: a loss config names a function of `rpo_exp.losses`
(`fn`) and its hyperparameters; the function's parameters that are batch tensors
(`BATCH_TENSORS`) say which tensors it needs and so which batch layout. Adding a loss takes a
function named `<name>_loss` in `rpo_exp/losses/` exported in `rpo_exp.losses.__all__` (only
those are valid `loss.fn` values), a `conf/loss/<name>.yaml` naming it in `fn`, and a test.
"""

from __future__ import annotations

import dataclasses
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
from rpo_exp.losses.contrast import WEIGHTING_OPTIONS, contrast_problems
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
LOSS_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}
LOSS_FUNCTIONS = tuple(name for name in losses.__all__ if name.endswith("_loss"))
MIX = "mix"  # loss.fn of a weighted sum of losses (`mixture`)
BOUNDS = {  # loss function argument -> (valid?, what is valid): each function's own domain
    "beta": (lambda v: v > 0, "> 0"),
    "label_smoothing": (lambda v: 0 <= v < 0.5, "in [0, 0.5) (a flip rate; 0.5 learns nothing)"),
    "reward_temperature": (lambda v: v > 0, "> 0"),
    "p": (lambda v: v >= 0, ">= 0"),
    "alpha": (lambda v: v >= 0, ">= 0"),  # a loss's own alpha (SWEPO); the weighting's: contrast
    "desirable_weight": (lambda v: v >= 0, ">= 0"),
    "nll_weight": (lambda v: v >= 0, ">= 0"),
    "undesirable_weight": (lambda v: v >= 0, ">= 0"),
    "discopop_tau": (lambda v: v > 0, "> 0"),
}
OWN_BOUNDS = {  # (loss function, argument) -> a narrower domain than BOUNDS'
    ("exo_pair_loss", "label_smoothing"): (lambda v: 0 < v < 0.5, "in (0, 0.5) for EXO (log eps)"),
}


@dataclass(frozen=True)
class Objective:
    name: str
    fn: Callable[..., LossOutput]
    tensors: tuple[str, ...]  # the batch tensors fn takes, by parameter name
    kwargs: dict  # fn's hyperparameters, from the loss keys of the same names
    weighting: dict | None  # contrast_weights' options (the loss keys of the same names)
    unpaired: bool = False  # loss.unpaired: paired data as independent items (M x N contrast)
    gather: bool = True  # global-batch loss on all ranks (docs/method.md, "Multi-process training")
    contrast_block: int | None = None  # protocol.contrast_block (None: the whole batch)
    dtype: torch.dtype = torch.float32  # protocol.loss_dtype: the loss arithmetic's
    sft_weight: float = 0.0  # loss.sft_weight: the chosen responses' NLL added, this times
    terms: tuple[tuple[str, float, Objective], ...] = ()  # loss=mix: (name, weight, term)
    ld_alpha: float | None = None  # loss.ld_alpha: LD-DPO's weight of a pair's tail tokens
    wpo: bool = False  # loss.wpo: each pair's loss weighted by the policy's WPO weights

    @classmethod
    def from_config(cls, loss: DictConfig, protocol: DictConfig) -> Objective:
        """The objective of the `loss` group (its keys and types checked by
        `rpo_exp.config.schema`), with `protocol.contrast_block` and `protocol.loss_dtype`
        (docs/reproducing.md), a weighted sum for `loss=mix` (`mixture`), plus
        `loss.sft_weight` times the chosen responses' NLL, with `loss.ld_alpha` (LD-DPO) on the
        log-probs; a value no loss can use fails here, naming its key."""
        objective = mixture(loss, protocol) if loss.get("fn") == MIX else cls.single(loss, protocol)
        weight = loss.get("sft_weight", 0.0)
        check_finite({"sft_weight": weight}, {"sft_weight": 0.0})
        if weight < 0:
            raise ConfigError(f"loss.sft_weight={weight}: must be >= 0")
        if weight and objective.kind not in ("pairwise", "contrast", "sft"):
            raise ConfigError(
                f"loss.sft_weight={weight} adds the NLL of chosen responses: loss={loss.name} "
                f"({objective.kind} batches) has none; use it with a paired or contrast loss"
            )
        ld_alpha, wpo = loss.get("ld_alpha"), bool(loss.get("wpo", False))
        objective = dataclasses.replace(
            objective, sft_weight=float(weight), ld_alpha=ld_alpha, wpo=wpo
        )
        check_ld_alpha(objective)
        check_wpo(objective)
        return objective

    @classmethod
    def single(cls, loss: DictConfig, protocol: DictConfig) -> Objective:
        """One loss function's objective (`loss.fn`)."""
        fn = loss_function(loss.get("fn"))
        tensors = batch_tensors(fn)
        defaults = hyperparameters(fn)
        check_weights_on(loss, defaults)
        kwargs = {key: loss[key] for key in defaults if key in loss}
        check_finite(kwargs, defaults)
        check_bounds(kwargs, fn.__name__)
        weighting = contrast_options(loss) if "weights" in tensors else None
        return cls(
            loss.name,
            fn,
            tensors,
            kwargs,
            weighting,
            unpaired=weighting is not None and loss.unpaired,
            gather=loss.gather,
            contrast_block=contrast_block(protocol.contrast_block),
            dtype=LOSS_DTYPES[protocol.loss_dtype],
        )

    @property
    def kind(self) -> str:
        """pairwise | sft | contrast | kto | group: decides the batch layout (`layouts.plan`)."""
        return loss_kind(self.tensors)

    @property
    def needs_reference(self) -> bool:
        return any(name.startswith("ref_") for name in self.tensors)

    @property
    def parts(self) -> list[Objective]:
        """The losses it sums: a mix's terms, else itself."""
        return [term for _, _, term in self.terms] or [self]

    @property
    def needs_embeddings(self) -> bool:
        return self.weighting is not None and self.weighting["weighting"] == "embedding"

    def __call__(self, tensors: dict[str, Tensor]) -> LossOutput:
        """`tensors`: the batch's tensors by their `rpo_exp.losses` argument names, plus
        `chosen_prompt_emb` and `rejected_prompt_emb` when the weighting needs them, and
        `chosen_positions`/`rejected_positions` (each side's items' places in the batch) for
        `protocol.contrast_block`."""
        if self.dtype != torch.float32:  # log-probs and embeddings rounded, the loss computed in it
            tensors = {
                k: v.to(self.dtype) if v.is_floating_point() else v for k, v in tensors.items()
            }
        with loss_precision(self.dtype):
            if self.contrast_block is not None and self.weighting is not None:
                out = blockwise(self._loss, tensors, self.contrast_block)
            else:
                out = self._loss(tensors)
            if not self.sft_weight:
                return out
            nll = losses.sft_loss(tensors["policy_chosen_logps"], tensors["chosen_lengths"])
            nll = (wpo_weighted(nll, tensors) if self.wpo else nll).loss
            metrics = {"loss/preference": out.loss.detach(), "loss/sft": nll.detach()}
            return dataclasses.replace(
                out, loss=out.loss + self.sft_weight * nll, metrics=out.metrics | metrics
            )

    def _loss(self, tensors: dict[str, Tensor]) -> LossOutput:
        if self.terms:
            return mixed(self.terms, tensors, self.wpo)
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
        out = self.fn(**{name: tensors[name] for name in self.tensors}, **self.kwargs)
        return wpo_weighted(out, tensors) if self.wpo else out


def wpo_weighted(out: LossOutput, tensors: dict[str, Tensor]) -> LossOutput:
    """WPO (Zhou et al. 2024, Eq. 2; TRL's `use_weighting`; docs/method.md, "WPO weighting"):
    each pair's loss times `exp(lw(y_w) + lw(y_l))`, the policy's WPO log-weights
    (`wpo_log_weights`, without gradient), averaged over the pairs; a loss of the whole batch
    (`sft`) counts once per pair, as TRL expands it."""
    log_weights = tensors["chosen_log_weights"] + tensors["rejected_log_weights"]
    weights = torch.exp(log_weights.to(out.loss.dtype))
    per_item = out.per_item if out.per_item is not None else out.loss.expand(len(weights))
    weighted = per_item * weights
    metrics = out.metrics | {"wpo/weight": weights.mean().detach()}
    return dataclasses.replace(out, loss=weighted.mean(), per_item=weighted, metrics=metrics)


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
            f"protocol.contrast_block={size}: no block of {size} items of this batch holds both a "
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


def mixture(loss: DictConfig, protocol: DictConfig) -> Objective:
    """`loss=mix`: sum_k weights[k] x loss terms[k] (MPO, TRL's `loss_type` list with
    `loss_weights`), every term on the same paired batch, `loss.beta` and `loss.options` shared
    by each term that takes them (docs/method.md, "Combined losses")."""
    terms, weights = list(loss.terms), list(loss.weights)
    if not terms or len(terms) != len(weights):
        raise ConfigError(
            f"loss.terms={terms} and loss.weights={weights}: one weight per term, at least one"
        )
    if not all(_is_number(w) and math.isfinite(w) and w >= 0 for w in weights):
        raise ConfigError(f"loss.weights={weights}: each must be a finite number >= 0")
    shared = {"beta": loss.beta, **loss.options}
    built, used = [], set()
    for name, weight in zip(terms, weights, strict=True):
        if f"{name}_loss" not in LOSS_FUNCTIONS:
            valid = ", ".join(f.removesuffix("_loss") for f in LOSS_FUNCTIONS)
            raise ConfigError(f"loss.terms: {name} is no loss; terms are loss names: {valid}")
        fn = getattr(losses, f"{name}_loss")
        kind = loss_kind(batch_tensors(fn))
        if kind not in ("pairwise", "sft"):
            raise ConfigError(
                f"loss.terms: {name} needs {kind} batches; a mix sums losses of the same paired "
                "batch (pairwise losses and sft)"
            )
        taken = {key: value for key, value in shared.items() if key in hyperparameters(fn)}
        used |= set(taken)
        term_cfg = OmegaConf.create({"name": name, "fn": fn.__name__, "gather": loss.gather})
        term = Objective.single(OmegaConf.merge(term_cfg, taken), protocol)
        built.append((name, float(weight), term))
    unused = sorted(set(loss.options) - used)
    if unused:
        raise ConfigError(f"loss.options: {unused} is taken by none of loss.terms={terms}")
    tensors = tuple(dict.fromkeys(t for _, _, term in built for t in term.tensors))
    return Objective(
        loss.name,
        mixed,
        tensors,
        {},
        None,
        gather=loss.gather,
        contrast_block=contrast_block(protocol.contrast_block),
        dtype=LOSS_DTYPES[protocol.loss_dtype],
        terms=tuple(built),
    )


def mixed(
    terms: tuple[tuple[str, float, Objective], ...], tensors: dict[str, Tensor], wpo: bool = False
):
    """The weighted sum of the terms' losses, each logged as `loss/<term>` (each WPO-weighted
    first with `wpo`, as TRL weighs each loss type); rewards from the first term that defines
    them."""
    total, metrics, rewards = 0.0, {}, None
    for name, weight, term in terms:
        out = term._loss(tensors)
        out = wpo_weighted(out, tensors) if wpo else out
        total = total + weight * out.loss
        metrics |= out.metrics | {f"loss/{name}": out.loss.detach()}
        if rewards is None and out.chosen_rewards is not None:
            rewards = (out.chosen_rewards, out.rejected_rewards)
    chosen, rejected = rewards or (None, None)
    return LossOutput(loss=total, chosen_rewards=chosen, rejected_rewards=rejected, metrics=metrics)


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


def loss_function(name: str | None) -> Callable[..., LossOutput]:
    """The function of `rpo_exp.losses` that `loss.fn` names."""
    if name not in LOSS_FUNCTIONS:
        raise ConfigError(f"loss.fn={name}: must be one of {', '.join(LOSS_FUNCTIONS)}")
    return getattr(losses, name)


def batch_tensors(fn: Callable[..., LossOutput]) -> tuple[str, ...]:
    """The batch tensors `fn` takes (its parameters named in BATCH_TENSORS), in order."""
    params = inspect.signature(fn).parameters.values()
    tensors = tuple(p.name for p in params if p.name in BATCH_TENSORS)
    unknown = [
        p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.name not in tensors
    ]
    if unknown:
        raise ConfigError(f"loss.fn={fn.__name__} takes inputs no batch provides: {unknown}")
    return tensors


def hyperparameters(fn: Callable, only: tuple[str, ...] | None = None) -> dict[str, object]:
    """`fn`'s parameters that are no batch tensors (or those in `only`), with their defaults."""
    params = inspect.signature(fn).parameters.values()
    keep = [p for p in params if p.name not in BATCH_TENSORS and p.kind is not p.VAR_KEYWORD]
    return {p.name: p.default for p in keep if only is None or p.name in only}


def check_weights_on(loss: DictConfig, options: dict[str, object]) -> None:
    """`weighting=diagonal` sets `loss.weights_on` for every contrast loss: a loss without that
    option (SimPO+RPO) weighs the logits, so it takes `logit` only."""
    if "weights_on" in loss and "weights_on" not in options and loss.weights_on != "logit":
        raise ConfigError(
            f"loss.weights_on={loss.weights_on} (the released diagonal trainer) exists for "
            f"loss=rpo only; loss={loss.name} weighs the logits: set loss.weights_on=logit"
        )


def check_finite(values: dict[str, object], defaults: dict[str, object]) -> None:
    """Each value whose default is a number is a finite number (`loss.beta=abc`, `inf`)."""
    for key, value in sorted(values.items()):
        number = _is_number(value) and math.isfinite(value)
        if _is_number(defaults[key]) and value is not None and not number:
            raise ConfigError(f"loss.{key}={value}: must be a finite number")


def check_bounds(kwargs: dict[str, object], fn_name: str = "") -> None:
    """The loss function's hyperparameters within their domains (BOUNDS, then the function's
    own narrower ones, OWN_BOUNDS)."""
    own = {key: bound for (fn, key), bound in OWN_BOUNDS.items() if fn == fn_name}
    for bounds in (BOUNDS, own):
        for key, (valid, what) in bounds.items():
            if key in kwargs and not valid(kwargs[key]):
                raise ConfigError(f"loss.{key}={kwargs[key]}: must be {what}")


def check_ld_alpha(objective: Objective) -> None:
    """`loss.ld_alpha`: null, or a weight in [0, 1] of the tokens past a pair's shared length
    (docs/method.md, "Length-desensitized log-probs"), for losses on (chosen, rejected) pairs (a
    contrast, KTO or group batch has no single partner to share a length with) with a reference
    and no NLL term (TRL's takes the plain log-probs, this one would take the weighted ones)."""
    ld_alpha = objective.ld_alpha
    if ld_alpha is None:
        return
    check_finite({"ld_alpha": ld_alpha}, {"ld_alpha": 0.0})
    if not 0 <= ld_alpha <= 1:
        raise ConfigError(
            f"loss.ld_alpha={ld_alpha}: must be in [0, 1] (1: plain log-probs) or null (off)"
        )
    if objective.kind != "pairwise":
        raise ConfigError(
            f"loss.ld_alpha={ld_alpha} weighs the tokens past the length a chosen and its rejected "
            f"response share: loss={objective.name} ({objective.kind} batches) has no such pairs; "
            "use a pairwise loss (dpo, ipo, hinge, ..., or a mix of them)"
        )
    if objective.sft_weight:
        raise ConfigError(
            f"loss.ld_alpha={ld_alpha} with loss.sft_weight={objective.sft_weight}: the NLL would "
            "take the length-desensitized log-probs, TRL's takes the plain ones; drop one"
        )
    plain = [part.name for part in objective.parts if not part.needs_reference]
    if plain:
        raise ConfigError(
            f"loss.ld_alpha={ld_alpha} is LD-DPO's, for the losses with a reference (DPO and its "
            f"variants, as TRL): {', '.join(plain)} takes none (an NLL or length-normalised "
            "log-probs would take the weighted sums)"
        )


WPO_REFUSED = {  # pairwise losses WPO does not weigh, and why
    "aot_loss": "sorts the batch's margins: its terms belong to no single pair (TRL refuses it)",
    "aot_unpaired_loss": "sorts the batch's log-ratios: its terms belong to no single pair",
    "simpo_loss": "is no loss of TRL's DPOTrainer, whose weighting this is",
    "cpo_loss": "is no loss of TRL's DPOTrainer, whose weighting this is",
    "orpo_loss": "is no loss of TRL's DPOTrainer, whose weighting this is",
}


def check_wpo(objective: Objective) -> None:
    """`loss.wpo`: WPO weighs each (chosen, rejected) pair's loss (docs/method.md, "WPO
    weighting"), so the loss is a mean over pairs: TRL's DPO loss types, R-DPO and `sft` in a
    mix."""
    if not objective.wpo:
        return
    if objective.kind != "pairwise":
        raise ConfigError(
            f"loss.wpo=true weighs each (chosen, rejected) pair's loss: loss={objective.name} "
            f"({objective.kind} batches) has no such pairs; use a pairwise loss"
        )
    for part in objective.parts:
        why = WPO_REFUSED.get(part.fn.__name__)
        if why:
            raise ConfigError(f"loss.wpo=true: {part.name} {why}")


def contrast_options(loss: DictConfig) -> dict[str, object]:
    """`contrast_weights`' options, from the loss keys of the same names (docs/method.md,
    "Weighting strategies")."""
    options = {key: loss[key] for key in WEIGHTING_OPTIONS}
    check_finite(options, hyperparameters(contrast_weights, WEIGHTING_OPTIONS))
    problems = contrast_problems(**options)
    if problems:
        key, problem = next(iter(problems.items()))
        raise ConfigError(f"loss.{key}={options[key]}: {problem}")
    return options


def contrast_block(block: object) -> int | None:
    """`protocol.contrast_block`: a positive number of items, or None (the whole batch)."""
    if block is not None and (isinstance(block, bool) or not isinstance(block, int) or block < 1):
        raise ConfigError(
            f"protocol.contrast_block={block}: must be a positive integer (items per block, as "
            "the released code's per-GPU batch) or null (the whole batch)"
        )
    return block


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
