"""A judge's reply -> which of the two responses it picked, strictly: never a guess.

Text replies (`judge.verdict=text`) must be the pick alone ("Response 1", "response 2.", "2"),
lead with it as a judgment ("Response 1 is more helpful than Response 2"), or name exactly one
of the two responses ("... so Response 2 is better"). Log-prob replies
(`judge.verdict=logprobs`) give P("1") and P("2") of the first answer token. Anything else
("Response 1 or 2, hard to say", garbage) is unparseable (None): the caller retries, then counts
it invalid.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

NAME = r"(?:(?:response|summary)\s*#?\s*)?([12])(?![\d.]*\d)"
# the pick alone, give or take quotes, markdown and final punctuation
ALONE = re.compile(rf"^[\s\"'*#(\[]*{NAME}[\s\"'*)\].!:]*$", re.I)
# the pick first, stated as the better one
LEADING = re.compile(
    rf"^[\s\"'*#(\[]*{NAME}\W*\s+(?:is|was)\s+(?:the\s+)?(?:more|better|preferred)", re.I
)
# any mention of "Response N" / "Summary N"
MENTION = re.compile(r"\b(?:response|summary)\s*#?\s*(\d+)\b", re.I)


@dataclass(frozen=True)
class Verdict:
    """`pick` 1 or 2 (the first or second response as shown), or 0.5 for an exact tie of the
    log-probs; `confidence` P(pick) renormalised over {1, 2} (logprobs), None for text."""

    pick: float
    confidence: float | None = None


def parse_text(reply: str) -> Verdict | None:
    """The pick a text reply states, or None when it states none or both."""
    stated = ALONE.match(reply) or LEADING.match(reply)
    if stated:
        return Verdict(int(stated.group(1)))
    named = {int(n) for n in MENTION.findall(reply)}
    if len(named) == 1 and named <= {1, 2}:
        return Verdict(named.pop())
    return None


def parse_logprobs(top_logprobs: list[tuple[str, float]]) -> Verdict | None:
    """The pick from the first answer token's top log-probs [(token, logprob)]: tokens that are
    "1" or "2" once stripped add up; None when neither is among them."""
    mass = {1: 0.0, 2: 0.0}
    for token, logprob in top_logprobs:
        text = token.strip()
        if text in ("1", "2"):
            mass[int(text)] += math.exp(logprob)
    total = mass[1] + mass[2]
    if total == 0.0:
        return None
    if mass[1] == mass[2]:
        return Verdict(0.5, 0.5)
    pick = 1 if mass[1] > mass[2] else 2
    return Verdict(pick, mass[pick] / total)
