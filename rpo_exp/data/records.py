"""The project's one record type for preference data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """A prompt with a preferred (`chosen`) and a dispreferred (`rejected`) response.

    `prompt` ends where the responses begin (HH: with "\\n\\nAssistant:"); the responses are
    the text after it, so `prompt + chosen` is the full chosen transcript.
    """

    prompt: str
    chosen: str
    rejected: str
