"""Batch layouts: which sequences a batch of items needs, how their log-probs become a loss's
inputs, and which layout a (loss, data form) combination trains with (`docs/method.md`,
"Data forms and batch layouts").

A sequence is named by a key `(prompt item, response item, slot)`, so reference log-probs can be
computed once per key before training, including sequences that pair a prompt with another
item's response (KTO's KL pairs). Items are paired (2 responses: chosen, rejected), unpaired
(1 response with a desirable/undesirable label) or grouped (K scored responses).

`plan` picks the layout and the data conversion; an unsupported combination fails before any
weights load, saying what would work:

| loss kind \\ data | paired             | unpaired          | grouped                     |
|------------------|--------------------|-------------------|-----------------------------|
| pairwise (dpo..) | pairs              | error             | pairs by dataset.pairing    |
| sft              | chosen             | desirable items   | best of dataset.pairing     |
| contrast (rpo..) | pairs (M = N), or  | M x N             | pairs by dataset.pairing    |
|                  | M x N if unpaired  |                   |                             |
| kto              | items from pairs   | items             | items from pairs            |
| group (swepo..)  | error              | error             | groups                      |
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from omegaconf import DictConfig
from torch import Tensor

from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.data.conversions import Conversion
from rpo_exp.data.tokenization import Item

SeqKey = tuple[int, int, int]
GROUPED_DATASETS = "dataset=ultrafeedback_sample / ultrafeedback_armorm_sample (or their hub twins)"


@dataclass
class SeqLogps:
    """Per-sequence policy log-probs, reference log-probs (None if unused), lengths |y| and
    the policy's WPO log-weights (None without WPO)."""

    policy: Tensor
    ref: Tensor | None
    lengths: Tensor
    log_weights: Tensor | None = None


def shuffled_batches(n_items: int, cfg: DictConfig, seed: int) -> list[list[int]]:
    """Item indices of every step: a seeded permutation per epoch, full batches only (the
    contrast matrix and effective beta depend on the batch size)."""
    per_epoch = n_items // cfg.batch_size
    if per_epoch == 0:
        raise ConfigError(
            f"trainer.batch_size={cfg.batch_size} is larger than the {n_items} training examples"
        )

    def epoch_steps(epoch: int) -> list[list[int]]:
        perm = torch.randperm(n_items, generator=torch.Generator().manual_seed(seed + epoch))
        return perm[: per_epoch * cfg.batch_size].view(per_epoch, cfg.batch_size).tolist()

    return over_epochs(cfg, per_epoch, epoch_steps)


def over_epochs(
    cfg: DictConfig, per_epoch: int, epoch_steps: Callable[[int], list[list[int]]]
) -> list[list[int]]:
    """`trainer.max_steps` steps (else `trainer.epochs` x `per_epoch`), epoch after epoch;
    `epoch_steps(epoch)` gives the `per_epoch` batches of one epoch."""
    total = cfg.max_steps if cfg.max_steps is not None else cfg.epochs * per_epoch
    steps = []
    for epoch in range(math.ceil(total / per_epoch)):
        steps += epoch_steps(epoch)
    return steps[:total]


def chunks(indices: list[int], size: int) -> list[list[int]]:
    """Consecutive batches of `size`; a last batch of one item joins the one before (a single
    item has no cross-item contrast or KL partner)."""
    out = [indices[i : i + size] for i in range(0, len(indices), size)]
    if len(out) > 1 and len(out[-1]) == 1:
        last = out.pop()
        out[-1] += last
    return out


class BatchLayout:
    """How a loss consumes items: the step order, the sequences of a batch (`keys`: graded ones
    carry gradient, frozen ones enter without), and the loss inputs made of their log-probs."""

    def order(self, items: list[Item], cfg: DictConfig, seed: int) -> list[list[int]]:
        return shuffled_batches(len(items), cfg, seed)

    def eval_order(self, items: list[Item], keep: list[int], size: int) -> list[list[int]]:
        return chunks(keep, size)

    def keys(self, items: list[Item], batch: list[int]) -> tuple[list[SeqKey], list[SeqKey]]:
        raise NotImplementedError

    def tensors(
        self, items: list[Item], batch: list[int], graded: SeqLogps, frozen: SeqLogps | None
    ) -> dict:
        raise NotImplementedError

    def prompt_embeddings(self, items: list[Item], batch: list[int], embeddings: Tensor) -> dict:
        return {}


class Paired(BatchLayout):
    """(prompt, chosen, rejected) items: M = N = batch (DPO, IPO, SimPO, RPO paired);
    `with_rejected=False` (SFT) scores slot 0 only."""

    def __init__(self, with_rejected: bool = True):
        self.with_rejected = with_rejected

    def keys(self, items: list[Item], batch: list[int]) -> tuple[list[SeqKey], list[SeqKey]]:
        graded = [(i, i, 0) for i in batch]
        if self.with_rejected:
            graded += [(i, i, 1) for i in batch]
        return graded, []

    def tensors(self, items: list[Item], batch: list[int], graded: SeqLogps, frozen) -> dict:
        n = len(batch)
        out = {"policy_chosen_logps": graded.policy[:n], "chosen_lengths": graded.lengths[:n]}
        if self.with_rejected:
            out |= {
                "policy_rejected_logps": graded.policy[n:],
                "rejected_lengths": graded.lengths[n:],
            }
        if graded.ref is not None:
            out |= {"ref_chosen_logps": graded.ref[:n], "ref_rejected_logps": graded.ref[n:]}
        if graded.log_weights is not None:
            weights = graded.log_weights
            out |= {"chosen_log_weights": weights[:n], "rejected_log_weights": weights[n:]}
        positions = torch.arange(n, device=graded.policy.device)  # for protocol.contrast_block
        return out | {"chosen_positions": positions, "rejected_positions": positions}

    def prompt_embeddings(self, items: list[Item], batch: list[int], embeddings: Tensor) -> dict:
        emb = embeddings[batch]
        return {"chosen_prompt_emb": emb, "rejected_prompt_emb": emb}


UNPAIRED_BATCHES = ("stratified", "halves")


class UnpairedContrast(Paired):
    """Labelled single-response items for RPO's M x N matrix: the batch's desirable items are
    the M chosen rows, its undesirable items the N rejected columns, from any prompts.

    `split="stratified"`: every batch has the data's desirable share; `"halves"` (the released
    code's loader): M = N = batch / 2. Either way the two kinds are interleaved evenly in the
    batch (d, u, d, u, ... for M = N), so that blocks of consecutive items
    (`protocol.contrast_block`, the released code's per-GPU batches) each hold both kinds."""

    def __init__(self, split: str = "stratified"):
        if split not in UNPAIRED_BATCHES:
            raise ConfigError(
                f"protocol.unpaired_batch={split}: must be one of {', '.join(UNPAIRED_BATCHES)}"
            )
        self.split = split

    def order(self, items: list[Item], cfg: DictConfig, seed: int) -> list[list[int]]:
        good = [it.index for it in items if it.desirable]
        bad = [it.index for it in items if not it.desirable]
        if self.split == "halves":
            m = cfg.batch_size // 2
        else:
            m = min(max(round(cfg.batch_size * len(good) / len(items)), 1), cfg.batch_size - 1)
        n = cfg.batch_size - m
        per_epoch = min(len(good) // m, len(bad) // n) if m >= 1 and n >= 1 else 0
        if per_epoch == 0:
            raise ConfigError(
                f"trainer.batch_size={cfg.batch_size}: an unpaired contrast batch needs >= 1 "
                f"desirable and >= 1 undesirable item ({m} and {n} a batch here); the data has "
                f"{len(good)} desirable and {len(bad)} undesirable"
            )

        def epoch_steps(epoch: int) -> list[list[int]]:
            g, b = _permuted(good, seed + epoch), _permuted(bad, seed + 10_000 + epoch)
            return [
                interleaved(g[s * m : (s + 1) * m], b[s * n : (s + 1) * n])
                for s in range(per_epoch)
            ]

        return over_epochs(cfg, per_epoch, epoch_steps)

    def eval_order(self, items: list[Item], keep: list[int], size: int) -> list[list[int]]:
        """Desirable and undesirable items dealt round-robin so every batch has both, and
        interleaved within it (as `order`)."""
        good = [i for i in keep if items[i].desirable]
        bad = [i for i in keep if not items[i].desirable]
        n_batches = max(1, min(len(good), len(bad), -(-len(keep) // size)))
        return [interleaved(good[b::n_batches], bad[b::n_batches]) for b in range(n_batches)]

    def keys(self, items: list[Item], batch: list[int]) -> tuple[list[SeqKey], list[SeqKey]]:
        return [(i, i, 0) for i in self._sorted(items, batch)], []

    def tensors(self, items: list[Item], batch: list[int], graded: SeqLogps, frozen) -> dict:
        m = sum(items[i].desirable for i in batch)
        out = {
            "policy_chosen_logps": graded.policy[:m],
            "policy_rejected_logps": graded.policy[m:],
            "chosen_lengths": graded.lengths[:m],
            "rejected_lengths": graded.lengths[m:],
        }
        if graded.ref is not None:
            out |= {"ref_chosen_logps": graded.ref[:m], "ref_rejected_logps": graded.ref[m:]}
        good = [p for p, i in enumerate(batch) if items[i].desirable]
        bad = [p for p, i in enumerate(batch) if not items[i].desirable]
        device = graded.policy.device  # batch positions, for protocol.contrast_block
        return out | {
            "chosen_positions": torch.tensor(good, dtype=torch.long, device=device),
            "rejected_positions": torch.tensor(bad, dtype=torch.long, device=device),
        }

    def prompt_embeddings(self, items: list[Item], batch: list[int], embeddings: Tensor) -> dict:
        ordered = self._sorted(items, batch)
        m = sum(items[i].desirable for i in batch)
        return {
            "chosen_prompt_emb": embeddings[ordered[:m]],
            "rejected_prompt_emb": embeddings[ordered[m:]],
        }

    @staticmethod
    def _sorted(items: list[Item], batch: list[int]) -> list[int]:
        """Desirable items first, each side in batch order."""
        return [i for i in batch if items[i].desirable] + [
            i for i in batch if not items[i].desirable
        ]


def interleaved(first: list[int], second: list[int]) -> list[int]:
    """The two lists merged so each is spread evenly: its k-th element at fraction
    (k + 1/2) / len, ties to `first` (equal lengths: f, s, f, s, ...)."""
    keyed = [((k + 0.5) / len(first), 0, x) for k, x in enumerate(first)]
    keyed += [((k + 0.5) / len(second), 1, x) for k, x in enumerate(second)]
    return [x for *_, x in sorted(keyed)]


def _permuted(indices: list[int], seed: int) -> list[int]:
    perm = torch.randperm(len(indices), generator=torch.Generator().manual_seed(seed))
    return [indices[i] for i in perm]


@dataclass(frozen=True)
class KTO(BatchLayout):
    """Labelled single-response items (KTO; docs/method.md, "Data forms and batch layouts"): the
    KL pairs are x_i with the completion of the next item (cyclic) whose prompt differs, so no
    prompt meets its own completion. `dataset`: its name, for the refusal of a batch of one
    prompt."""

    dataset: str = ""

    def keys(self, items: list[Item], batch: list[int]) -> tuple[list[SeqKey], list[SeqKey]]:
        graded = [(i, i, 0) for i in batch]
        frozen = []
        for pos, i in enumerate(batch):
            partner = next(
                (
                    j
                    for j in batch[pos + 1 :] + batch[:pos]
                    if items[j].embedder_text != items[i].embedder_text
                ),
                None,
            )
            if partner is None:
                raise DataError(
                    f"dataset={self.dataset}: a batch of {len(batch)} items has the single prompt "
                    f"{items[i].embedder_text[:60]!r}: KTO's KL pairs need at least two different "
                    "prompts in every batch; use data with more distinct prompts, or a larger "
                    "trainer.batch_size (and trainer.eval_max_examples)"
                )
            frozen.append((i, partner, 0))
        return graded, frozen

    def tensors(
        self, items: list[Item], batch: list[int], graded: SeqLogps, frozen: SeqLogps
    ) -> dict:
        desirable = torch.tensor([items[i].desirable for i in batch], device=graded.policy.device)
        return {
            "policy_logps": graded.policy,
            "ref_logps": graded.ref,
            "desirable": desirable,
            "policy_kl_logps": frozen.policy,
            "ref_kl_logps": frozen.ref,
        }


class Grouped(BatchLayout):
    """K scored responses per prompt (SWEPO, InfoNCA, DPO over groups); `trainer.batch_size`
    counts prompts."""

    def keys(self, items: list[Item], batch: list[int]) -> tuple[list[SeqKey], list[SeqKey]]:
        return [(i, i, k) for i in batch for k in range(len(items[i].response_ids))], []

    def tensors(self, items: list[Item], batch: list[int], graded: SeqLogps, frozen) -> dict:
        device = graded.policy.device
        return {
            "policy_logps": graded.policy,
            "ref_logps": graded.ref,
            "scores": torch.tensor([s for i in batch for s in items[i].scores], device=device),
            "group_ids": torch.tensor(
                [i for i in batch for _ in items[i].response_ids], device=device
            ),
        }


def plan(
    loss_name: str,
    kind: str,
    form: str,
    cfg: DictConfig,
    unpaired_batch: str = "stratified",
    unpaired: bool = False,
) -> tuple[Conversion, BatchLayout]:
    """(conversion of the loaded Examples, batch layout) for this loss on the data `cfg`;
    `unpaired_batch`: how unpaired contrast batches split (`UnpairedContrast`); `unpaired`
    (`loss.unpaired`): a contrast loss takes paired data as independent items."""
    same = Conversion(cfg.name)
    pairs = Conversion(cfg.name, cfg.pairing if form == "grouped" else None)
    items = Conversion(cfg.name, pairs.pairing, unpaired=True)
    if kind == "group":
        if form != "grouped":
            raise ConfigError(
                f"loss={loss_name} needs grouped data (several scored responses per prompt): "
                f"{GROUPED_DATASETS}; dataset={cfg.name} is {form}"
            )
        return same, Grouped()
    if kind == "kto":
        return items if form != "unpaired" else same, KTO(cfg.name)
    if kind == "sft":
        if form == "unpaired":
            return Conversion(cfg.name, desirable_only=True), Paired(with_rejected=False)
        return pairs, Paired(with_rejected=False)
    if kind == "contrast":
        if form == "unpaired":
            return same, UnpairedContrast(unpaired_batch)
        if unpaired:
            return items, UnpairedContrast(unpaired_batch)
        return pairs, Paired()
    if form == "unpaired":
        raise ConfigError(
            f"loss={loss_name} needs chosen/rejected pairs of one prompt; dataset={cfg.name} is "
            "unpaired (single labelled completions): use loss=kto or loss=rpo"
        )
    return pairs, Paired()
