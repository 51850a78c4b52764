"""OpenAI TL;DR comparisons (`openai/summarize_from_feedback`, `comparisons`) -> Example (paired).

Prompt as in the RPO/DPO papers: "SUBREDDIT: r/..\\nTITLE: ..\\nPOST: ..\\nTL;DR:"; the preferred
summary is `summaries[choice]`.
"""

from __future__ import annotations

from rpo_exp.data.records import BadRow, Example, distinct_pair, text


def tldr_prompt(info: dict) -> str:
    post = text(info, "post")
    subreddit = info.get("subreddit") or ""
    title = info.get("title") or ""
    return f"SUBREDDIT: r/{subreddit}\nTITLE: {title}\nPOST: {post}\nTL;DR:"


def parse_tldr(row: dict) -> Example:
    info = row.get("info")
    if not isinstance(info, dict):
        raise BadRow("missing 'info' (an object with post, title, subreddit)")
    summaries = row.get("summaries")
    if not isinstance(summaries, list) or len(summaries) != 2:
        raise BadRow("'summaries' must be a list of two {text} objects")
    choice = row.get("choice")
    if choice not in (0, 1) or isinstance(choice, bool):
        raise BadRow(f"'choice' must be 0 or 1, got {choice!r}")
    texts = [text(s, "text") if isinstance(s, dict) else None for s in summaries]
    if None in texts:
        raise BadRow("'summaries' items must be objects with a 'text' string")
    chosen, rejected = _leading_space(texts[choice]), _leading_space(texts[1 - choice])
    return distinct_pair(tldr_prompt(info), chosen, rejected, "summaries")


def _leading_space(summary: str) -> str:
    return summary if summary.startswith((" ", "\n")) else " " + summary
