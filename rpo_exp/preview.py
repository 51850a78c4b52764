"""`python -m rpo_exp.preview [train overrides] [n=8] [split=all]`: what a run would train on.

Prints one JSON object per line for the first `n` examples of a split (`all`: train then test;
a `dataset.path` without `dataset.test_path`: the whole file in its order), composed and validated
as `python -m rpo_exp.train` would (same config, same loading, conversion, rendering and
truncation; docs/method.md, "Prompt formats" and "Truncation"):

- `split`, `index`: where the example is (its item index in that split);
- `prompt` and `chosen`/`rejected` (paired), `completion`/`desirable` (unpaired) or
  `responses`/`scores` (grouped): the rendered text, before truncation;
- `end`: the text that follows each response (EOS, the chat template's end of turn, or the
  released code's " " + EOS);
- `embedder_text`: what the sentence embedder reads for RPO's weights;
- `tokens`: the token counts trained on (`prompt`, `responses`);
- `truncated`: the tokens truncation removed (`prompt`, `responses`) and the prompt text it
  cut (`prompt_text`).

No weights load and nothing is written.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator

from omegaconf import DictConfig, OmegaConf, open_dict

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.entry import command
from rpo_exp.config.validation import validate
from rpo_exp.data.prepare import prepare_split, tokenize_settings
from rpo_exp.data.records import Example
from rpo_exp.data.rendering import render
from rpo_exp.data.tokenization import Item, tokenize_examples
from rpo_exp.modeling.models import load_tokenizer

UNLIMITED = 10**9
SPLITS = ("all", "train", "test")
OPTIONS = ("n", "split")  # preview's own top-level keys (conf/preview.yaml)


def response_fields(example: Example, responses: tuple[str, ...]) -> dict:
    """The responses under the names of the example's form."""
    if len(responses) == 2 and example.scores == (1.0, 0.0):
        return {"chosen": responses[0], "rejected": responses[1]}
    if len(responses) == 1:
        return {"completion": responses[0], "desirable": example.desirable}
    return {"responses": list(responses), "scores": list(example.scores)}


def preview(cfg: DictConfig) -> Iterator[dict]:
    """The preview records of the first `cfg.n` examples of `cfg.split` (module docstring)."""
    if cfg.split not in SPLITS:
        raise ConfigError(f"split={cfg.split}: must be one of {', '.join(SPLITS)}")
    if not (isinstance(cfg.n, int) and not isinstance(cfg.n, bool) and cfg.n > 0):
        raise ConfigError(f"n={cfg.n}: must be a positive integer")
    _, convert, _ = validate(OmegaConf.masked_copy(cfg, [k for k in cfg if k not in OPTIONS]))
    splits = [cfg.split] if cfg.split != "all" else ["train", "test"]
    if cfg.split == "all" and cfg.dataset.path and not cfg.dataset.test_path:
        with open_dict(cfg):  # the whole file, in its order: no test split cut from it
            cfg.dataset.test_path = cfg.dataset.path
        splits = ["train"]
    tokenizer = load_tokenizer(cfg.model)
    settings = tokenize_settings(cfg)
    uncut = settings | {"max_prompt_length": UNLIMITED, "max_length": 2 * UNLIMITED}
    fmt, released_end = settings["prompt_format"], settings["truncation"] == "released"
    shown = 0
    for split in splits:
        prepared = prepare_split(cfg, split, convert, tokenizer)
        for example, item in zip(prepared.examples, prepared.items, strict=True):
            if shown == cfg.n:
                return
            shown += 1
            rendered = render(example, tokenizer, fmt)
            (whole,), _ = tokenize_examples([example], tokenizer, **uncut)
            cut = len(whole.prompt_ids) - len(item.prompt_ids)
            yield {
                "split": split,
                "index": item.index,
                "prompt": rendered.prompt,
                **response_fields(example, rendered.responses),
                "end": released_end * " " + tokenizer.decode(list(rendered.end)),
                "embedder_text": item.embedder_text,
                "tokens": {"prompt": len(item.prompt_ids), "responses": lengths(item)},
                "truncated": {
                    "prompt": cut,
                    "responses": [
                        a - b for a, b in zip(lengths(whole), lengths(item), strict=True)
                    ],
                    "prompt_text": tokenizer.decode(whole.prompt_ids[:cut]),
                },
            }


def lengths(item: Item) -> list[int]:
    return [len(r) for r in item.response_ids]


@command("preview")
def main(cfg: DictConfig) -> None:
    logging.getLogger().handlers = [logging.StreamHandler(sys.stderr)]  # stdout: JSON only
    for record in preview(cfg):
        print(json.dumps(record, ensure_ascii=False))


if __name__ == "__main__":
    main()
