"""Example -> token ids: rendered by `dataset.prompt_format`, truncated as the papers and TRL do."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from transformers import PreTrainedTokenizerBase

from rpo_exp.common.files import atomic_dir
from rpo_exp.common.paths import cache_dir
from rpo_exp.data.records import Example
from rpo_exp.data.rendering import render

CACHE_VERSION = 3  # bump when tokenization or the entry format changes (3: prompt formats)
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


def tokenize_examples(
    examples: list[Example],
    tokenizer: PreTrainedTokenizerBase,
    max_prompt_length: int,
    max_length: int,
    prompt_format: str = "raw",
    embed_raw: bool = False,
) -> tuple[list[Item], TruncationStats]:
    """Examples rendered by `prompt_format` (`rendering.render`), the prompt cut from the left
    to `max_prompt_length`, each response + its end token (EOS, or the chat template's end of
    turn) cut from the right so prompt + response fits `max_length` (as TRL and the papers
    do). `Item.prompt_text`, what the embedder reads, is the rendered prompt, or the dataset's
    own text with `embed_raw` (`embedder.text=raw`)."""
    stats = TruncationStats()
    items = []
    for index, example in enumerate(examples):
        rendered = render(example, tokenizer, prompt_format)
        prompt = tokenizer(rendered.prompt, add_special_tokens=rendered.special)["input_ids"]
        if not prompt:
            raise ValueError(f"example {index}: the prompt tokenizes to nothing")
        if len(prompt) > max_prompt_length:
            prompt = prompt[-max_prompt_length:]
            stats.prompts += 1
        room = max_length - len(prompt)
        responses = []
        end = list(rendered.end)
        for ids in tokenizer(list(rendered.responses), add_special_tokens=False)["input_ids"]:
            ids = ids + end
            if len(ids) > room:
                ids = ids[:room]
                stats.responses += 1
            responses.append(tuple(ids))
        text = example.prompt_text if embed_raw else rendered.prompt
        items.append(Item(index, text, tuple(prompt), tuple(responses), example.scores))
    return items, stats


def tokenize_cached(
    examples: list[Example],
    tokenizer: PreTrainedTokenizerBase,
    max_prompt_length: int,
    max_length: int,
    prompt_format: str = "raw",
    embed_raw: bool = False,
) -> tuple[list[Item], TruncationStats]:
    """`tokenize_examples`, cached on disk as a `datasets` Arrow dataset keyed by everything
    that changes the result: the examples themselves (so the source, its revision and any
    conversion), the tokenizer and both lengths. A second run does not tokenize again. An
    entry that does not load, or whose items do not match the sha256 of their content stored
    in its description, is reported, deleted and rebuilt, never used; items with a NaN or
    infinite score are never cached."""
    import math

    import datasets
    from datasets.fingerprint import Hasher

    from rpo_exp.common.errors import NonFiniteError

    settings = [max_prompt_length, max_length, prompt_format, embed_raw]
    key = Hasher.hash([CACHE_VERSION, examples, Hasher.hash(tokenizer), *settings])
    path = cache_dir("tokenized") / key
    if path.exists():
        cached = _read_cached(path)
        if cached is not None:
            return cached
    items, stats = tokenize_examples(examples, tokenizer, *settings)
    bad = next((it for it in items if not all(map(math.isfinite, it.scores))), None)
    if bad is not None:
        raise NonFiniteError(
            f"tokenized data: item {bad.index} has the scores {bad.scores} (NaN or inf) from "
            "its dataset's conversion; nothing is cached"
        )
    table = datasets.Dataset.from_list([asdict(it) for it in items])
    description = {"stats": asdict(stats), "items": len(items), "sha256": _content_sha256(items)}
    table.info.description = json.dumps(description)
    with atomic_dir(path) as tmp:  # concurrent runs: the first to finish wins
        table.save_to_disk(str(tmp))
    return items, stats


def _content_sha256(items: list[Item]) -> str:
    """sha256 of every field of `items` (scores as floats: what the Arrow table gives back)."""
    import hashlib

    rows = [
        [it.index, it.prompt_text, it.prompt_ids, it.response_ids, [float(s) for s in it.scores]]
        for it in items
    ]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def _read_cached(path: Path) -> tuple[list[Item], TruncationStats] | None:
    """The items and stats of the cache entry at `path`; None (the entry deleted, with a
    warning naming it) when it is unreadable, altered or written by another version."""
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
        if _content_sha256(items) != description.get("sha256"):
            raise ValueError("its items do not match their sha256")
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
