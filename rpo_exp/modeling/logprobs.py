"""Summed response log-probs, logp(y) of docs/method.md's "Notation", without full-vocabulary
waste."""

from __future__ import annotations

import torch
from transformers import PreTrainedModel

from rpo_exp.modeling.packing import SequenceBatch, collate, packed_attention_mask


def sequence_logps(
    model: PreTrainedModel, batch: SequenceBatch
) -> tuple[torch.Tensor, torch.Tensor]:
    """(logp(y) per sequence, |y| per sequence) for the sequences of a packed `batch`.

    Every prompt runs through the decoder once however many of its responses the batch holds,
    and the LM head and the fp32 log-softmax run only on the positions that predict a response
    token, not on prompt or padding positions: the same values as scoring each prompt +
    response alone with `log_softmax(model(x).logits)`, for a fraction of the compute and
    memory.
    """
    device = model.device
    segment = batch.segment.to(device)
    hidden = model.get_decoder()(
        input_ids=batch.input_ids.to(device),
        position_ids=batch.position_ids.to(device),
        attention_mask=packed_attention_mask(segment, model.dtype),
    ).last_hidden_state
    hidden = hidden.flatten(0, 1)[batch.sources.to(device)]
    logits = model.get_output_embeddings()(hidden).float()
    labels = batch.labels.to(device)
    token_logps = logits.gather(1, labels[:, None]).squeeze(1) - logits.logsumexp(dim=1)
    owner = batch.sequence.to(device)
    logps = torch.zeros(batch.size, device=device, dtype=token_logps.dtype)
    return logps.index_add(0, owner, token_logps), torch.bincount(owner, minlength=batch.size)


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
    sequences: list[tuple[tuple[int, ...], tuple[int, ...]]],
    pad_id: int,
    batch_size: int = 32,
) -> torch.Tensor:
    """logp(y) of each (prompt ids, response ids), `batch_size` sequences a forward."""
    model.eval()
    parts = [
        sequence_logps(model, collate(sequences[i : i + batch_size], pad_id))[0]
        for i in range(0, len(sequences), batch_size)
    ]
    return torch.cat(parts).cpu()
