"""Capybara KTO (`argilla/distilabel-capybara-kto-15k-binarized`) -> Example (unpaired).

`prompt` (text or chat messages), `completion` (text, or messages ending with the assistant's),
`label` (bool: desirable).
"""

from __future__ import annotations

from rpo_exp.data.records import BadRow, Example, prompt_of, text


def parse_capybara(row: dict) -> Example:
    if "prompt" not in row:
        raise BadRow("missing 'prompt'")
    prompt = prompt_of(row["prompt"])
    completion = row.get("completion")
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        role = completion[-1].get("role")
        if role != "assistant":  # the response trained on is the assistant's last message
            raise BadRow(
                f"'completion' must end with an assistant message, its last is a {role!r} turn"
            )
        completion = completion[-1].get("content")  # chat form: the assistant's message
    completion = text({"completion": completion} if "completion" in row else {}, "completion")
    label = row.get("label")
    if not isinstance(label, bool):
        raise BadRow(f"'label' must be true or false, got {label!r}")
    return Example(prompt, (completion,), (1.0 if label else 0.0,))
