"""The project's one record type for preference data, and the malformed-row error."""

from __future__ import annotations

import math
from dataclasses import dataclass

Message = tuple[str, str]  # (role, content)
Prompt = str | tuple[Message, ...]
ROLES = ("system", "user", "assistant", "tool")  # the chat roles a message may have


class BadRow(ValueError):
    """A malformed row; the loader turns it into an error naming file and line, or a counted
    skip with `dataset.on_bad_row=skip`."""


class IdenticalPair(BadRow):
    """A pair whose chosen and rejected responses are the same text: nothing to prefer (every
    row so: a column mapping that reads both from one column, `loading.parse_rows`)."""


def is_desirable(scores: tuple[float, ...]) -> bool:
    """An unpaired item's label (its one score: 1 desirable, 0 undesirable); for paired and
    grouped data, whether the first response scores above 0."""
    return scores[0] > 0


@dataclass(frozen=True)
class Example:
    """A prompt and its scored responses, for every data form:

    - paired (HH, TL;DR): responses (chosen, rejected), scores (1, 0);
    - unpaired (Capybara): one response, score 1 (desirable) or 0 (undesirable);
    - grouped (UltraFeedback): K responses with their scores.

    `prompt` is text that the responses continue (HH: ends with "\\n\\nAssistant:") or chat
    messages, rendered with the tokenizer's chat template at tokenization.
    """

    prompt: Prompt
    responses: tuple[str, ...]
    scores: tuple[float, ...]

    @classmethod
    def pair(cls, prompt: Prompt, chosen: str, rejected: str) -> Example:
        return cls(prompt, (chosen, rejected), (1.0, 0.0))

    @property
    def chosen(self) -> str:
        return self.responses[0]

    @property
    def rejected(self) -> str:
        return self.responses[1]

    @property
    def desirable(self) -> bool:
        return is_desirable(self.scores)

    @property
    def plain_prompt(self) -> str:
        """The prompt as plain text, messages joined by newlines (the judge's query, and the
        embedder's text under `embedder.text=raw`)."""
        if isinstance(self.prompt, str):
            return self.prompt
        return "\n".join(content for _, content in self.prompt)


def distinct_pair(prompt: Prompt, chosen: str, rejected: str, what: str = "responses") -> Example:
    """The pair, or IdenticalPair when its two responses are equal once stripped."""
    if chosen.strip() == rejected.strip():
        raise IdenticalPair(f"chosen and rejected {what} are identical")
    return Example.pair(prompt, chosen, rejected)


def text(row: dict, key: str, *, allow_empty: bool = False) -> str:
    """row[key] as a string, or BadRow naming the key."""
    if key not in row:
        raise BadRow(f"missing '{key}'")
    value = row[key]
    if not isinstance(value, str):
        raise BadRow(f"'{key}' must be a string, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise BadRow(f"'{key}' is empty")
    return value


def score(value: object, where: str) -> float:
    """A finite number, or BadRow naming where it came from."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadRow(f"{where} must be a number, got {type(value).__name__}")
    try:
        number = float(value)
    except ValueError:
        raise BadRow(f"{where} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise BadRow(f"{where} must be finite, got {value!r}")
    return number


def messages(value: object, key: str) -> Prompt:
    """A text prompt, or chat messages [{role, content}, ...] as a tuple of (role, content)."""
    if isinstance(value, str):
        if not value.strip():
            raise BadRow(f"'{key}' is empty")
        return value
    if not isinstance(value, list) or not value:
        raise BadRow(f"'{key}' must be a string or a non-empty list of chat messages")
    out = []
    for i, message in enumerate(value):
        if not (isinstance(message, dict) and isinstance(message.get("role"), str)):
            raise BadRow(f"'{key}'[{i}] must be a message {{role, content}}")
        if message["role"] not in ROLES:
            raise BadRow(
                f"'{key}'[{i}] has role {message['role']!r}: must be one of {', '.join(ROLES)}"
            )
        out.append((message["role"], text(message, "content")))
    return tuple(out)


def prompt_of(value: object, key: str = "prompt") -> Prompt:
    """A prompt: text, or chat messages (`messages`) that do not end with the assistant's: the
    response is rendered as the next assistant turn, so a final assistant message would give
    two in a row (docs/method.md, "Prompt formats")."""
    prompt = messages(value, key)
    if not isinstance(prompt, str) and prompt[-1][0] == "assistant":
        raise BadRow(
            f"'{key}' ends with an assistant message: the response would render as a second "
            "assistant turn after it (rpo_exp does not continue a final assistant message); "
            "end the prompt with a user turn"
        )
    return prompt
