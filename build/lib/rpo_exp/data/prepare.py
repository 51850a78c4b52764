"""One split from its source to token ids, as training reads it: loaded (`loading`), converted
for the loss (`conversions`), rendered by the prompt format and truncated by the protocol
(`tokenization`; docs/method.md, "Prompt formats" and "Truncation")."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from omegaconf import DictConfig
from transformers import PreTrainedTokenizerBase

from rpo_exp.data.conversions import Conversion
from rpo_exp.data.loading import Loaded, load_split
from rpo_exp.data.records import Example
from rpo_exp.data.rendering import prompt_format
from rpo_exp.data.tokenization import Item, TruncationStats, tokenize_cached

log = logging.getLogger(__name__)


@dataclass
class PreparedSplit:
    loaded: Loaded  # as read (its `skipped` includes the groups the conversion dropped)
    examples: list[Example]  # converted for the loss's layout
    items: list[Item]  # tokenized, `items[i]` from `examples[i]`
    truncated: TruncationStats


def tokenize_settings(cfg: DictConfig) -> dict:
    """The keyword arguments of `tokenize_examples` / `tokenize_cached` that `cfg` sets."""
    return {
        "max_prompt_length": cfg.trainer.max_prompt_length,
        "max_length": cfg.trainer.max_length,
        "prompt_format": prompt_format(cfg.dataset, cfg.model),
        "embed_raw": cfg.embedder.text == "raw",
        "truncation": cfg.protocol.truncation,
    }


def prepare_split(
    cfg: DictConfig, split: str, convert: Conversion, tokenizer: PreTrainedTokenizerBase
) -> PreparedSplit:
    """`split` of `cfg.dataset` loaded, converted by `convert` and tokenized (cached)."""
    loaded = load_split(cfg.dataset, split)
    converted = convert.apply(loaded.examples, loaded.source)
    loaded.skipped += converted.dropped  # groups pairing dropped: in data/skipped_rows
    items, truncated = tokenize_cached(converted.examples, tokenizer, **tokenize_settings(cfg))
    log.info(
        "%s: %d items; truncated %d prompts, %d responses",
        split,
        len(items),
        truncated.prompts,
        truncated.responses,
    )
    return PreparedSplit(loaded, converted.examples, items, truncated)
