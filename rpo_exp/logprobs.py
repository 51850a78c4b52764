"""Summed response log-probs, logp(y) of SPEC's notation, without full-vocabulary waste."""

from __future__ import annotations

import torch
from transformers import PreTrainedModel

from rpo_exp.data.tokenization import SequenceBatch


def sequence_logps(
    model: PreTrainedModel, batch: SequenceBatch
) -> tuple[torch.Tensor, torch.Tensor]:
    """(logp(y) per sequence, |y| per sequence) for the response tokens of `batch`.

    The LM head and the fp32 log-softmax run only on the positions that predict a response
    token (hidden state t predicts token t+1), not on prompt or padding positions: same values
    as `log_softmax(model(x).logits)` gathered and masked, at a fraction of the memory.
    """
    device = model.device
    input_ids = batch.input_ids.to(device)
    hidden = model.get_decoder()(
        input_ids=input_ids, attention_mask=batch.attention_mask.to(device)
    ).last_hidden_state
    targets = batch.response_mask[:, 1:].to(device)
    rows = torch.nonzero(targets, as_tuple=True)[0]
    logits = model.get_output_embeddings()(hidden[:, :-1][targets]).float()
    labels = input_ids[:, 1:][targets]
    token_logps = logits.gather(1, labels[:, None]).squeeze(1) - logits.logsumexp(dim=1)
    n = input_ids.shape[0]
    logps = torch.zeros(n, device=device, dtype=token_logps.dtype).index_add(0, rows, token_logps)
    lengths = torch.bincount(rows, minlength=n)
    return logps, lengths


class SequenceScorer(torch.nn.Module):
    """A causal LM whose forward is `sequence_logps`: the module that DDP or FSDP wraps, so
    that every forward (and the response-only LM head in it) goes through the wrapper."""

    def __init__(self, model: PreTrainedModel):
        super().__init__()
        self.model = model
        # FSDP's transformer auto-wrap reads the decoder layer class from here
        self._no_split_modules = getattr(model, "_no_split_modules", None)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, response_mask: torch.Tensor
    ) -> torch.Tensor:
        """logp(y) per sequence."""
        batch = SequenceBatch(input_ids, attention_mask, response_mask)
        return sequence_logps(self.model, batch)[0]
