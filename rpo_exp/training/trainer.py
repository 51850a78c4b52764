"""The training loop: micro-batched, gradient-exact for losses that couple a batch (RPO).

Reference log-probs (`reference`: the initial policy, another model, none) are computed once
before the first update for every sequence training and evaluation will use, and again after
each TR-DPO sync for the steps up to the next; no reference forward runs in a step. Under
several processes (`accelerate launch`), every rank scores a shard of each batch and computes
the loss of the whole global batch (`distributed`); the model is wrapped by accelerate (DDP,
FSDP), which averages the gradients.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import torch
from accelerate import Accelerator
from omegaconf import DictConfig
from torch.optim.lr_scheduler import LambdaLR
from tqdm.auto import tqdm
from transformers import PreTrainedModel

from rpo_exp.common.cache import ValueStore, digest, missing_rows
from rpo_exp.common.choice import distinct_choice
from rpo_exp.common.errors import ConfigError, DivergenceError
from rpo_exp.data.tokenization import Item
from rpo_exp.losses import LossOutput
from rpo_exp.losses.group import first_best
from rpo_exp.modeling.logprobs import SequenceScorer, collate_for
from rpo_exp.training import precision
from rpo_exp.training.checkpoint import Checkpoints
from rpo_exp.training.distributed import Ranks
from rpo_exp.training.layouts import BatchLayout, SeqKey, SeqLogps
from rpo_exp.training.objective import Objective
from rpo_exp.training.reference import WEIGHTS_FILE, Reference, synced_copy
from rpo_exp.training.sampling import Sampler
from rpo_exp.training.strategy import strategy_for
from rpo_exp.training.tracking import Tracker

log = logging.getLogger(__name__)
OPTIMIZERS = {"rmsprop": torch.optim.RMSprop, "adamw": torch.optim.AdamW}


@dataclass
class Split:
    """Tokenized items plus what is precomputed for them."""

    items: list[Item]
    embeddings: torch.Tensor | None = None  # [n, dim] prompt embeddings, row = item index
    ref: dict[SeqKey, float] = field(default_factory=dict)  # reference logp per sequence

    def sequence(self, key: SeqKey) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(prompt ids, response ids) of a keyed sequence."""
        prompt, response, slot = key
        return self.items[prompt].prompt_ids, self.items[response].response_ids[slot]

    def lengths(self, keys: list[SeqKey]) -> torch.Tensor:
        """|y|: every response token is scored (prompts have at least one token)."""
        return torch.tensor([len(self.sequence(k)[1]) for k in keys])

    def shared_lengths(self, keys: list[SeqKey]) -> torch.Tensor:
        """min(|y_w|, |y_l|) of each keyed response's pair (LD-DPO's shared length)."""
        return torch.tensor([min(map(len, self.items[k[1]].response_ids[:2])) for k in keys])


def eval_subset(n: int, cfg: DictConfig) -> list[int]:
    """At most `trainer.eval_max_examples` of n test items: the same seeded choice for every
    run, so evaluations compare."""
    return distinct_choice(range(n), cfg.eval_max_examples, seed=0)


def eval_batches(split: Split, cfg: DictConfig, layout: BatchLayout) -> list[list[int]]:
    """The `eval_subset` of the test items in batches of about `trainer.batch_size`."""
    return layout.eval_order(split.items, eval_subset(len(split.items), cfg), cfg.batch_size)


class Trainer:
    def __init__(
        self,
        *,
        cfg: DictConfig,
        model: PreTrainedModel,
        objective: Objective,
        layout: BatchLayout,
        pad_id: int,
        accelerator: Accelerator,
        seed: int = 0,
        tracker: Tracker | None = None,
        reference: Reference | None = None,
        checkpoints: Checkpoints | None = None,
        sampler: Sampler | None = None,
        warmup: str = "from_zero",
    ):
        """`cfg` is the `trainer` group. `accelerator`: the process's device and group
        (`Accelerator(cpu=True)` for a plain CPU process); `trainer.strategy` wraps the
        model over the processes (`strategy`: DDP or FSDP2). `reference`: where the
        reference log-probs come from (`training.reference`; None: the initial policy,
        not cached); with an identity they are shared through `$RPO_EXP_CACHE/reference`
        by every run and sweep job of the same reference. `checkpoints` saves every
        `trainer.checkpoint_every` steps; `sampler` samples held-out prompts every
        `trainer.sample_every` steps; `warmup`: the learning-rate warmup's form
        (`lr_schedule`)."""
        self.cfg, self.model, self.objective, self.layout = cfg, model, objective, layout
        self.pad_id, self.tracker, self.seed = pad_id, tracker, seed
        self.reference, self.warmup = reference or Reference(), warmup
        self.accelerator, self.checkpoints, self.sampler = accelerator, checkpoints, sampler
        self.ranks = Ranks.current()
        if not objective.gather and cfg.batch_size % self.ranks.world:
            raise ConfigError(
                f"trainer.batch_size={cfg.batch_size} with loss.gather=false must divide among "
                f"{self.ranks.world} processes"
            )
        self.precision = precision.resolve(cfg.precision, next(model.parameters()).dtype)
        model = precision.prepare_weights(model, self.precision)
        synced_copy(self.reference, model)  # TR-DPO: the step-0 weights, in the policy's dtype
        if cfg.gradient_checkpointing:  # recompute each layer in backward; same values
            enable = getattr(model, "activation_checkpointing_enable", None)  # transformers 5
            (enable or model.gradient_checkpointing_enable)({"use_reentrant": False})
        self.autocast = precision.autocast_dtype(self.precision)
        self.strategy = strategy_for(cfg.strategy, accelerator, self.autocast)
        self.scorer, self.optimizer = self.strategy.prepare(
            SequenceScorer(model, self.autocast, cfg.logits_chunk_tokens),
            lambda params: OPTIMIZERS[cfg.optimizer](
                params, lr=cfg.lr, weight_decay=cfg.weight_decay
            ),
        )
        self.params = [p for p in self.scorer.parameters() if p.requires_grad]
        self.device = accelerator.device
        # FSDP's bf16 policy computes in bf16 throughout (autocast keeps some ops in fp32)
        sharded_bf16 = cfg.strategy == "fsdp" and self.autocast is not None
        self.numerics = self.precision + (":fsdp" if sharded_bf16 else "")
        self.reference_scorer = self.scorer  # the initial policy scores before any update
        if self.reference.model is not None:  # in the policy's weight dtype, frozen
            ref = self.reference.model.to(precision.master_dtype(self.precision))
            ref = ref.requires_grad_(False).to(accelerator.device)
            self.reference_scorer = SequenceScorer(ref, self.autocast, cfg.logits_chunk_tokens)

    # -- log-probs --------------------------------------------------------------------------
    def forward(
        self, split: Split, keys: list[SeqKey], scorer=None, weights: bool = False
    ) -> torch.Tensor:
        """logp(y) of each keyed sequence: one packed forward of the policy (or of `scorer`),
        each prompt once. `weights` (the policy under WPO): [sequences, 2], each sequence's
        WPO log-weight beside its logp."""
        scorer = scorer or self.scorer
        batch = collate_for(self.model, [split.sequence(k) for k in keys], self.pad_id)
        if self.objective.ld_alpha is not None:  # the reference's too, as TRL's
            batch.desensitize(split.shared_lengths(keys), self.objective.ld_alpha)
        batch.wpo_weights = weights
        return scorer(batch)

    def scored(self, split: Split, keys: list[SeqKey], ranks: Ranks) -> torch.Tensor:
        """logp(y) of every key: each rank scores its shard, then all are gathered."""
        order, inverse = by_prompt(keys)
        grouped = [keys[i] for i in order]
        return ranks.gather(self.forward(split, ranks.shard(grouped)), len(keys))[inverse]

    @torch.no_grad()
    def logps_table(
        self, split: Split, keys: list[SeqKey], desc: str, scorer=None, weights: bool = False
    ) -> dict[SeqKey, float]:
        """logp(y) of every distinct key by the policy (or `scorer`), each rank scoring its
        shard in chunks of `trainer.forward_batch_size` sequences (`weights`: [logp(y), WPO
        log-weight] each, `forward`)."""
        scorer = scorer or self.scorer
        scorer.eval()
        unique = list(dict.fromkeys(keys))
        if not unique:
            return {}
        unique = [unique[i] for i in by_prompt(unique)[0]]
        shard, size = self.ranks.shard(unique), self.cfg.forward_batch_size
        chunks = range(0, len(shard), size)
        bar = tqdm(chunks, desc=desc, leave=False, disable=not self.ranks.is_main)
        local = torch.cat(
            [self.forward(split, shard[start : start + size], scorer, weights) for start in bar]
        )
        values = self.ranks.gather(local, len(unique))
        return dict(zip(unique, values.tolist(), strict=True))

    def reference_table(
        self, split: Split, keys: list[SeqKey], desc: str, cached: bool = True
    ) -> dict[SeqKey, float]:
        """Reference logp(y) of every key: from the shared cache where present (then the model
        does not run), computed by the reference and added to the cache otherwise; `cached`
        False (a synced reference) computes every one for this run alone."""
        unique = list(dict.fromkeys(keys))
        scorer = self.reference_scorer
        if scorer is None:
            raise RuntimeError("the reference model was released after its log-probs were computed")
        if self.reference.identity is None or not cached:
            return self.logps_table(split, unique, desc, scorer)

        def compute(positions: list[int]) -> torch.Tensor:
            wanted = [unique[i] for i in positions]
            table = self.logps_table(split, wanted, desc, scorer)
            return torch.tensor([table[k] for k in wanted])

        ld_alpha = self.objective.ld_alpha
        name = f"{self.reference.identity}:{self.numerics}"
        store = ValueStore("reference", name if ld_alpha is None else f"{name}:ld{ld_alpha}")
        hashes = self.cache_keys(split, unique)
        if self.ranks.world == 1:
            values, computed = store.get_or_compute(hashes, compute)
        else:  # computing is a collective: no rank may wait on the file lock
            table = self.ranks.broadcast(store.snapshot() if self.ranks.is_main else None)
            added = missing_rows(table, hashes, compute, store.source)
            if added and self.ranks.is_main:
                store.add(added)
            table |= added
            values, computed = torch.stack([table[h] for h in hashes]), len(added)
        log.info("%s: %d computed, %d from the cache", desc, computed, len(unique) - computed)
        return dict(zip(unique, values.tolist(), strict=True))

    def cache_keys(self, split: Split, keys: list[SeqKey]) -> list[str]:
        """Each sequence's key in the reference cache: its tokens, and its pair's shared length
        under LD-DPO (the log-prob depends on it)."""
        if self.objective.ld_alpha is None:
            return [digest(split.sequence(k)) for k in keys]
        cuts = split.shared_lengths(keys).tolist()
        return [digest(split.sequence(k), cut) for k, cut in zip(keys, cuts, strict=True)]

    def sequence_keys(self, split: Split, batches: list[list[int]]) -> list[SeqKey]:
        """Every sequence (graded and frozen) that `batches` use."""
        return [k for b in batches for keys in self.layout.keys(split.items, b) for k in keys]

    def seq_logps(self, split: Split, keys: list[SeqKey], policy: torch.Tensor) -> SeqLogps:
        """`policy`: logp(y) per key, or [logp(y), WPO log-weight] per key (`forward`)."""
        log_weights = None
        if policy.dim() == 2:  # the weights enter the loss without gradient, as TRL's
            policy, log_weights = policy[:, 0], policy[:, 1].detach()
        ref = None
        if self.objective.needs_reference and self.reference.kind == "none":
            ref = torch.zeros(len(keys), device=policy.device)  # log pi_ref = 0
        elif self.objective.needs_reference:
            ref = torch.tensor([split.ref[k] for k in keys], device=policy.device)
        return SeqLogps(policy, ref, split.lengths(keys).to(policy.device), log_weights)

    # -- loss -------------------------------------------------------------------------------
    def loss(
        self, split: Split, batch: list[int], graded: torch.Tensor, frozen: torch.Tensor | None
    ) -> tuple[LossOutput, dict[str, float]]:
        """The objective on one batch, from the policy log-probs of its graded sequences (and
        of its frozen ones, which enter without gradient)."""
        graded_keys, frozen_keys = self.layout.keys(split.items, batch)
        tensors = self.layout.tensors(
            split.items,
            batch,
            self.seq_logps(split, graded_keys, graded),
            self.seq_logps(split, frozen_keys, frozen) if frozen_keys else None,
        )
        if self.objective.needs_embeddings:
            emb = split.embeddings.to(graded.device)
            tensors |= self.layout.prompt_embeddings(split.items, batch, emb)
        out = self.objective(tensors)
        return out, batch_metrics(out, tensors)

    def backward(self, split: Split, batch: list[int]) -> dict[str, float]:
        """Loss and gradients of the whole batch, exactly, whatever the micro-batch size and
        the number of processes.

        One micro-batch: a plain forward/backward. Several: log-probs of all micro-batches
        without graph, the loss and its gradient w.r.t. those log-probs on the full batch (so
        RPO's M x N matrix spans the global batch), then each micro-batch is re-run with graph
        and back-propagates its slice of that gradient (as GradCache does). Under W processes
        each rank scores its shard of the sequences; every rank computes the same global loss
        and sends W times its shard's gradient, which the wrapper's gradient mean turns into the
        exact global gradient. `loss.gather=false` instead gives each rank every W-th item of
        the batch and its own loss (the mean of the W local losses is optimised). Sequences are
        sharded and micro-batched grouped by prompt (`by_prompt`), so each prompt is encoded once.
        """
        ranks = self.ranks
        if not self.objective.gather and ranks.world > 1:
            batch, ranks = batch[ranks.rank :: ranks.world], Ranks()
        graded_keys, frozen_keys = self.layout.keys(split.items, batch)
        frozen = None
        if frozen_keys:  # sequences whose log-probs enter the loss without gradient (KTO's z0)
            with torch.no_grad():
                frozen = self.scored(split, frozen_keys, ranks)
        self.scorer.train()
        order, inverse = by_prompt(graded_keys)
        local = ranks.shard([graded_keys[i] for i in order])
        chunk = math.ceil(len(graded_keys) * self.cfg.micro_batch_size / len(batch))
        micro = [local[i : i + chunk] for i in range(0, len(local), chunk)]
        weights = self.objective.wpo
        if len(micro) == 1:
            graded = ranks.gather(self.forward(split, local, weights=weights), len(graded_keys))
            graded = graded[inverse]
            out, metrics = self.loss(split, batch, graded, frozen)
            out.loss.backward()
            return metrics
        with torch.no_grad():
            local_logps = torch.cat([self.forward(split, keys, weights=weights) for keys in micro])
            grouped = ranks.gather(local_logps, len(graded_keys)).clone().requires_grad_()
        out, metrics = self.loss(split, batch, grouped[inverse], frozen)
        (grad,) = torch.autograd.grad(out.loss, grouped, allow_unused=True)
        if grad is None:  # the loss ignores the log-probs (e.g. no group had a preference)
            grad = torch.zeros_like(grouped)
        if weights:  # the WPO weights have no gradient: the log-probs' column only
            grad = grad[:, 0]
        share = ranks.local_part(grad) * ranks.world
        for i, (keys, part) in enumerate(zip(micro, share.split(chunk), strict=True)):
            with self.no_sync(last=i == len(micro) - 1):
                (self.forward(split, keys) * part).sum().backward()
        return metrics

    def no_sync(self, last: bool):
        """Skip the wrapper's gradient reduction on all but the last micro-batch."""
        return self.strategy.no_sync(sync=last)

    # -- loops ------------------------------------------------------------------------------
    @torch.no_grad()
    def evaluate(
        self, split: Split, batches: list[list[int]], step: int, table: dict | None = None
    ) -> dict[str, float]:
        """Test metrics (`eval/` names), averaged over `batches` weighted by their size."""
        keys = self.sequence_keys(split, batches)
        table = table or self.logps_table(
            split, keys, f"eval step {step}", weights=self.objective.wpo
        )
        totals, count = defaultdict(float), 0
        for batch in batches:
            graded_keys, frozen_keys = self.layout.keys(split.items, batch)
            graded = torch.tensor([table[k] for k in graded_keys])
            frozen = torch.tensor([table[k] for k in frozen_keys]) if frozen_keys else None
            for key, value in self.loss(split, batch, graded, frozen)[1].items():
                totals[key] += value * len(batch)
            count += len(batch)
        metrics = {f"eval/{k}": v / count for k, v in totals.items()}
        self.log(step, metrics)
        return metrics

    def clip_grad_norm(self, params: list[torch.Tensor], clip: float) -> torch.Tensor:
        """Total gradient norm over every rank's parameters (clipped to `clip`)."""
        return self.strategy.clip_grad_norm(params, clip)

    def log(self, step: int, metrics: dict[str, float]) -> None:
        if self.tracker is not None:
            self.tracker.log({"step": step, **metrics})

    def sample(self, step: int) -> None:
        """The sampler's greedy continuations at `step` (every rank generates; the main
        process logs)."""
        with self.strategy.gathered():
            rows = self.sampler.sample(self.model, self.autocast)
        if self.tracker is not None:
            self.tracker.log_samples(step, rows)

    def optimizer_step(
        self, split: Split, batch: list[int], scheduler: LambdaLR | None = None
    ) -> dict[str, float]:
        """One optimizer step on `batch`, as `fit` takes it: loss and gradients (`backward`),
        clipping to `trainer.max_grad_norm`, the update, the schedule's step, cleared gradients.
        Returns the batch's metrics with `grad_norm` and the `lr` the update used."""
        metrics = self.backward(split, batch)
        if not self.objective.gather:
            metrics = self.ranks.mean(metrics)
        clip = self.cfg.max_grad_norm if self.cfg.max_grad_norm is not None else math.inf
        grad_norm = self.clip_grad_norm(self.params, clip)
        lr = scheduler.get_last_lr()[0] if scheduler else self.optimizer.param_groups[0]["lr"]
        self.optimizer.step()
        if scheduler is not None:
            scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        return metrics | {"grad_norm": float(grad_norm), "lr": lr}

    def fit(
        self, train: Split, test: Split, resume: tuple[Path, dict] | None = None
    ) -> tuple[dict, dict]:
        """Train for trainer.max_steps (or trainer.epochs); returns eval metrics before/after.
        `resume`: a checkpoint and its progress (`Checkpoints.latest`) to continue from."""
        order = self.layout.order(train.items, self.cfg, self.seed)
        tests = eval_batches(test, self.cfg, self.layout)
        syncs = self.reference.syncs
        # the initial policy's tables before `restore` moves it (a synced reference has its own)
        initial = None if syncs else self.precompute_reference(train, order, test, tests)
        if not syncs:
            self.release_reference()
        scheduler = lr_schedule(self.cfg, self.optimizer, len(order), self.warmup)
        done = self.restore(resume, scheduler) if resume is not None else 0
        if syncs:
            self.precompute_reference(train, order, test, tests, done)
        if resume is not None:
            before = resume[1]["before"]
        else:
            before = self.evaluate(test, tests, 0, initial)
            if self.sampler is not None:
                self.sample(0)
        guard = DivergenceGuard(self.cfg.divergence_factor)
        bar = tqdm(
            order[done:],
            desc="train",
            unit="step",
            initial=done,
            total=len(order),
            disable=not self.ranks.is_main,
        )
        for step, batch in enumerate(bar, done + 1):
            started = time.perf_counter()
            metrics = self.optimizer_step(train, batch, scheduler)
            metrics |= self.step_figures(train, batch, step, time.perf_counter() - started)
            self.log(step, metrics)
            guard.check(step, metrics["loss"], metrics["grad_norm"])
            bar.set_postfix(loss=f"{metrics['loss']:.4f}")
            self.between_steps(step, order, train, test, tests, before)
        after = self.evaluate(test, tests, len(order))
        return before, after

    def precompute_reference(
        self,
        train: Split,
        order: list[list[int]],
        test: Split,
        tests: list[list[int]],
        step: int = 0,
    ) -> dict[SeqKey, float] | None:
        """Reference log-probs of the train sequences of the updates that use the reference as
        it is after `step` updates (every update, where it never syncs) and of every test
        sequence. Returns the test table where it is also the step-0 policy's
        (`reference=initial`, unsynced), else None; nothing where the loss needs no reference
        or `reference=none`."""
        if not self.objective.needs_reference or self.reference.kind == "none":
            return None
        start, end = self.reference.window(step)
        cached = not self.reference.synced_by(step)
        desc = "reference logps" + (f" (after step {step})" if step else "")
        batches = order[start:end] if end >= 0 else order
        train.ref = self.reference_table(train, self.sequence_keys(train, batches), desc, cached)
        keys = self.sequence_keys(test, tests)
        test.ref = self.reference_table(test, keys, f"{desc} (test)", cached)
        initial = self.reference.kind == "initial" and step == 0
        return test.ref if initial and not self.objective.wpo else None  # WPO: with its weights

    def release_reference(self) -> None:
        """Free a `reference=model`'s weights once its log-probs are all computed: no step runs
        it, so training holds one model, as with the initial policy."""
        if self.reference.model is not None:
            self.reference.model = self.reference_scorer = None
            if torch.cuda.is_available():
                torch.cuda.empty_cache()

    def restore(self, resume: tuple[Path, dict], scheduler: LambdaLR) -> int:
        """Load a checkpoint (with a synced reference's weights) and replay the schedule to its
        step; returns the steps done."""
        path, progress = resume
        self.checkpoints.restore(path, self.strategy)
        if self.reference.syncs:
            self.reference.load(path)
        with warnings.catch_warnings():  # "scheduler.step() before optimizer.step()"
            warnings.simplefilter("ignore", UserWarning)
            for _ in range(progress["step"]):  # the schedule is a function of the step
                scheduler.step()
        return progress["step"]

    def step_figures(
        self, split: Split, batch: list[int], step: int, seconds: float
    ) -> dict[str, float]:
        """Progress and speed of one step: examples seen, seconds, tokens per second."""
        graded, frozen = self.layout.keys(split.items, batch)
        tokens = sum(sum(map(len, split.sequence(k))) for k in graded + frozen)
        return {
            "examples_seen": step * self.cfg.batch_size,
            "perf/step_seconds": seconds,
            "perf/tokens_per_second": tokens / seconds,
        }

    def between_steps(
        self,
        step: int,
        order: list[list[int]],
        train: Split,
        test: Split,
        tests: list[list[int]],
        before: dict,
    ) -> None:
        """What runs after a step when due: TR-DPO's sync of the reference (then its log-probs
        for the next steps), evaluation, samples, a checkpoint (the last step's evaluation
        follows the loop; no checkpoint after the last step)."""
        cfg, every, last = self.cfg, self.cfg.checkpoint_every, len(order)
        if self.reference.syncs and step % self.reference.sync_steps == 0 and step < last:
            self.reference.sync(self.model)
            self.precompute_reference(train, order, test, tests, step)
        if cfg.eval_every and step % cfg.eval_every == 0 and step < last:
            self.evaluate(test, tests, step)
        if self.sampler is not None and step % cfg.sample_every == 0:
            self.sample(step)
        if self.checkpoints is not None and every and step % every == 0 and step < last:
            extra = {WEIGHTS_FILE: self.reference.state()} if self.reference.syncs else {}
            self.checkpoints.save(step, before, self.strategy, extra)


WARMUPS = ("from_zero", "released")


def lr_schedule(cfg: DictConfig, optimizer: torch.optim.Optimizer, steps: int, warmup: str):
    """`trainer.lr_scheduler` over `steps` steps. Its warmup (`protocol.warmup`): `from_zero`
    (transformers': step k of w at lr (k-1)/w, so the first step's lr is 0) or `released`
    (the released code's: lr k/(w+1), the first step at lr/(w+1)); the schedule's own
    factor after the warmup."""
    from transformers import get_scheduler  # imports peft (~3 s): only where a run trains

    if warmup not in WARMUPS:
        raise ConfigError(f"protocol.warmup={warmup}: must be one of {', '.join(WARMUPS)}")
    scheduler = get_scheduler(
        cfg.lr_scheduler, optimizer, num_warmup_steps=cfg.warmup_steps, num_training_steps=steps
    )
    if warmup == "from_zero" or not cfg.warmup_steps:
        return scheduler
    after, w = scheduler.lr_lambdas[0], cfg.warmup_steps
    return LambdaLR(optimizer, lambda s: (s + 1) / (w + 1) if s < w else after(s))


class DivergenceGuard:
    """Stops a run whose loss or gradient norm has grown `factor` times past its first nonzero
    value (a learning rate far too high), and warns once when a step's loss and gradient are
    both exactly 0 (no item in the batch carries a preference: nothing trains)."""

    def __init__(self, factor: float | None):
        self.factor, self.warned = factor, False
        self.first: dict[str, float] = {}

    def check(self, step: int, loss: float, grad_norm: float) -> None:
        if loss == 0 and grad_norm == 0 and not self.warned:
            self.warned = True
            log.warning(
                "step %d: loss and gradient are exactly 0, so this step trains nothing; no "
                "item carried a preference (e.g. every group's scores tied: see "
                "swepo/skipped_groups and data/skipped_rows)",
                step,
            )
        if self.factor is None:
            return
        for name, value in (("loss", abs(loss)), ("grad_norm", grad_norm)):
            if not self.first.get(name):  # the first nonzero value is the yardstick
                self.first[name] = value
            first = self.first[name]
            if first and value > self.factor * first:
                raise DivergenceError(
                    f"training diverged at step {step}: {name} {value:.4g} is "
                    f"{value / first:.3g} times its first value {first:.4g} "
                    f"(trainer.divergence_factor={self.factor:g}). Lower trainer.lr "
                    "(now too high), or set trainer.divergence_factor=null to go on anyway"
                )


def by_prompt(keys: list[SeqKey]) -> tuple[list[int], list[int]]:
    """(order, inverse): `keys[order]` puts the sequences of each prompt together (prompts in
    first-appearance order), so that a rank's shard or a micro-batch holds a prompt's responses
    together and encodes the prompt once (`collate`); `values[inverse]` restores key order."""
    groups: dict[int, list[int]] = {}
    for position, (prompt, _, _) in enumerate(keys):
        groups.setdefault(prompt, []).append(position)
    order = [position for group in groups.values() for position in group]
    inverse = [0] * len(order)
    for position, key in enumerate(order):
        inverse[key] = position
    return order, inverse


def batch_metrics(out: LossOutput, tensors: dict[str, torch.Tensor]) -> dict[str, float]:
    """The metrics of one batch (docs/method.md, "Metrics"): loss, rewards/* (accuracies where
    chosen and rejected rewards pair up), logps/*, and the loss's own diagnostics."""
    metrics = {"loss": out.loss.item()}
    if out.chosen_rewards is not None and out.rejected_rewards is not None:
        chosen, rejected = out.chosen_rewards.float(), out.rejected_rewards.float()
        if len(chosen):
            metrics["rewards/chosen"] = chosen.mean().item()
        if len(rejected):
            metrics["rewards/rejected"] = rejected.mean().item()
        if len(chosen) and len(rejected):  # mean(r_w) - mean(r_l): TRL's KTO convention too
            metrics["rewards/margins"] = metrics["rewards/chosen"] - metrics["rewards/rejected"]
        if chosen.shape == rejected.shape and len(chosen):  # the paired diagonal
            metrics["rewards/accuracies"] = (chosen > rejected).float().mean().item()
    if "desirable" in tensors:
        logps, desirable = tensors["policy_logps"], tensors["desirable"]
        chosen, rejected = logps[desirable], logps[~desirable]
    elif "group_ids" in tensors:  # the best response of each group vs the others
        best = first_best(tensors["scores"], tensors["group_ids"])
        chosen, rejected = tensors["policy_logps"][best], tensors["policy_logps"][~best]
    else:
        chosen, rejected = tensors["policy_chosen_logps"], tensors.get("policy_rejected_logps")
    for name, logps in (("chosen", chosen), ("rejected", rejected)):
        if logps is not None and len(logps):
            metrics[f"logps/{name}"] = logps.detach().float().mean().item()
    metrics |= {k: float(v) for k, v in out.metrics.items()}
    return metrics
