"""Truncation, collation and the response log-prob gather."""

from __future__ import annotations

import torch

from rpo_exp.data.records import Example
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.modeling.logprobs import sequence_logps
from rpo_exp.modeling.models import load_policy
from rpo_exp.modeling.packing import collate
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


def full_softmax_logps(model, prompt: tuple[int, ...], response: tuple[int, ...]) -> torch.Tensor:
    """logp(response | prompt) the textbook way: the sequence alone, full-vocabulary softmax."""
    ids = torch.tensor([prompt + response])
    logps = torch.log_softmax(model(input_ids=ids).logits[0, :-1].float(), -1)
    token = logps.gather(-1, ids[0, 1:, None])[:, 0]
    return token[len(prompt) - 1 :].sum()


def test_packed_logps_equal_each_sequence_scored_alone(tokenizer) -> None:
    """Prompts shared by several responses are encoded once (one row per prompt, each response
    attending to the prompt and itself): values and gradients equal scoring every prompt +
    response alone with the full log-softmax."""
    torch.manual_seed(0)
    model = load_policy(compose_cfg(*TINY).model, vocab_size=len(tokenizer))
    items, _ = tokenize_examples(examples(), tokenizer, 256, 512)
    # both responses of both prompts, interleaved, one repeated, and a cross-prompt sequence
    sequences = [
        (items[0].prompt_ids, items[0].response_ids[0]),
        (items[1].prompt_ids, items[1].response_ids[1]),
        (items[0].prompt_ids, items[0].response_ids[1]),
        (items[1].prompt_ids, items[1].response_ids[0]),
        (items[0].prompt_ids, items[0].response_ids[0]),
        (items[1].prompt_ids, items[0].response_ids[1]),
    ]
    batch = collate(sequences, tokenizer.pad_token_id)
    assert batch.input_ids.shape[0] == 2  # one row per distinct prompt
    logps, lengths = sequence_logps(model, batch)
    expected = torch.stack([full_softmax_logps(model, p, r) for p, r in sequences])
    torch.testing.assert_close(logps, expected, rtol=1e-5, atol=1e-4)
    assert lengths.tolist() == [len(r) for _, r in sequences]

    weights = torch.linspace(-1.0, 2.0, len(sequences))
    params = [p for p in model.parameters() if p.requires_grad]
    packed = torch.autograd.grad((logps * weights).sum(), params)
    alone = torch.autograd.grad((expected * weights).sum(), params)
    for got, want in zip(packed, alone, strict=True):
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-5)
