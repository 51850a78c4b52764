"""Prompt-sharing packed batches: each prompt encoded once, its responses attending to it
(`docs/method.md`, "Packed batches")."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass
class SequenceBatch:
    """Prompt + response sequences packed one row per distinct prompt: the prompt once, then
    each of its responses, every response attending to the prompt and to its own earlier tokens
    only, its positions continuing the prompt's. A prompt shared by k responses (a pair, a
    SWEPO group) is encoded once, and each response's log-probs are those of prompt + response
    alone. `segment` is 0 on prompt tokens, k on the k-th response of the row, -1 on padding.
    Scored token j is `labels[j]`, of sequence `sequence[j]`, predicted by the hidden state at
    flat position `sources[j]` (the prompt's last token for a response's first token)."""

    input_ids: Tensor  # [rows, width]
    position_ids: Tensor  # [rows, width]
    segment: Tensor  # [rows, width]
    sources: Tensor  # [tokens] indices into the flattened [rows * width] positions
    labels: Tensor  # [tokens]
    sequence: Tensor  # [tokens]
    size: int  # number of sequences
    padding_free: bool = False  # `padding_free`'s layout: one row, no prompt sharing
    # LD-DPO (`desensitize`): True on the scored tokens past their pair's shared length, which
    # count `tail_weight` times in the sequence's log-prob
    tail: Tensor | None = None  # [tokens]
    tail_weight: float = 1.0
    # WPO: the scorer returns each sequence's WPO log-weight beside its logp (`sequence_logps`)
    wpo_weights: bool = False

    def desensitize(self, shared_lengths: Tensor, weight: float) -> None:
        """Count each sequence's tokens after its first `shared_lengths[i]` `weight` times
        (docs/method.md, "Length-desensitized log-probs")."""
        order = torch.arange(len(self.sequence))
        first = torch.full((self.size,), len(order)).scatter_reduce(0, self.sequence, order, "amin")
        self.tail = order - first[self.sequence] >= shared_lengths[self.sequence]
        self.tail_weight = weight


Sequences = list[tuple[tuple[int, ...], tuple[int, ...]]]


def collate(sequences: Sequences, pad_id: int, share_prompts: bool = True) -> SequenceBatch:
    """(prompt_ids, response_ids) pairs -> one packed batch (see `SequenceBatch`), rows padded to
    the longest; sequence i of the result is `sequences[i]`. `share_prompts=False`: the
    padding-free layout of FlashAttention's varlen kernel instead (`padding_free`)."""
    if not share_prompts:
        return padding_free(sequences)
    rows: dict[tuple[int, ...], list[int]] = {}
    for i, (prompt, _) in enumerate(sequences):
        rows.setdefault(prompt, []).append(i)
    width = max(len(p) + sum(len(sequences[i][1]) for i in members) for p, members in rows.items())
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    position_ids = torch.zeros((len(rows), width), dtype=torch.long)
    segment = torch.full((len(rows), width), -1, dtype=torch.long)
    sources, labels, owner = [], [], []
    for row, (prompt, members) in enumerate(rows.items()):
        n = len(prompt)
        input_ids[row, :n] = torch.tensor(prompt)
        position_ids[row, :n] = torch.arange(n)
        segment[row, :n] = 0
        offset = n
        for k, i in enumerate(members, 1):
            response = sequences[i][1]
            end = offset + len(response)
            input_ids[row, offset:end] = torch.tensor(response)
            position_ids[row, offset:end] = torch.arange(n, n + len(response))
            segment[row, offset:end] = k
            base = row * width
            sources += [base + n - 1, *range(base + offset, base + end - 1)][: len(response)]
            labels += response
            owner += [i] * len(response)
            offset = end
    return SequenceBatch(
        input_ids,
        position_ids,
        segment,
        torch.tensor(sources, dtype=torch.long),
        torch.tensor(labels, dtype=torch.long),
        torch.tensor(owner, dtype=torch.long),
        len(sequences),
    )


def padding_free(sequences: Sequences) -> SequenceBatch:
    """One row holding every prompt + response back to back, no padding; `position_ids`
    restart at 0 on each sequence, which is how transformers tells the sequences apart (the
    varlen `cu_seqlens` of FlashAttention, a block-diagonal mask for the other kernels).
    `segment` numbers the sequences from 1; a prompt is encoded once per response."""
    input_ids, position_ids, segment, sources, labels, owner = [], [], [], [], [], []
    for i, (prompt, response) in enumerate(sequences):
        start, n = len(input_ids), len(prompt)
        input_ids += [*prompt, *response]
        position_ids += range(n + len(response))
        segment += [i + 1] * (n + len(response))
        sources += range(start + n - 1, start + n - 1 + len(response))
        labels += response
        owner += [i] * len(response)
    row = (input_ids, position_ids, segment)
    return SequenceBatch(
        *(torch.tensor([values], dtype=torch.long) for values in row),
        *(torch.tensor(values, dtype=torch.long) for values in (sources, labels, owner)),
        len(sequences),
        padding_free=True,
    )


def packed_attention_mask(segment: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Additive [rows, 1, width, width] mask of a packed batch (`SequenceBatch`): a token sees
    earlier tokens of the prompt and of its own segment; padding sees only itself (no row of
    the softmax is empty, so nothing becomes NaN)."""
    width = segment.shape[1]
    causal = torch.ones(width, width, dtype=torch.bool, device=segment.device).tril()
    query, key = segment[:, :, None], segment[:, None, :]
    allowed = causal & (key != -1) & (query != -1) & ((key == 0) | (key == query))
    allowed |= torch.eye(width, dtype=torch.bool, device=segment.device)
    mask = torch.zeros(allowed.shape, dtype=dtype, device=segment.device)
    return mask.masked_fill_(~allowed, torch.finfo(dtype).min)[:, None]
