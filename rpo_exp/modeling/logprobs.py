"""Summed response log-probs, logp(y) of docs/method.md's "Notation", without full-vocabulary
waste: the LM head and the fp32 log-softmax run on response positions only, a chunk of tokens at
a time (docs/method.md, "Precision and memory")."""

from __future__ import annotations

import torch
from torch.utils.checkpoint import checkpoint
from transformers import PreTrainedModel

from rpo_exp.modeling.attention import flex_block_mask, shares_prompts
from rpo_exp.modeling.packing import SequenceBatch, Sequences, collate, packed_attention_mask

# Response tokens per chunk of LM head + log-softmax (`trainer.logits_chunk_tokens`' default):
# [1024, 128256] fp32 logits are 0.5 GiB, large enough a matrix product for a GPU's full speed.
CHUNK_TOKENS = 1024


class TokenLogps(torch.autograd.Function):
    """`log_softmax(logits)[row, label]` per row, the same values and gradients as autograd's
    `logits.gather(...) - logits.logsumexp(...)`, but its backward builds the logits' gradient,
    `grad * (onehot(label) - softmax)`, in one `[rows, vocab]` tensor (autograd's holds ~4)."""

    @staticmethod
    def forward(ctx, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        lse = logits.logsumexp(dim=1)
        ctx.save_for_backward(logits, lse, labels)
        return logits.gather(1, labels[:, None]).squeeze(1) - lse

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        logits, lse, labels = ctx.saved_tensors
        out = (logits - lse[:, None]).exp_().mul_(-grad[:, None])
        return out.scatter_add_(1, labels[:, None], grad[:, None]), None


def head_logps(
    head: torch.nn.Module, hidden: torch.Tensor, labels: torch.Tensor, squares: bool = False
) -> torch.Tensor:
    """log pi(label) at each position from the LM head's inputs `hidden` ([tokens, hidden]),
    the log-softmax over the vocabulary in fp32. `squares`: [tokens, 2], with each position's
    `log sum_v pi(v)^2` (WPO's, without gradient) beside it."""
    logits = head(hidden).float()
    logps = TokenLogps.apply(logits, labels)
    if not squares:
        return logps
    with torch.no_grad():
        log_sum_squares = (2 * logits).logsumexp(dim=1) - 2 * logits.logsumexp(dim=1)
    return torch.stack([logps, log_sum_squares], dim=1)


def chunked_logps(
    head: torch.nn.Module,
    hidden: torch.Tensor,
    labels: torch.Tensor,
    chunk_tokens: int | None,
    squares: bool = False,
) -> torch.Tensor:
    """`head_logps` of `chunk_tokens` positions at a time (0 or None: all at once). Under
    autograd each chunk is checkpointed (non-reentrant): its logits are freed after the forward
    and recomputed, under the same autocast, when backward reaches it, so neither pass holds
    more than one chunk's `[chunk_tokens, vocab]` (the cost: the LM head's product once more)."""
    if not chunk_tokens or len(labels) <= chunk_tokens:
        return head_logps(head, hidden, labels, squares)
    chunks = zip(hidden.split(chunk_tokens), labels.split(chunk_tokens), strict=True)
    if not torch.is_grad_enabled():
        return torch.cat([head_logps(head, h, y, squares) for h, y in chunks])
    return torch.cat(
        [
            checkpoint(
                head_logps, head, h, y, squares, use_reentrant=False, preserve_rng_state=False
            )
            for h, y in chunks
        ]
    )


def token_logps(
    model: PreTrainedModel,
    batch: SequenceBatch,
    chunk_tokens: int | None = CHUNK_TOKENS,
    squares: bool = False,
) -> torch.Tensor:
    """log pi(y_t | x, y_<t) of every scored token of a packed `batch` (`batch.labels` order;
    `squares`: [tokens, 2], `log sum_v pi(v)^2` beside each, `head_logps`).

    Every prompt runs through the decoder once however many of its responses the batch holds,
    and the LM head and the fp32 log-softmax run only on the positions that predict a response
    token, not on prompt or padding positions, `chunk_tokens` of them at a time
    (`chunked_logps`): the same values as scoring each prompt + response alone with
    `log_softmax(model(x).logits)`, for a fraction of the compute and memory.
    """
    device = model.device
    hidden = model.get_decoder()(
        input_ids=batch.input_ids.to(device),
        position_ids=batch.position_ids.to(device),
        attention_mask=attention_mask(model, batch),
        use_cache=False,  # with a cache, transformers would not see a padding-free batch
    ).last_hidden_state
    hidden = hidden.flatten(0, 1)[batch.sources.to(device)]
    head, labels = model.get_output_embeddings(), batch.labels.to(device)
    return chunked_logps(head, hidden, labels, chunk_tokens, squares)


def sequence_logps(
    model: PreTrainedModel, batch: SequenceBatch, chunk_tokens: int | None = CHUNK_TOKENS
) -> tuple[torch.Tensor, torch.Tensor]:
    """(logp(y) per sequence, |y| per sequence) for the sequences of a packed `batch`: the sums
    of `token_logps` (LD-DPO's weighted sums where `batch.tail` is set). With
    `batch.wpo_weights` the first is [sequences, 2]: each sequence's WPO log-weight beside its
    logp (`wpo_log_weights`)."""
    tokens = token_logps(model, batch, chunk_tokens, squares=batch.wpo_weights)
    squares = None
    if batch.wpo_weights:
        tokens, squares = tokens[:, 0], tokens[:, 1]
    owner = batch.sequence.to(tokens.device)
    lengths = torch.bincount(owner, minlength=batch.size)
    if batch.tail is not None:
        tail = batch.tail.to(tokens.device)
        logps = desensitized_sums(tokens, owner, batch.size, tail, batch.tail_weight)
    else:
        logps = torch.zeros(batch.size, device=tokens.device, dtype=tokens.dtype)
        logps = logps.index_add(0, owner, tokens)
    if squares is not None:
        log_weights = wpo_log_weights(tokens.detach(), squares, owner, lengths)
        logps = torch.stack([logps, log_weights], dim=1)
    return logps, lengths


def wpo_log_weights(
    tokens: torch.Tensor, log_sum_squares: torch.Tensor, owner: torch.Tensor, lengths: torch.Tensor
) -> torch.Tensor:
    """WPO's log-weight of each sequence (Zhou et al. 2024, "WPO: Enhancing RLHF with Weighted
    Preference Optimization", Eq. 3; docs/method.md, "WPO weighting"): the mean over its tokens
    of `log pi(y_t) - log sum_v pi(v)^2`, the token's probability relative to the policy's
    expected probability there, as TRL computes it. `owner`: each token's sequence."""
    aligned = torch.zeros(len(lengths), device=tokens.device, dtype=tokens.dtype)
    aligned = aligned.index_add(0, owner, tokens - log_sum_squares)
    return aligned / lengths.clamp(min=1).to(tokens.dtype)


def desensitized_sums(
    tokens: torch.Tensor, owner: torch.Tensor, size: int, tail: torch.Tensor, alpha: float
) -> torch.Tensor:
    """LD-DPO's log-prob of each of `size` sequences (Liu et al. 2024, "Length Desensitization
    in Direct Preference Optimization"; docs/method.md, "Length-desensitized log-probs"): the
    sum of its tokens' log-probs up to its pair's shared length plus `alpha` times the sum of
    the rest (`tail`), summed apart as TRL sums them. `owner`: each token's sequence."""
    zeros = torch.zeros(size, device=tokens.device, dtype=tokens.dtype)
    shared = zeros.index_add(0, owner, tokens.masked_fill(tail, 0.0))
    rest = zeros.index_add(0, owner, tokens.masked_fill(~tail, 0.0))
    return shared + alpha * rest


def attention_mask(model: PreTrainedModel, batch: SequenceBatch):
    """The mask of `batch` for the model's attention implementation (`attention`): a
    FlexAttention block mask, none for a padding-free batch, else the dense additive mask."""
    implementation = model.config._attn_implementation
    if batch.padding_free:  # the restarting position_ids tell the sequences apart
        return None
    if implementation == "flash_attention_2":
        raise ValueError("flash_attention_2 scores padding-free batches only (collate_for)")
    segment = batch.segment.to(model.device)
    if implementation == "flex_attention":
        return flex_block_mask(segment)
    return packed_attention_mask(segment, model.dtype)


def collate_for(model: PreTrainedModel, sequences: Sequences, pad_id: int) -> SequenceBatch:
    """`collate` in the layout the model's attention implementation takes."""
    return collate(sequences, pad_id, shares_prompts(model.config._attn_implementation))


class SequenceScorer(torch.nn.Module):
    """A causal LM whose forward is `sequence_logps`: the module that DDP or FSDP wraps, so
    that every forward (and the response-only LM head in it) goes through the wrapper.
    `autocast`: the compute dtype of a mixed-precision run (`training.precision`), None for the
    weights' own; the log-softmax stays fp32 either way. `chunk_tokens`: positions per chunk of
    LM head and log-softmax (`chunked_logps`; `trainer.logits_chunk_tokens`)."""

    def __init__(
        self,
        model: PreTrainedModel,
        autocast: torch.dtype | None = None,
        chunk_tokens: int | None = CHUNK_TOKENS,
    ):
        super().__init__()
        self.model, self.autocast, self.chunk_tokens = model, autocast, chunk_tokens
        # FSDP's transformer auto-wrap reads the decoder layer class from here
        self._no_split_modules = getattr(model, "_no_split_modules", None)

    def forward(self, batch: SequenceBatch) -> torch.Tensor:
        """logp(y) per sequence."""
        device = next(self.model.parameters()).device.type
        with torch.autocast(device, dtype=self.autocast, enabled=self.autocast is not None):
            return sequence_logps(self.model, batch, self.chunk_tokens)[0]


@torch.no_grad()
def score_sequences(
    model: PreTrainedModel,
    sequences: Sequences,
    pad_id: int,
    batch_size: int = 32,
) -> torch.Tensor:
    """logp(y) of each (prompt ids, response ids), `batch_size` sequences a forward."""
    model.eval()
    parts = [
        sequence_logps(model, collate_for(model, sequences[i : i + batch_size], pad_id))[0]
        for i in range(0, len(sequences), batch_size)
    ]
    return torch.cat(parts).cpu()
