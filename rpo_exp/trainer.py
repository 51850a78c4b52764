"""The training loop: micro-batched, gradient-exact for losses that couple a batch (RPO).

Reference log-probs come from the initial policy, computed once before the first update for
every item training will see and for the test split; no reference forward runs in a step.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass, replace

import torch
from omegaconf import DictConfig
from tqdm.auto import tqdm
from transformers import PreTrainedModel, get_scheduler

from rpo_exp.data.tokenization import PairItem, collate_pairs
from rpo_exp.errors import ConfigError
from rpo_exp.logprobs import sequence_logps
from rpo_exp.objective import Objective
from rpo_exp.tracking import Tracker

log = logging.getLogger(__name__)
OPTIMIZERS = {"rmsprop": torch.optim.RMSprop, "adamw": torch.optim.AdamW}


@dataclass
class Split:
    """Tokenized items plus what is precomputed per item (row = `item.index`)."""

    items: list[PairItem]
    embeddings: torch.Tensor | None = None  # [n, dim] prompt embeddings
    ref_logps: torch.Tensor | None = None  # [n, 2] reference logp(chosen), logp(rejected)


@dataclass
class PolicyLogps:
    chosen: torch.Tensor
    rejected: torch.Tensor
    chosen_lengths: torch.Tensor
    rejected_lengths: torch.Tensor

    @staticmethod
    def cat(parts: list[PolicyLogps]) -> PolicyLogps:
        return PolicyLogps(
            *(torch.cat(t) for t in zip(*(vars(p).values() for p in parts), strict=True))
        )


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


class Trainer:
    def __init__(
        self,
        cfg: DictConfig,
        model: PreTrainedModel,
        objective: Objective,
        pad_id: int,
        tracker: Tracker,
        seed: int,
    ):
        self.cfg, self.model, self.objective = cfg, model, objective
        self.pad_id, self.tracker, self.seed = pad_id, tracker, seed

    # -- log-probs --------------------------------------------------------------------------
    def policy_logps(self, items: list[PairItem]) -> PolicyLogps:
        """One concatenated forward for the chosen and rejected sequences of `items`."""
        logps, lengths = sequence_logps(self.model, collate_pairs(items, self.pad_id))
        n = len(items)
        return PolicyLogps(logps[:n], logps[n:], lengths[:n], lengths[n:])

    @torch.no_grad()
    def all_logps(self, items: list[PairItem], desc: str) -> PolicyLogps:
        size = self.cfg.eval_batch_size
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        return PolicyLogps.cat([self.policy_logps(c) for c in tqdm(chunks, desc=desc, leave=False)])

    def reference_logps(self, split: Split, indices: list[int], desc: str) -> PolicyLogps:
        """Fill `split.ref_logps` rows `indices` from the current (= initial) policy."""
        logps = self.all_logps([split.items[i] for i in indices], desc)
        split.ref_logps = torch.full((len(split.items), 2), float("nan"))
        split.ref_logps[indices] = torch.stack([logps.chosen, logps.rejected], 1).cpu()
        return logps

    # -- loss -------------------------------------------------------------------------------
    def loss(self, split: Split, items: list[PairItem], policy: PolicyLogps):
        idx = torch.tensor([it.index for it in items])
        device = policy.chosen.device
        tensors = {
            "policy_chosen_logps": policy.chosen,
            "policy_rejected_logps": policy.rejected,
            "chosen_lengths": policy.chosen_lengths,
            "rejected_lengths": policy.rejected_lengths,
        }
        if self.objective.needs_reference:
            ref = split.ref_logps[idx].to(device)
            if ref.isnan().any():
                raise RuntimeError("reference log-probs missing for a batch item")
            tensors |= {"ref_chosen_logps": ref[:, 0], "ref_rejected_logps": ref[:, 1]}
        if self.objective.needs_embeddings:
            emb = split.embeddings[idx].to(device)
            tensors |= {"chosen_prompt_emb": emb, "rejected_prompt_emb": emb}
        out = self.objective(tensors)
        return out, batch_metrics(out, policy)

    def backward(self, split: Split, items: list[PairItem]) -> dict[str, float]:
        """Loss and gradients of the whole batch, exactly, whatever the micro-batch size.

        One micro-batch: a plain forward/backward. Several: log-probs of all micro-batches
        without graph, the loss and its gradient w.r.t. those log-probs on the full batch (so
        RPO's M x N matrix spans the global batch), then each micro-batch is re-run with graph
        and back-propagates its slice of that gradient (as GradCache does).
        """
        size = self.cfg.micro_batch_size
        micro = [items[i : i + size] for i in range(0, len(items), size)]
        if len(micro) == 1:
            out, metrics = self.loss(split, items, self.policy_logps(items))
            out.loss.backward()
            return metrics
        with torch.no_grad():
            policy = PolicyLogps.cat([self.policy_logps(m) for m in micro])
        leaves = [policy.chosen.requires_grad_(), policy.rejected.requires_grad_()]
        out, metrics = self.loss(split, items, policy)
        grads = torch.autograd.grad(out.loss, leaves, allow_unused=True)
        grads = [
            torch.zeros_like(x) if g is None else g for x, g in zip(leaves, grads, strict=True)
        ]
        for m, g_chosen, g_rejected in zip(micro, *(g.split(size) for g in grads), strict=True):
            part = self.policy_logps(m)
            ((part.chosen * g_chosen).sum() + (part.rejected * g_rejected).sum()).backward()
        return metrics

    # -- loops ------------------------------------------------------------------------------
    @torch.no_grad()
    def evaluate(self, split: Split, step: int, policy: PolicyLogps | None = None) -> dict:
        """Test metrics (`eval/` names) over batches of `trainer.batch_size`, in file order."""
        self.model.eval()
        policy = policy or self.all_logps(split.items, f"eval step {step}")
        totals, size = defaultdict(float), self.cfg.batch_size
        for start in range(0, len(split.items), size):
            items = split.items[start : start + size]
            part = PolicyLogps(*(t[start : start + size] for t in vars(policy).values()))
            for key, value in self.loss(split, items, part)[1].items():
                totals[key] += value * len(items)
        metrics = {f"eval/{k}": v / len(split.items) for k, v in totals.items()}
        self.tracker.log({"step": step, **metrics})
        return metrics

    def fit(self, train: Split, test: Split) -> tuple[dict, dict]:
        """Train for trainer.max_steps (or trainer.epochs); returns eval metrics before/after."""
        cfg, model = self.cfg, self.model
        test = eval_subset(test, cfg.eval_max_examples)
        order = batch_order(len(train.items), cfg, self.seed)
        initial_test = None
        if self.objective.needs_reference:
            self.reference_logps(train, sorted({i for b in order for i in b}), "reference logps")
            # The reference is the initial policy: its test log-probs are the step-0 policy's.
            initial_test = self.reference_logps(
                test, list(range(len(test.items))), "reference logps (test)"
            )
        before = self.evaluate(test, 0, initial_test)

        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = OPTIMIZERS[cfg.optimizer](params, lr=cfg.lr, weight_decay=cfg.weight_decay)
        scheduler = get_scheduler(
            cfg.lr_scheduler,
            optimizer,
            num_warmup_steps=cfg.warmup_steps,
            num_training_steps=len(order),
        )
        bar = tqdm(order, desc="train", unit="step")
        for step, indices in enumerate(bar, 1):
            start = time.perf_counter()
            model.train()
            items = [train.items[i] for i in indices]
            metrics = self.backward(train, items)
            clip = cfg.max_grad_norm if cfg.max_grad_norm is not None else math.inf
            grad_norm = torch.nn.utils.clip_grad_norm_(params, clip)
            lr = scheduler.get_last_lr()[0]
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            seconds = time.perf_counter() - start
            tokens = sum(
                len(it.prompt_ids) * 2 + len(it.chosen_ids) + len(it.rejected_ids) for it in items
            )
            metrics |= {
                "grad_norm": float(grad_norm),
                "lr": lr,
                "examples_seen": step * cfg.batch_size,
                "perf/step_seconds": seconds,
                "perf/tokens_per_second": tokens / seconds,
            }
            self.tracker.log({"step": step, **metrics})
            bar.set_postfix(
                loss=f"{metrics['loss']:.4f}", acc=f"{metrics.get('rewards/accuracies', 0):.2f}"
            )
        after = self.evaluate(test, len(order))
        return before, after


def eval_subset(split: Split, limit: int | None) -> Split:
    """At most `limit` test items, the same seeded choice for every run (comparable evals)."""
    if limit is None or limit >= len(split.items):
        return split
    keep = sorted(
        torch.randperm(len(split.items), generator=torch.Generator().manual_seed(0))[
            :limit
        ].tolist()
    )
    embeddings = split.embeddings[keep] if split.embeddings is not None else None
    items = [replace(split.items[i], index=j) for j, i in enumerate(keep)]
    return Split(items, embeddings)


def batch_metrics(out, policy: PolicyLogps) -> dict[str, float]:
    """SPEC 6 names for one batch: loss, rewards/* on the paired diagonal, logps/*, loss extras."""
    metrics = {"loss": out.loss.item()}
    if out.chosen_rewards is not None and out.rejected_rewards is not None:
        chosen, rejected = out.chosen_rewards.float(), out.rejected_rewards.float()
        metrics["rewards/chosen"] = chosen.mean().item()
        metrics["rewards/rejected"] = rejected.mean().item()
        if chosen.shape == rejected.shape:
            metrics["rewards/margins"] = (chosen - rejected).mean().item()
            metrics["rewards/accuracies"] = (chosen > rejected).float().mean().item()
    metrics["logps/chosen"] = policy.chosen.detach().float().mean().item()
    metrics["logps/rejected"] = policy.rejected.detach().float().mean().item()
    metrics |= {k: float(v) for k, v in out.metrics.items()}
    return metrics
