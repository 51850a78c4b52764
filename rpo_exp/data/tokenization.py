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
from rpo_exp.data.records import Example, is_desirable
from rpo_exp.data.rendering import Rendered, render

CACHE_VERSION = 5  # bump when tokenization or the entry format changes (5: released cut + BOS)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """A tokenized Example; `index` is its position in its split (reference log-probs,
    embeddings and the data order refer to items by it)."""

    index: int
    embedder_text: str  # what the prompt embedder reads (docs/method.md, "Prompt formats")
    prompt_ids: tuple[int, ...]
    response_ids: tuple[tuple[int, ...], ...]
    scores: tuple[float, ...]

    @property
    def desirable(self) -> bool:
        return is_desirable(self.scores)


@dataclass
class TruncationStats:
    prompts: int = 0
    responses: int = 0


TRUNCATIONS = ("prompt_first", "released")


def tokenize_examples(
    examples: list[Example],
    tokenizer: PreTrainedTokenizerBase,
    max_prompt_length: int,
    max_length: int,
    prompt_format: str = "raw",
    embed_raw: bool = False,
    truncation: str = "prompt_first",
) -> tuple[list[Item], TruncationStats]:
    """Examples rendered by `prompt_format` (`rendering.render`) and cut to the lengths
    (docs/method.md, "Truncation"). `prompt_first` (as TRL and the papers): the prompt cut from
    the left to `max_prompt_length`, each response + its end token (EOS, or the chat
    template's end of turn) cut from the right so prompt + response fits `max_length`.
    `released` (the released code): `released_truncation`. `Item.embedder_text`, what the
    embedder reads, is the rendered prompt (`released`: the decoded, truncated prompt), or the
    dataset's own text with `embed_raw` (`embedder.text=raw`)."""
    if truncation not in TRUNCATIONS:
        raise ValueError(f"truncation must be one of {', '.join(TRUNCATIONS)}; got {truncation!r}")
    stats = TruncationStats()
    items = []
    for index, example in enumerate(examples):
        rendered = render(example, tokenizer, prompt_format)
        if truncation == "released":
            text, prompt, responses = released_truncation(
                rendered, tokenizer, max_prompt_length, max_length, stats
            )
        else:
            text, prompt, responses = prompt_first(
                rendered, tokenizer, max_prompt_length, max_length, stats
            )
        if not prompt:
            raise ValueError(f"example {index}: the prompt tokenizes to nothing")
        text = example.plain_prompt if embed_raw else text
        items.append(Item(index, text, tuple(prompt), tuple(responses), example.scores))
    return items, stats


def prompt_first(
    rendered: Rendered,
    tokenizer: PreTrainedTokenizerBase,
    max_prompt_length: int,
    max_length: int,
    stats: TruncationStats,
) -> tuple[str, list[int], list[tuple[int, ...]]]:
    """(embedder text, prompt ids, response ids): the prompt cut from the left to
    `max_prompt_length`, then each response + end token cut to fit `max_length`."""
    prompt = tokenizer(rendered.prompt, add_special_tokens=rendered.special)["input_ids"]
    if len(prompt) > max_prompt_length:
        prompt = prompt[-max_prompt_length:]
        stats.prompts += 1
    room = max_length - len(prompt)
    responses = []
    for ids in tokenizer(list(rendered.responses), add_special_tokens=False)["input_ids"]:
        ids = ids + list(rendered.end)
        if len(ids) > room:
            ids = ids[:room]
            stats.responses += 1
        responses.append(tuple(ids))
    return rendered.prompt, prompt, responses


def released_truncation(
    rendered: Rendered,
    tokenizer: PreTrainedTokenizerBase,
    max_prompt_length: int,
    max_length: int,
    stats: TruncationStats,
) -> tuple[str, list[int], list[tuple[int, ...]]]:
    """The released code's `tokenize_batch_element`: the prompt is cut (from the left, to
    `max_prompt_length`) only when prompt + response exceeds `max_length`, then the response
    is cut to fit; both are decoded back to text, the response followed by " " + EOS (or the
    chat template's end of turn), and tokenized again; the embedder reads the decoded prompt.
    The released code decides per (prompt, response); an item has one prompt for all its
    responses, so here it is cut when any response needs it."""
    prompt = tokenizer(rendered.prompt, add_special_tokens=rendered.special)["input_ids"]
    if prompt and prompt[-1] == tokenizer.eos_token_id:
        prompt = prompt[:-1]
    generations = []
    for ids in tokenizer(list(rendered.responses), add_special_tokens=False)["input_ids"]:
        if ids and ids[0] == tokenizer.bos_token_id:
            ids = ids[1:]
        if ids and ids[-1] == tokenizer.eos_token_id:
            ids = ids[:-1]
        generations.append(ids)
    longest = max(map(len, generations))
    end = tokenizer.decode(list(rendered.end))  # EOS, or the chat template's end of turn
    if len(prompt) + longest > max_length and len(prompt) > max_prompt_length:
        # the cut text is tokenized again, and a tokenizer that adds a BOS (LLaMA-2's) adds it
        # again: the cut leaves it room, so the prompt is max_prompt_length tokens with it
        bos = int(rendered.special and prompt[0] == tokenizer.bos_token_id)
        prompt = prompt[-(max_prompt_length - bos) :]
        stats.prompts += 1
    text = tokenizer.decode(prompt, skip_special_tokens=rendered.special)  # a template's stay
    responses = []
    for ids in generations:
        if len(prompt) + len(ids) > max_length:
            ids = ids[: max_length - len(prompt)]
            stats.responses += 1
        answer = tokenizer.decode(ids, skip_special_tokens=True) + " " + end
        responses.append(tuple(tokenizer(answer, add_special_tokens=False)["input_ids"]))
    return text, tokenizer(text, add_special_tokens=rendered.special)["input_ids"], responses


def tokenize_cached(
    examples: list[Example],
    tokenizer: PreTrainedTokenizerBase,
    max_prompt_length: int,
    max_length: int,
    prompt_format: str = "raw",
    embed_raw: bool = False,
    truncation: str = "prompt_first",
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

    settings = [max_prompt_length, max_length, prompt_format, embed_raw, truncation]
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
        [it.index, it.embedder_text, it.prompt_ids, it.response_ids, [float(s) for s in it.scores]]
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
                r["embedder_text"],
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
