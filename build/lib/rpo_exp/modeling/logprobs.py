"""Summed response log-probs, logp(y) of docs/method.md's "Notation", without full-vocabulary
waste."""

from __future__ import annotations

import torch
from transformers import PreTrainedModel

from rpo_exp.modeling.attention import flex_block_mask, shares_prompts
from rpo_exp.modeling.packing import SequenceBatch, Sequences, collate, packed_attention_mask


def token_logps(model: PreTrainedModel, batch: SequenceBatch) -> torch.Tensor:
    """log pi(y_t | x, y_<t) of every scored token of a packed `batch` (`batch.labels` order).

    Every prompt runs through the decoder once however many of its responses the batch holds,
    and the LM head and the fp32 log-softmax run only on the positions that predict a response
    token, not on prompt or padding positions: the same values as scoring each prompt +
    response alone with `log_softmax(model(x).logits)`, for a fraction of the compute and
    memory.
    """
    device = model.device
    hidden = model.get_decoder()(
        input_ids=batch.input_ids.to(device),
        position_ids=batch.position_ids.to(device),
        attention_mask=attention_mask(model, batch),
        use_cache=False,  # with a cache, transformers would not see a padding-free batch
    ).last_hidden_state
    hidden = hidden.flatten(0, 1)[batch.sources.to(device)]
    logits = model.get_output_embeddings()(hidden).float()
    labels = batch.labels.to(device)
    return logits.gather(1, labels[:, None]).squeeze(1) - logits.logsumexp(dim=1)


def sequence_logps(
    model: PreTrainedModel, batch: SequenceBatch
) -> tuple[torch.Tensor, torch.Tensor]:
    """(logp(y) per sequence, |y| per sequence) for the sequences of a packed `batch`: the sums
    of `token_logps`."""
    tokens = token_logps(model, batch)
    owner = batch.sequence.to(tokens.device)
    logps = torch.zeros(batch.size, device=tokens.device, dtype=tokens.dtype)
    return logps.index_add(0, owner, tokens), torch.bincount(owner, minlength=batch.size)


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
    weights' own; the log-softmax stays fp32 either way."""

    def __init__(self, model: PreTrainedModel, autocast: torch.dtype | None = None):
        super().__init__()
        self.model, self.autocast = model, autocast
        # FSDP's transformer auto-wrap reads the decoder layer class from here
        self._no_split_modules = getattr(model, "_no_split_modules", None)

    def forward(self, batch: SequenceBatch) -> torch.Tensor:
        """logp(y) per sequence."""
        device = next(self.model.parameters()).device.type
        with torch.autocast(device, dtype=self.autocast, enabled=self.autocast is not None):
            return sequence_logps(self.model, batch)[0]


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
