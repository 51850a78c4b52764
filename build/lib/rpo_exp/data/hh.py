"""Anthropic HH-RLHF raw schema -> Example (paired).

Each row has `chosen` and `rejected` full transcripts ("\\n\\nHuman: ... \\n\\nAssistant: ...").
The prompt is the shared prefix up to and including the last "\\n\\nAssistant:"; the responses
are what follows it.
"""

from __future__ import annotations

from rpo_exp.data.records import BadRow, Example, distinct_pair, text

ASSISTANT = "\n\nAssistant:"


def split_transcript(transcript: str, key: str) -> tuple[str, str]:
    """(prompt ending with the last "\\n\\nAssistant:", the final assistant response)."""
    cut = transcript.rfind(ASSISTANT)
    if cut < 0:
        raise BadRow(f"'{key}' has no '\\n\\nAssistant:' turn")
    cut += len(ASSISTANT)
    return transcript[:cut], transcript[cut:]


def parse_hh(row: dict) -> Example:
    prompt, chosen = split_transcript(text(row, "chosen"), "chosen")
    rejected_prompt, rejected = split_transcript(text(row, "rejected"), "rejected")
    if prompt != rejected_prompt:
        raise BadRow("chosen and rejected transcripts have different prompts")
    if not chosen.strip() or not rejected.strip():
        raise BadRow("empty response after the last '\\n\\nAssistant:'")
    return distinct_pair(prompt, chosen, rejected)
