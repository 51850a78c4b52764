"""TRL's standard dataset formats -> Example: a researcher's own data, from the Hub or a file.

- `preference` (paired): `prompt`, `chosen`, `rejected`, each a string or a list of chat
  messages (a response as messages: its last, the assistant's); or the implicit-prompt form,
  `chosen` and `rejected` conversations only, the prompt being their shared leading messages.
- `unpaired_preference` (unpaired): `prompt`, `completion`, `label` (true: desirable).
- `scored` (grouped): `prompt`, `completions` (a list of strings or message lists) and
  `scores` (one number each).

Column names other than these are mapped with `dataset.columns` (`{chosen: answer_good}`).
"""

from __future__ import annotations

from rpo_exp.data.capybara import parse_capybara
from rpo_exp.data.records import (
    BadRow,
    Example,
    Prompt,
    distinct_pair,
    messages,
    prompt_of,
    score,
    text,
)
from rpo_exp.data.ultrafeedback import group_example


def response(row: dict, key: str) -> str:
    """row[key], a response: a string, or chat messages whose last is the assistant's (its
    content)."""
    if key not in row:
        raise BadRow(f"missing '{key}'")
    value = row[key]
    if isinstance(value, list) and value:
        last = value[-1]
        if not isinstance(last, dict) or last.get("role") != "assistant":
            raise BadRow(f"'{key}' as messages must end with an assistant message")
        value = last.get("content")
    return text({key: value}, key)


def shared_prompt(chosen: object, rejected: object) -> tuple[Prompt, str, str]:
    """(prompt, chosen, rejected) of the implicit-prompt form: the leading messages both
    conversations share, then each one's single final assistant message."""
    for key, value in (("chosen", chosen), ("rejected", rejected)):
        if not isinstance(value, list) or not value:
            raise BadRow(f"no 'prompt': '{key}' must then be a conversation (list of messages)")
    a, b = messages(chosen, "chosen"), messages(rejected, "rejected")
    common = 0
    while common < min(len(a), len(b)) - 1 and a[common] == b[common]:
        common += 1
    if common == 0 or len(a) - common != 1 or len(b) - common != 1:
        raise BadRow(
            "no 'prompt': 'chosen' and 'rejected' must share every message but their last "
            f"(they share {common} of {len(a)} and {len(b)})"
        )
    for key, last in (("chosen", a[-1]), ("rejected", b[-1])):
        if last[0] != "assistant":
            raise BadRow(f"'{key}' must end with an assistant message, its last is {last[0]!r}")
    prompt = prompt_of([{"role": r, "content": c} for r, c in a[:common]], "implicit prompt")
    return prompt, a[-1][1], b[-1][1]


def parse_preference(row: dict) -> Example:
    if row.get("prompt") is None:  # absent (a Hub table holds it as null)
        return distinct_pair(*shared_prompt(row.get("chosen"), row.get("rejected")))
    prompt = prompt_of(row["prompt"])
    return distinct_pair(prompt, response(row, "chosen"), response(row, "rejected"))


def parse_unpaired_preference(row: dict) -> Example:
    return parse_capybara(row)  # Capybara KTO is in this format


def parse_scored(row: dict) -> Example:
    prompt = prompt_of(row.get("prompt", ""))
    completions, scores = row.get("completions"), row.get("scores")
    if not isinstance(completions, list) or not isinstance(scores, list):
        raise BadRow("'completions' and 'scores' must be lists")
    if len(completions) != len(scores):
        raise BadRow(f"{len(completions)} completions but {len(scores)} scores")
    texts = [
        response({f"completions[{i}]": c}, f"completions[{i}]") for i, c in enumerate(completions)
    ]
    return group_example(prompt, texts, [score(s, f"scores[{i}]") for i, s in enumerate(scores)])
