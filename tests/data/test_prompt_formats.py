"""`dataset.prompt_format`: raw, chat_template (SmolLM2-135M-Instruct's template, its end of
turn after each response) and the released RPO code's HH rendering; the embedder reads the
prompt the policy reads (docs/method.md, "Prompt formats")."""

from __future__ import annotations

import pytest

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from rpo_exp.data.records import Example
from rpo_exp.data.rendering import end_of_turn, hh_turns, prompt_format
from rpo_exp.data.tokenization import tokenize_examples
from tests.helpers import TINY, compose_cfg

MULTI_TURN = "\n\nHuman: Hi  there\n\nAssistant: Hello.\n\nHuman: How are   you?\n\nAssistant:"
PAIR = Example.pair(MULTI_TURN, " Fine,  thanks.", " Go away.")


def ids_of(encoded) -> list[int]:
    """apply_chat_template(tokenize=True) gives a list or a BatchEncoding by version."""
    return list(encoded["input_ids"] if hasattr(encoded, "keys") else encoded)


def test_hh_transcripts_split_into_turns() -> None:
    assert hh_turns(MULTI_TURN) == (
        ("user", "Hi  there"),
        ("assistant", "Hello."),
        ("user", "How are   you?"),
    )
    assert hh_turns("Summarize: a post") == (("user", "Summarize: a post"),)


def test_chat_template_renders_the_turns_and_ends_responses_with_end_of_turn(tokenizer) -> None:
    (item,), _ = tokenize_examples([PAIR], tokenizer, 256, 512, "chat_template")
    chat = [{"role": r, "content": c} for r, c in hh_turns(MULTI_TURN)]
    want = tokenizer.apply_chat_template(chat, add_generation_prompt=True, tokenize=True)
    assert list(item.prompt_ids) == ids_of(want)
    eot = end_of_turn(tokenizer)
    assert tokenizer.convert_ids_to_tokens(eot) == "<|im_end|>"
    for response, text in zip(item.response_ids, ("Fine,  thanks.", "Go away."), strict=True):
        assert (response[-1] == eot and eot != tokenizer.eos_token_id) or response[-1] == eot
        assert tokenizer.decode(response[:-1]) == text  # leading space stripped
    rendered = tokenizer.apply_chat_template(chat, add_generation_prompt=True, tokenize=False)
    assert item.embedder_text == rendered  # what the embedder reads
    (raw_text,), _ = tokenize_examples([PAIR], tokenizer, 256, 512, "chat_template", True)
    assert raw_text.embedder_text == PAIR.plain_prompt  # embedder.text=raw


def test_released_renders_hh_as_the_released_code(tokenizer) -> None:
    (item,), _ = tokenize_examples([PAIR], tokenizer, 256, 512, "released")
    want = "\n<|user|>\nHi there\n<|assistant|>\nHello.\n<|user|>\nHow are you?\n<|assistant|>\n"
    assert item.embedder_text == want
    assert list(item.prompt_ids) == tokenizer(want)["input_ids"]
    chosen = item.response_ids[0]
    assert chosen[-1] == tokenizer.eos_token_id
    assert tokenizer.decode(chosen[:-1]) == "Fine, thanks."  # no leading space, spaces collapsed


def test_raw_keeps_the_dataset_text(tokenizer) -> None:
    (item,), _ = tokenize_examples([PAIR], tokenizer, 256, 512, "raw")
    assert item.embedder_text == MULTI_TURN
    assert tokenizer.decode(item.response_ids[0][:-1]) == " Fine,  thanks."


def test_the_format_defaults_to_the_models_and_released_needs_hh() -> None:
    base = compose_cfg(*TINY)
    assert prompt_format(base.dataset, base.model) == "raw"
    instruct = compose_cfg("model=llama3_8b_instruct", "dataset=ultrafeedback_armorm_sample")
    assert prompt_format(instruct.dataset, instruct.model) == "chat_template"
    given = compose_cfg(*TINY, "dataset.prompt_format=released")
    assert prompt_format(given.dataset, given.model) == "released"
    validate(given)
    with pytest.raises(ConfigError, match="prompt_format=released renders Anthropic HH"):
        validate(compose_cfg(*TINY, "dataset=tldr_sample", "dataset.prompt_format=released"))
    with pytest.raises(ConfigError, match=r"dataset.prompt_format=bogus: Invalid value 'bogus'"):
        validate(compose_cfg(*TINY, "dataset.prompt_format=bogus"))
