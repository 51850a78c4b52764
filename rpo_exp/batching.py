"""Which sequences a batch of pair items needs, and how their log-probs become loss inputs.

A sequence is named by a key `(prompt item, response item, slot)`, slot 0 = chosen and 1 =
rejected, so reference log-probs can be computed once per key before training, including for
sequences that pair a prompt with another item's response (KTO's KL pairs).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

SeqKey = tuple[int, int, int]
CHOSEN, REJECTED = 0, 1


@dataclass
class SeqLogps:
    """Per-sequence policy log-probs, reference log-probs (None if unused) and lengths |y|."""

    policy: Tensor
    ref: Tensor | None
    lengths: Tensor


class Paired:
    """(prompt, chosen, rejected) items as DPO/IPO/SimPO/RPO consume them: M = N = batch;
    `with_rejected=False` (SFT) scores the chosen responses only."""

    def __init__(self, with_rejected: bool = True):
        self.with_rejected = with_rejected

    def keys(self, indices: list[int]) -> tuple[list[SeqKey], list[SeqKey]]:
        graded = [(i, i, CHOSEN) for i in indices]
        if self.with_rejected:
            graded += [(i, i, REJECTED) for i in indices]
        return graded, []

    def tensors(self, indices: list[int], graded: SeqLogps, frozen: SeqLogps | None) -> dict:
        n = len(indices)
        out = {"policy_chosen_logps": graded.policy[:n], "chosen_lengths": graded.lengths[:n]}
        if self.with_rejected:
            out |= {
                "policy_rejected_logps": graded.policy[n:],
                "rejected_lengths": graded.lengths[n:],
            }
        if graded.ref is not None:
            out |= {"ref_chosen_logps": graded.ref[:n], "ref_rejected_logps": graded.ref[n:]}
        return out

    def prompt_embeddings(self, indices: list[int], embeddings: Tensor) -> dict:
        emb = embeddings[indices]
        return {"chosen_prompt_emb": emb, "rejected_prompt_emb": emb}


class KTOFromPairs:
    """Each pair split into a desirable (chosen) and an undesirable (rejected) item; the KL
    pairs are x_i with the completion of item i+1 (cyclic) in the batch, SPEC 1."""

    def keys(self, indices: list[int]) -> tuple[list[SeqKey], list[SeqKey]]:
        graded = [(i, i, CHOSEN) for i in indices] + [(i, i, REJECTED) for i in indices]
        shifted = graded[1:] + graded[:1]
        frozen = [
            (prompt, resp, slot)
            for (prompt, _, _), (_, resp, slot) in zip(graded, shifted, strict=True)
        ]
        return graded, frozen

    def tensors(self, indices: list[int], graded: SeqLogps, frozen: SeqLogps | None) -> dict:
        n = len(indices)
        desirable = torch.arange(2 * n, device=graded.policy.device) < n
        return {
            "policy_logps": graded.policy,
            "ref_logps": graded.ref,
            "desirable": desirable,
            "policy_kl_logps": frozen.policy,
            "ref_kl_logps": frozen.ref,
        }

    def prompt_embeddings(self, indices: list[int], embeddings: Tensor) -> dict:
        return {}


Shape = Paired | KTOFromPairs
