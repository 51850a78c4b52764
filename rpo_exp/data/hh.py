"""Anthropic HH-RLHF raw schema -> Example.

Each row has `chosen` and `rejected` full transcripts ("\\n\\nHuman: ... \\n\\nAssistant: ...").
The prompt is the shared prefix up to and including the last "\\n\\nAssistant:"; the responses
are what follows it.
"""

from __future__ import annotations

from rpo_exp.data.records import Example

ASSISTANT = "\n\nAssistant:"
FIELDS = ("chosen", "rejected")


class SkipRow(Exception):
    """A well-formed row that carries no usable preference; counted and logged, not fatal."""


def split_transcript(transcript: str) -> tuple[str, str]:
    """(prompt ending with the last "\\n\\nAssistant:", the final assistant response)."""
    cut = transcript.rfind(ASSISTANT)
    if cut < 0:
        raise SkipRow("no '\\n\\nAssistant:' turn")
    cut += len(ASSISTANT)
    return transcript[:cut], transcript[cut:]


def parse_hh(row: dict) -> Example:
    """One raw HH row -> Example. Raises KeyError/TypeError for a malformed row and SkipRow for
    one without a preference (no assistant turn, different prompts, identical responses)."""
    missing = [f for f in FIELDS if f not in row]
    if missing:
        raise KeyError(
            f"missing {', '.join(missing)} (HH rows need string fields chosen, rejected)"
        )
    for field in FIELDS:
        if not isinstance(row[field], str):
            raise TypeError(f"'{field}' must be a string, got {type(row[field]).__name__}")
    prompt, chosen = split_transcript(row["chosen"])
    rejected_prompt, rejected = split_transcript(row["rejected"])
    if prompt != rejected_prompt:
        raise SkipRow("chosen and rejected transcripts have different prompts")
    if chosen.strip() == rejected.strip():
        raise SkipRow("chosen and rejected responses are identical")
    if not chosen.strip() or not rejected.strip():
        raise SkipRow("empty response")
    return Example(prompt=prompt, chosen=chosen, rejected=rejected)
