"""Example -> token ids with the papers' / TRL's truncation, and padded sequence batches."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor
from transformers import PreTrainedTokenizerBase

from rpo_exp.data.records import Example


@dataclass(frozen=True)
class PairItem:
    """A tokenized Example; `index` is its position in its split (reference log-probs,
    embeddings and the data order refer to items by it)."""

    index: int
    prompt: str
    prompt_ids: tuple[int, ...]
    chosen_ids: tuple[int, ...]
    rejected_ids: tuple[int, ...]


@dataclass
class TruncationStats:
    prompts: int = 0
    responses: int = 0


def tokenize_pairs(
    examples: list[Example],
    tokenizer: PreTrainedTokenizerBase,
    max_prompt_length: int,
    max_length: int,
) -> tuple[list[PairItem], TruncationStats]:
    """Prompt (with the tokenizer's special tokens) cut from the left to `max_prompt_length`;
    each response + EOS cut from the right so prompt + response fits `max_length`."""
    stats = TruncationStats()
    prompts = tokenizer([e.prompt for e in examples])["input_ids"]
    chosen = tokenizer([e.chosen for e in examples], add_special_tokens=False)["input_ids"]
    rejected = tokenizer([e.rejected for e in examples], add_special_tokens=False)["input_ids"]
    eos = [tokenizer.eos_token_id]
    items = []
    for i, (example, p, c, r) in enumerate(zip(examples, prompts, chosen, rejected, strict=True)):
        if len(p) > max_prompt_length:
            p = p[-max_prompt_length:]
            stats.prompts += 1
        room = max_length - len(p)
        responses = []
        for ids in (c + eos, r + eos):
            if len(ids) > room:
                ids = ids[:room]
                stats.responses += 1
            responses.append(tuple(ids))
        items.append(PairItem(i, example.prompt, tuple(p), *responses))
    return items, stats


@dataclass
class SequenceBatch:
    """Right-padded prompt+response sequences; `response_mask` marks the response tokens."""

    input_ids: Tensor
    attention_mask: Tensor
    response_mask: Tensor

    @property
    def num_tokens(self) -> int:
        return int(self.attention_mask.sum())


def collate(sequences: list[tuple[tuple[int, ...], tuple[int, ...]]], pad_id: int) -> SequenceBatch:
    """(prompt_ids, response_ids) pairs -> one batch padded to its longest sequence."""
    width = max(len(p) + len(r) for p, r in sequences)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(sequences), width), dtype=torch.long)
    response_mask = torch.zeros((len(sequences), width), dtype=torch.bool)
    for row, (p, r) in enumerate(sequences):
        input_ids[row, : len(p) + len(r)] = torch.tensor(p + r)
        attention_mask[row, : len(p) + len(r)] = 1
        response_mask[row, len(p) : len(p) + len(r)] = True
    return SequenceBatch(input_ids, attention_mask, response_mask)


def collate_pairs(items: list[PairItem], pad_id: int) -> SequenceBatch:
    """Chosen sequences first, then rejected: one concatenated policy forward per batch."""
    sequences = [(it.prompt_ids, it.chosen_ids) for it in items]
    sequences += [(it.prompt_ids, it.rejected_ids) for it in items]
    return collate(sequences, pad_id)
