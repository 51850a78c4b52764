"""Scored groups -> Example (grouped): UltraFeedback and its ArmoRM-rescored Llama-3 version.

`openbmb/UltraFeedback`: `instruction`, `completions[]` with `response` and `overall_score`
(GPT-4 ratings; SWEPO paper). `princeton-nlp/llama3-ultrafeedback-armorm`: `prompt`,
`all_generated_responses`, `all_rm_scores` (SimPO+RPO table).
"""

from __future__ import annotations

from rpo_exp.data.records import BadRow, Example, Prompt, score, text


def group_example(prompt: Prompt, responses: list[str], scores: list[float]) -> Example:
    """A scored group of at least 2 responses."""
    if len(responses) < 2:
        raise BadRow(f"a group needs at least 2 responses, got {len(responses)}")
    return Example(prompt, tuple(responses), tuple(scores))


def parse_ultrafeedback(row: dict) -> Example:
    prompt = text(row, "instruction")
    completions = row.get("completions")
    if not isinstance(completions, list):
        raise BadRow("'completions' must be a list of {response, overall_score}")
    responses, scores = [], []
    for i, c in enumerate(completions):
        if not isinstance(c, dict):
            raise BadRow(f"completions[{i}] must be an object")
        responses.append(text(c, "response"))
        if "overall_score" not in c:
            raise BadRow(f"completions[{i}] is missing 'overall_score'")
        scores.append(score(c["overall_score"], f"completions[{i}].overall_score"))
    return group_example(prompt, responses, scores)


def parse_ultrafeedback_armorm(row: dict) -> Example:
    prompt = text(row, "prompt")
    responses, scores = row.get("all_generated_responses"), row.get("all_rm_scores")
    if not isinstance(responses, list) or not isinstance(scores, list):
        raise BadRow("'all_generated_responses' and 'all_rm_scores' must be lists")
    if len(responses) != len(scores):
        raise BadRow(f"{len(responses)} responses but {len(scores)} scores")
    texts = [text({"response": r}, "response") for r in responses]
    return group_example(
        prompt, texts, [score(s, f"all_rm_scores[{i}]") for i, s in enumerate(scores)]
    )
