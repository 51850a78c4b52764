"""Example -> token ids with the papers' / TRL's truncation, and padded sequence batches."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from transformers import PreTrainedTokenizerBase

from rpo_exp.common.files import atomic_dir
from rpo_exp.common.paths import cache_dir
from rpo_exp.data.records import Example, Prompt

CACHE_VERSION = 2  # bump when tokenization or the entry format changes (2: item count kept)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """A tokenized Example; `index` is its position in its split (reference log-probs,
    embeddings and the data order refer to items by it)."""

    index: int
    prompt_text: str
    prompt_ids: tuple[int, ...]
    response_ids: tuple[tuple[int, ...], ...]
    scores: tuple[float, ...]

    @property
    def desirable(self) -> bool:
        return self.scores[0] > 0


@dataclass
class TruncationStats:
    prompts: int = 0
    responses: int = 0


def render_prompt(prompt: Prompt, tokenizer: PreTrainedTokenizerBase) -> tuple[str, bool]:
    """(prompt text, whether the tokenizer should add its special tokens). Chat messages use
    the tokenizer's chat template (which brings its own special tokens) when it has one, else
    the HH transcript format."""
    if isinstance(prompt, str):
        return prompt, True
    chat = [{"role": role, "content": content} for role, content in prompt]
    if tokenizer.chat_template:
        return tokenizer.apply_chat_template(
            chat, tokenize=False, add_generation_prompt=True
        ), False
    turns = "".join(f"\n\n{'Human' if r == 'user' else r.title()}: {c}" for r, c in prompt)
    return turns + "\n\nAssistant:", True


def tokenize_examples(
    examples: list[Example],
    tokenizer: PreTrainedTokenizerBase,
    max_prompt_length: int,
    max_length: int,
) -> tuple[list[Item], TruncationStats]:
    """Prompt cut from the left to `max_prompt_length`; each response + EOS cut from the right
    so prompt + response fits `max_length` (as TRL and the papers do)."""
    stats = TruncationStats()
    eos = [tokenizer.eos_token_id]
    items = []
    for index, example in enumerate(examples):
        text, special = render_prompt(example.prompt, tokenizer)
        prompt = tokenizer(text, add_special_tokens=special)["input_ids"]
        if not prompt:
            raise ValueError(f"example {index}: the prompt tokenizes to nothing")
        if len(prompt) > max_prompt_length:
            prompt = prompt[-max_prompt_length:]
            stats.prompts += 1
        room = max_length - len(prompt)
        responses = []
        for ids in tokenizer(list(example.responses), add_special_tokens=False)["input_ids"]:
            ids = ids + eos
            if len(ids) > room:
                ids = ids[:room]
                stats.responses += 1
            responses.append(tuple(ids))
        items.append(
            Item(index, example.prompt_text, tuple(prompt), tuple(responses), example.scores)
        )
    return items, stats


def tokenize_cached(
    examples: list[Example],
    tokenizer: PreTrainedTokenizerBase,
    max_prompt_length: int,
    max_length: int,
) -> tuple[list[Item], TruncationStats]:
    """`tokenize_examples`, cached on disk as a `datasets` Arrow dataset keyed by everything
    that changes the result: the examples themselves (so the source, its revision and any
    conversion), the tokenizer and both lengths. A second run does not tokenize again. An
    entry that does not load, or holds another number of items than was written (stored in its
    description), is reported, deleted and rebuilt, never used."""
    import datasets
    from datasets.fingerprint import Hasher

    key = Hasher.hash(
        [CACHE_VERSION, examples, Hasher.hash(tokenizer), max_prompt_length, max_length]
    )
    path = cache_dir("tokenized") / key
    if path.exists():
        cached = _read_cached(path)
        if cached is not None:
            return cached
    items, stats = tokenize_examples(examples, tokenizer, max_prompt_length, max_length)
    table = datasets.Dataset.from_list([asdict(it) for it in items])
    table.info.description = json.dumps({"stats": asdict(stats), "items": len(items)})
    with atomic_dir(path) as tmp:  # concurrent runs: the first to finish wins
        table.save_to_disk(str(tmp))
    return items, stats


def _read_cached(path: Path) -> tuple[list[Item], TruncationStats] | None:
    """The items and stats of the cache entry at `path`; None (the entry deleted, with a
    warning naming it) when it is unreadable, truncated or written by another version."""
    import datasets

    try:
        table = datasets.load_from_disk(str(path))
        description = json.loads(table.info.description)
        stats = TruncationStats(**description["stats"])
        items = [
            Item(
                r["index"],
                r["prompt_text"],
                tuple(r["prompt_ids"]),
                tuple(map(tuple, r["response_ids"])),
                tuple(r["scores"]),
            )
            for r in table
        ]
        if len(items) != description["items"]:
            raise ValueError(f"{len(items)} items, {description['items']} were written")
    except Exception as err:  # any unreadable or altered entry is rebuilt, never used
        log.warning(
            "tokenized cache %s is unusable (%s: %s): deleting and rebuilding it",
            path,
            type(err).__name__,
            err,
        )
        shutil.rmtree(path, ignore_errors=True)
        return None
    return items, stats
