"""The training loop: micro-batched, gradient-exact for losses that couple a batch (RPO).

Reference log-probs come from the initial policy, computed once before the first update for
every sequence training and evaluation will use; no reference forward runs in a step.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

import torch
from omegaconf import DictConfig
from tqdm.auto import tqdm
from transformers import PreTrainedModel, get_scheduler

from rpo_exp.batching import CHOSEN, SeqKey, SeqLogps
from rpo_exp.data.tokenization import PairItem, collate
from rpo_exp.errors import ConfigError
from rpo_exp.logprobs import sequence_logps
from rpo_exp.losses import LossOutput
from rpo_exp.objective import Objective
from rpo_exp.tracking import Tracker

log = logging.getLogger(__name__)
OPTIMIZERS = {"rmsprop": torch.optim.RMSprop, "adamw": torch.optim.AdamW}


@dataclass
class Split:
    """Tokenized items plus what is precomputed for them."""

    items: list[PairItem]
    embeddings: torch.Tensor | None = None  # [n, dim] prompt embeddings, row = item index
    ref: dict[SeqKey, float] = field(default_factory=dict)  # reference logp per sequence

    def sequence(self, key: SeqKey) -> tuple[tuple[int, ...], tuple[int, ...]]:
        prompt, response, slot = key
        item = self.items[response]
        return self.items[
            prompt
        ].prompt_ids, item.chosen_ids if slot == CHOSEN else item.rejected_ids

    def lengths(self, keys: list[SeqKey]) -> torch.Tensor:
        """|y|: every response token is scored (prompts have at least one token)."""
        return torch.tensor([len(self.sequence(k)[1]) for k in keys])


def batch_order(n_items: int, cfg: DictConfig, seed: int) -> list[list[int]]:
    """Item indices of every training step: a seeded permutation per epoch, full batches only
    (the contrast matrix and effective beta depend on the batch size)."""
    per_epoch = n_items // cfg.batch_size
    if per_epoch == 0:
        raise ConfigError(
            f"trainer.batch_size={cfg.batch_size} is larger than the {n_items} training examples"
        )
    total = cfg.max_steps if cfg.max_steps is not None else cfg.epochs * per_epoch
    steps = []
    for epoch in range(math.ceil(total / per_epoch)):
        perm = torch.randperm(n_items, generator=torch.Generator().manual_seed(seed + epoch))
        steps += perm[: per_epoch * cfg.batch_size].view(per_epoch, cfg.batch_size).tolist()
    return steps[:total]


def eval_batches(split: Split, cfg: DictConfig) -> list[list[int]]:
    """At most `trainer.eval_max_examples` test items (the same seeded choice for every run,
    so evaluations compare), in batches of `trainer.batch_size`."""
    n = len(split.items)
    keep = list(range(n))
    if cfg.eval_max_examples is not None and cfg.eval_max_examples < n:
        perm = torch.randperm(n, generator=torch.Generator().manual_seed(0))
        keep = sorted(perm[: cfg.eval_max_examples].tolist())
    return [keep[i : i + cfg.batch_size] for i in range(0, len(keep), cfg.batch_size)]


class Trainer:
    def __init__(
        self,
        cfg: DictConfig,
        model: PreTrainedModel,
        objective: Objective,
        pad_id: int,
        tracker: Tracker | None,
        seed: int,
    ):
        self.cfg, self.model, self.objective, self.shape = cfg, model, objective, objective.shape
        self.pad_id, self.tracker, self.seed = pad_id, tracker, seed

    # -- log-probs --------------------------------------------------------------------------
    def forward(self, split: Split, keys: list[SeqKey]) -> torch.Tensor:
        """logp(y) of each keyed sequence: one concatenated policy forward."""
        batch = collate([split.sequence(k) for k in keys], self.pad_id)
        return sequence_logps(self.model, batch)[0]

    @torch.no_grad()
    def logps_table(self, split: Split, keys: list[SeqKey], desc: str) -> dict[SeqKey, float]:
        """logp(y) of every distinct key, in chunks of `trainer.eval_batch_size` sequences."""
        self.model.eval()
        unique = list(dict.fromkeys(keys))
        size = self.cfg.eval_batch_size
        table = {}
        for start in tqdm(range(0, len(unique), size), desc=desc, leave=False):
            chunk = unique[start : start + size]
            table.update(zip(chunk, self.forward(split, chunk).tolist(), strict=True))
        return table

    def ref_of(self, split: Split, keys: list[SeqKey], device) -> torch.Tensor | None:
        if not self.objective.needs_reference:
            return None
        return torch.tensor([split.ref[k] for k in keys], device=device)

    # -- loss -------------------------------------------------------------------------------
    def loss(
        self, split: Split, indices: list[int], graded: torch.Tensor, frozen: torch.Tensor | None
    ) -> tuple[LossOutput, dict[str, float]]:
        """The objective on one batch, from the policy log-probs of its graded (and frozen,
        no-gradient) sequences."""
        graded_keys, frozen_keys = self.shape.keys(indices)
        device = graded.device
        seqs = SeqLogps(
            graded, self.ref_of(split, graded_keys, device), split.lengths(graded_keys).to(device)
        )
        frozen_seqs = None
        if frozen_keys:
            frozen_seqs = SeqLogps(
                frozen, self.ref_of(split, frozen_keys, device), split.lengths(frozen_keys)
            )
        tensors = self.shape.tensors(indices, seqs, frozen_seqs)
        if self.objective.needs_embeddings:
            tensors |= self.shape.prompt_embeddings(indices, split.embeddings.to(device))
        out = self.objective(tensors)
        return out, batch_metrics(out, tensors)

    def backward(self, split: Split, indices: list[int]) -> dict[str, float]:
        """Loss and gradients of the whole batch, exactly, whatever the micro-batch size.

        One micro-batch: a plain forward/backward. Several: log-probs of all micro-batches
        without graph, the loss and its gradient w.r.t. those log-probs on the full batch (so
        RPO's M x N matrix spans the global batch), then each micro-batch is re-run with graph
        and back-propagates its slice of that gradient (as GradCache does).
        """
        graded_keys, frozen_keys = self.shape.keys(indices)
        frozen = None
        if frozen_keys:  # sequences whose log-probs enter the loss without gradient (KTO's z0)
            with torch.no_grad():
                frozen = self.forward(split, frozen_keys)
        self.model.train()
        chunk = len(graded_keys) * self.cfg.micro_batch_size // len(indices)
        micro = [graded_keys[i : i + chunk] for i in range(0, len(graded_keys), chunk)]
        if len(micro) == 1:
            out, metrics = self.loss(split, indices, self.forward(split, graded_keys), frozen)
            out.loss.backward()
            return metrics
        with torch.no_grad():
            graded = torch.cat([self.forward(split, keys) for keys in micro]).requires_grad_()
        out, metrics = self.loss(split, indices, graded, frozen)
        (grad,) = torch.autograd.grad(out.loss, graded, allow_unused=True)
        if grad is not None:
            for keys, part in zip(micro, grad.split(chunk), strict=True):
                (self.forward(split, keys) * part).sum().backward()
        return metrics

    # -- loops ------------------------------------------------------------------------------
    def sequence_keys(self, batches: list[list[int]]) -> list[SeqKey]:
        return [k for b in batches for keys in self.shape.keys(b) for k in keys]

    @torch.no_grad()
    def evaluate(
        self, split: Split, batches: list[list[int]], step: int, table: dict | None = None
    ) -> dict[str, float]:
        """Test metrics (`eval/` names), averaged over `batches` weighted by their size."""
        table = table or self.logps_table(split, self.sequence_keys(batches), f"eval step {step}")
        totals, count = defaultdict(float), 0
        for indices in batches:
            graded_keys, frozen_keys = self.shape.keys(indices)
            graded = torch.tensor([table[k] for k in graded_keys])
            frozen = torch.tensor([table[k] for k in frozen_keys]) if frozen_keys else None
            for key, value in self.loss(split, indices, graded, frozen)[1].items():
                totals[key] += value * len(indices)
            count += len(indices)
        metrics = {f"eval/{k}": v / count for k, v in totals.items()}
        self.log(step, metrics)
        return metrics

    def log(self, step: int, metrics: dict[str, float]) -> None:
        if self.tracker is not None:
            self.tracker.log({"step": step, **metrics})

    def fit(self, train: Split, test: Split) -> tuple[dict, dict]:
        """Train for trainer.max_steps (or trainer.epochs); returns eval metrics before/after."""
        cfg, model = self.cfg, self.model
        order = batch_order(len(train.items), cfg, self.seed)
        tests = eval_batches(test, cfg)
        initial = None
        if self.objective.needs_reference:
            train.ref = self.logps_table(train, self.sequence_keys(order), "reference logps")
            # The reference is the initial policy: its test log-probs are the step-0 policy's.
            test.ref = initial = self.logps_table(
                test, self.sequence_keys(tests), "reference logps (test)"
            )
        before = self.evaluate(test, tests, 0, initial)

        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = OPTIMIZERS[cfg.optimizer](params, lr=cfg.lr, weight_decay=cfg.weight_decay)
        scheduler = get_scheduler(
            cfg.lr_scheduler,
            optimizer,
            num_warmup_steps=cfg.warmup_steps,
            num_training_steps=len(order),
        )
        clip = cfg.max_grad_norm if cfg.max_grad_norm is not None else math.inf
        bar = tqdm(order, desc="train", unit="step")
        for step, indices in enumerate(bar, 1):
            start = time.perf_counter()
            metrics = self.backward(train, indices)
            grad_norm = torch.nn.utils.clip_grad_norm_(params, clip)
            lr = scheduler.get_last_lr()[0]
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            seconds = time.perf_counter() - start
            graded, frozen = self.shape.keys(indices)
            tokens = sum(sum(map(len, train.sequence(k))) for k in graded + frozen)
            metrics |= {
                "grad_norm": float(grad_norm),
                "lr": lr,
                "examples_seen": step * cfg.batch_size,
                "perf/step_seconds": seconds,
                "perf/tokens_per_second": tokens / seconds,
            }
            self.log(step, metrics)
            bar.set_postfix(loss=f"{metrics['loss']:.4f}")
        after = self.evaluate(test, tests, len(order))
        return before, after


def batch_metrics(out: LossOutput, tensors: dict[str, torch.Tensor]) -> dict[str, float]:
    """SPEC 6 names for one batch: loss, rewards/* (accuracies on the paired diagonal),
    logps/*, and the loss's own diagnostics."""
    metrics = {"loss": out.loss.item()}
    if out.chosen_rewards is not None and out.rejected_rewards is not None:
        chosen, rejected = out.chosen_rewards.float(), out.rejected_rewards.float()
        if len(chosen):
            metrics["rewards/chosen"] = chosen.mean().item()
        if len(rejected):
            metrics["rewards/rejected"] = rejected.mean().item()
        if chosen.shape == rejected.shape and len(chosen):
            metrics["rewards/margins"] = (chosen - rejected).mean().item()
            metrics["rewards/accuracies"] = (chosen > rejected).float().mean().item()
    if "desirable" in tensors:
        logps, desirable = tensors["policy_logps"].detach(), tensors["desirable"]
        chosen, rejected = logps[desirable], logps[~desirable]
    else:
        chosen, rejected = tensors["policy_chosen_logps"], tensors.get("policy_rejected_logps")
    metrics["logps/chosen"] = chosen.detach().float().mean().item()
    if rejected is not None:
        metrics["logps/rejected"] = rejected.detach().float().mean().item()
    metrics |= {k: float(v) for k, v in out.metrics.items()}
    return metrics
