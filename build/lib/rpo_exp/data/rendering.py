"""How an Example's prompt and responses become the text the policy reads, in one place
(`dataset.prompt_format`; docs/method.md, "Prompt formats").

- `raw`: the dataset's text as is (chat messages through the tokenizer's chat template when it
  has one, else as an HH transcript); each response followed by EOS.
- `chat_template`: the prompt as user/assistant turns (an HH transcript split at its
  "\\n\\nHuman:"/"\\n\\nAssistant:" markers; plain text one user turn) through the tokenizer's
  chat template with the generation prompt; each response, leading spaces stripped, followed
  by the template's end-of-turn token.
- `released`: the released RPO code's Anthropic HH rendering, step by step: the transcript is
  cut after its last "\\n\\nAssistant: " (with the space); the prompt is split at
  `\\s*(Human:|Assistant:)\\s+`, each marker with the white space around it becoming
  "\\n<|user|>\\n" or "\\n<|assistant|>\\n"; then every run of two or more spaces or tabs
  becomes one space, in the prompt and the responses; each response is followed by EOS (or,
  under `protocol.truncation=released`, by " " + EOS).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from omegaconf import DictConfig
from transformers import PreTrainedTokenizerBase

from rpo_exp.common.errors import ConfigError
from rpo_exp.data.records import Example, Message, Prompt

PROMPT_FORMATS = ("raw", "chat_template", "released")
TURN = re.compile(r"\n\n(Human|Assistant):")
ROLES = {"Human": "user", "Assistant": "assistant"}


@dataclass(frozen=True)
class Rendered:
    prompt: str  # the text the prompt ids are tokenized from
    special: bool  # whether the tokenizer adds its special tokens to it
    responses: tuple[str, ...]
    end: tuple[int, ...]  # ids after every response: EOS, or the template's end of turn


def hh_turns(prompt: str) -> tuple[Message, ...]:
    """An HH transcript ("\\n\\nHuman: ..\\n\\nAssistant: ..\\n\\nAssistant:") as its turns, the
    empty final assistant turn dropped; text without the markers is one user turn."""
    parts = TURN.split(prompt)
    if len(parts) == 1:
        return (("user", prompt.strip()),)
    turns = [
        (ROLES[role], content.strip())
        for role, content in zip(parts[1::2], parts[2::2], strict=True)
    ]
    if turns and turns[-1] == ("assistant", ""):
        turns.pop()
    return tuple(turns)


def render_prompt(prompt: Prompt, tokenizer: PreTrainedTokenizerBase) -> tuple[str, bool]:
    """`raw`: (prompt text, whether the tokenizer adds its special tokens). Chat messages use
    the tokenizer's chat template (which brings its own special tokens) when it has one, else
    the HH transcript format."""
    if isinstance(prompt, str):
        return prompt, True
    if tokenizer.chat_template:
        return templated(prompt, tokenizer), False
    turns = "".join(f"\n\n{'Human' if r == 'user' else r.title()}: {c}" for r, c in prompt)
    return turns + "\n\nAssistant:", True


def templated(turns: tuple[Message, ...], tokenizer: PreTrainedTokenizerBase) -> str:
    chat = [{"role": role, "content": content} for role, content in turns]
    return tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)


@functools.lru_cache(maxsize=8)
def end_of_turn(tokenizer: PreTrainedTokenizerBase) -> int:
    """The token the chat template closes an assistant turn with (`<|im_end|>`, `<|eot_id|>`):
    the first token after the content of a rendered assistant message."""
    marker = "RPOEXPMARKER"
    chat = [{"role": "user", "content": "x"}, {"role": "assistant", "content": marker}]
    text = tokenizer.apply_chat_template(chat, tokenize=False)
    after = text[text.index(marker) + len(marker) :]
    ids = tokenizer(after, add_special_tokens=False)["input_ids"]
    if not ids:
        return tokenizer.eos_token_id
    return ids[0]


RELEASED_CUT = "\n\nAssistant: "
RELEASED_MARKERS = re.compile(r"\s*(Human:|Assistant:)\s+")
RELEASED_TAGS = {"Human": "\n<|user|>\n", "Assistant": "\n<|assistant|>\n"}


def collapse_blanks(text: str) -> str:
    """Every run of two or more spaces or tabs as one space (the released `remove_extra_spaces`)."""
    return re.sub(r"[ \t]{2,}", " ", text)


def released_hh(prompt: str, responses: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """(prompt, responses) as the released code renders an HH row whose transcripts are
    `prompt + response` (module docstring, `released`)."""
    chosen = prompt + responses[0]
    cut = chosen.rfind(RELEASED_CUT)
    if cut < 0:
        raise ConfigError(
            "dataset.prompt_format=released cuts an HH transcript after its last "
            f"'\\n\\nAssistant: ' (with the space); this one has none: {chosen[-80:]!r}; use "
            "dataset.prompt_format=raw"
        )
    head = chosen[: cut + len(RELEASED_CUT)]
    chunks = []
    for chunk in RELEASED_MARKERS.split(head):
        for marker, tag in RELEASED_TAGS.items():
            if chunk.startswith(marker):
                chunk = re.sub(rf"\s*{marker}:\s*", tag, chunk)
                break
        chunks.append(chunk)
    tails = tuple(collapse_blanks((prompt + r)[len(head) :]) for r in responses)
    return collapse_blanks("".join(chunks)), tails


def prompt_format(dataset: DictConfig, model: DictConfig) -> str:
    """`dataset.prompt_format`, or where it is null the model's own (`model.prompt_format`:
    chat_template for instruct models, raw for base models)."""
    return dataset.get("prompt_format") or model.get("prompt_format") or "raw"


def rendered_prompt(
    prompt: Prompt, tokenizer: PreTrainedTokenizerBase, fmt: str
) -> tuple[str, bool]:
    """(the text of `prompt` under `fmt`, whether the tokenizer adds its special tokens): the
    prompt `render` gives in training, for generation too."""
    if fmt == "raw":
        return render_prompt(prompt, tokenizer)
    if fmt == "chat_template":
        if not tokenizer.chat_template:
            raise ConfigError(
                f"dataset.prompt_format=chat_template: the tokenizer {tokenizer.name_or_path} "
                "has no chat template; use dataset.prompt_format=raw"
            )
        return templated(hh_turns(prompt) if isinstance(prompt, str) else prompt, tokenizer), False
    return released_hh(hh_transcript(prompt), (" ",))[0], True  # the response follows "Assistant: "


def hh_transcript(prompt: Prompt) -> str:
    """`prompt`, which `released` renders only as an HH transcript; else ConfigError."""
    if not isinstance(prompt, str) or not TURN.search(prompt):
        raise ConfigError(
            "dataset.prompt_format=released renders Anthropic HH transcripts "
            "('\\n\\nHuman: ... \\n\\nAssistant:'); this data's prompts are not; use raw or "
            "chat_template"
        )
    return prompt


def render(example: Example, tokenizer: PreTrainedTokenizerBase, fmt: str) -> Rendered:
    """`example` as the policy reads it under `dataset.prompt_format=fmt`."""
    end = (tokenizer.eos_token_id,)
    if fmt == "released":  # prompt and responses cut from the whole transcript at once
        text, responses = released_hh(hh_transcript(example.prompt), example.responses)
        return Rendered(text, True, responses, end)
    text, special = rendered_prompt(example.prompt, tokenizer, fmt)
    responses = example.responses
    if fmt == "chat_template":
        responses, end = tuple(r.lstrip() for r in responses), (end_of_turn(tokenizer),)
    return Rendered(text, special, responses, end)
