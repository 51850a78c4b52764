"""Truncation, collation and the response log-prob gather."""

from __future__ import annotations

import torch

from rpo_exp.data.records import Example
from rpo_exp.data.tokenization import collate, tokenize_examples
from rpo_exp.logprobs import sequence_logps
from rpo_exp.models import load_policy
from tests.helpers import TINY, compose_cfg


def examples() -> list[Example]:
    return [
        Example.pair(
            "\n\nHuman: How do I boil an egg?\n\nAssistant:", " Boil it for 9 minutes.", " No."
        ),
        Example.pair(
            "\n\nHuman: hi\n\nAssistant: Hello!\n\nHuman: What is 2+2?\n\nAssistant:",
            " 2 + 2 = 4.",
            " It is 5, obviously, everybody knows that.",
        ),
    ]


def test_truncation_cuts_prompt_left_and_response_right(tokenizer) -> None:
    items, stats = tokenize_examples(examples(), tokenizer, max_prompt_length=6, max_length=10)
    full = tokenizer(examples()[1].prompt)["input_ids"]
    assert items[1].prompt_ids == tuple(full[-6:])  # the end of the prompt is kept
    assert all(len(it.prompt_ids) + len(it.response_ids[0]) <= 10 for it in items)
    assert all(len(it.prompt_ids) + len(it.response_ids[1]) <= 10 for it in items)
    assert stats.prompts == 2 and stats.responses >= 1
    untouched, none = tokenize_examples(examples(), tokenizer, 256, 512)
    assert (none.prompts, none.responses) == (0, 0)
    assert untouched[0].response_ids[0][-1] == tokenizer.eos_token_id


def test_sequence_logps_equal_full_log_softmax(tokenizer) -> None:
    torch.manual_seed(0)
    model = load_policy(compose_cfg(*TINY).model, vocab_size=len(tokenizer))
    items, _ = tokenize_examples(examples(), tokenizer, 256, 512)
    batch = collate(
        [(it.prompt_ids, r) for it in items for r in it.response_ids], tokenizer.pad_token_id
    )
    logps, lengths = sequence_logps(model, batch)

    logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
    token = torch.log_softmax(logits[:, :-1].float(), -1).gather(-1, batch.input_ids[:, 1:, None])[
        ..., 0
    ]
    mask = batch.response_mask[:, 1:]
    torch.testing.assert_close(logps, (token * mask).sum(1), rtol=1e-5, atol=1e-4)
    expected = [len(r) for it in items for r in it.response_ids]
    assert lengths.tolist() == expected
