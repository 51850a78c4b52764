"""Greedy samples of a fixed handful of held-out prompts while training (`trainer.sample_every`),
so that a researcher sees the policy change, and a run going wrong, before it ends."""

from __future__ import annotations

import torch
from transformers import PreTrainedTokenizerBase

from rpo_exp.common.choice import distinct_choice
from rpo_exp.data.tokenization import Item


class Sampler:
    """`count` test prompts (distinct, a seeded choice: the same in every run) continued
    greedily for at most `max_new_tokens` tokens."""

    def __init__(
        self,
        items: list[Item],
        tokenizer: PreTrainedTokenizerBase,
        count: int,
        max_new_tokens: int,
    ):
        chosen = distinct_choice([it.prompt_ids for it in items], count, seed=0)
        self.items = [items[i] for i in chosen]
        self.tokenizer, self.max_new_tokens = tokenizer, max_new_tokens

    @torch.no_grad()
    def sample(self, model: torch.nn.Module, autocast: torch.dtype | None) -> list[dict]:
        """One row per prompt: its test index, prompt text and greedy continuation. Every
        process calls it (a sharded model generates collectively)."""
        was_training = model.training
        model.eval()
        device = next(model.parameters()).device
        rows = []
        for item in self.items:
            ids = torch.tensor([item.prompt_ids], device=device)
            with torch.autocast(device.type, dtype=autocast, enabled=autocast is not None):
                out = model.generate(
                    input_ids=ids,
                    attention_mask=torch.ones_like(ids),
                    max_new_tokens=self.max_new_tokens,
                    do_sample=False,
                    use_cache=True,
                    pad_token_id=self.tokenizer.pad_token_id,
                )
            response = self.tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True)
            rows.append({"index": item.index, "prompt": item.embedder_text, "response": response})
        model.train(was_training)
        return rows
