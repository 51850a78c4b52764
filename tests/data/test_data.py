"""Raw schemas -> Example, malformed rows (error or counted skip), the shipped samples, and
prompt/response token boundaries after truncation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.data.capybara import parse_capybara
from rpo_exp.data.hh import parse_hh
from rpo_exp.data.loading import FORMATS, load_split
from rpo_exp.data.records import Example
from rpo_exp.data.rendering import render_prompt
from rpo_exp.data.tldr import parse_tldr
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.data.ultrafeedback import parse_ultrafeedback, parse_ultrafeedback_armorm
from rpo_exp.modeling.packing import collate
from tests.helpers import compose_cfg

SAMPLES = {
    "hh_sample": "paired",
    "tldr_sample": "paired",
    "capybara_sample": "unpaired",
    "ultrafeedback_sample": "grouped",
    "ultrafeedback_armorm_sample": "grouped",
}


def test_hh_single_turn_split() -> None:
    p = "\n\nHuman: What is the capital of France?\n\nAssistant:"
    ex = parse_hh({"chosen": p + " Paris.", "rejected": p + " Lyon."})
    assert (ex.prompt, ex.chosen, ex.rejected) == (p, " Paris.", " Lyon.")


def test_hh_multi_turn_prompt_keeps_earlier_turns() -> None:
    p = (
        "\n\nHuman: I want to bake bread.\n\nAssistant: Great, what kind?"
        "\n\nHuman: Sourdough. How long should it proof?\n\nAssistant:"
    )
    ex = parse_hh({"chosen": p + " Usually 4 to 12 hours.", "rejected": p + " Ten seconds."})
    assert ex.prompt == p and ex.prompt.count("\n\nAssistant:") == 2
    assert ex.chosen == " Usually 4 to 12 hours."


def test_tldr_prompt_format_and_choice() -> None:
    row = {
        "info": {"id": "t3_1", "post": "My dog barks.", "title": "Help", "subreddit": "dogs"},
        "summaries": [{"text": " bad"}, {"text": " dog barks at night"}],
        "choice": 1,
    }
    ex = parse_tldr(row)
    assert ex.prompt == "SUBREDDIT: r/dogs\nTITLE: Help\nPOST: My dog barks.\nTL;DR:"
    assert (ex.chosen, ex.rejected) == (" dog barks at night", " bad")


def test_capybara_chat_and_text_prompts() -> None:
    chat = [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]
    chat.append({"role": "user", "content": "and 3+3?"})
    ex = parse_capybara({"prompt": chat, "completion": "6", "label": True})
    assert ex.prompt == (("user", "2+2?"), ("assistant", "4"), ("user", "and 3+3?"))
    assert ex.responses == ("6",) and ex.desirable
    assert not parse_capybara({"prompt": "Say hi", "completion": "no", "label": False}).desirable


def test_ultrafeedback_groups() -> None:
    row = {
        "instruction": "Name a prime.",
        "completions": [
            {"response": "7", "overall_score": 9.0},
            {"response": "9", "overall_score": 2.5},
            {"response": "2", "overall_score": "8"},
        ],
    }
    assert parse_ultrafeedback(row) == Example("Name a prime.", ("7", "9", "2"), (9.0, 2.5, 8.0))
    armorm = {"prompt": "Hi", "all_generated_responses": ["a", "b"], "all_rm_scores": [0.1, 0.2]}
    assert parse_ultrafeedback_armorm(armorm).scores == (0.1, 0.2)


def test_chat_prompts_use_the_chat_template(tokenizer) -> None:
    text, special = render_prompt((("user", "Hello there"),), tokenizer)
    assert tokenizer.chat_template and not special
    assert "Hello there" in text and text.endswith("<|im_start|>assistant\n")


HH_OK = {
    "chosen": "\n\nHuman: hi\n\nAssistant: hello",
    "rejected": "\n\nHuman: hi\n\nAssistant: go",
}
BAD_ROWS = {
    "missing key": ("hh", {"chosen": HH_OK["chosen"]}, "missing 'rejected'"),
    "wrong type": ("hh", {"chosen": HH_OK["chosen"], "rejected": 3}, "'rejected' must be a string"),
    "empty response": (
        "hh",
        {"chosen": "\n\nHuman: hi\n\nAssistant:", "rejected": HH_OK["rejected"]},
        "empty response",
    ),
    "no assistant marker": (
        "hh",
        {"chosen": "Human: hi", "rejected": "x"},
        "no '\\n\\nAssistant:'",
    ),
    "identical responses": (
        "hh",
        {"chosen": HH_OK["chosen"], "rejected": HH_OK["chosen"]},
        "identical",
    ),
    "missing score": (
        "ultrafeedback",
        {
            "instruction": "q",
            "completions": [{"response": "a"}, {"response": "b", "overall_score": 1}],
        },
        "missing 'overall_score'",
    ),
    "non-finite score": (
        "ultrafeedback_armorm",
        {"prompt": "q", "all_generated_responses": ["a", "b"], "all_rm_scores": [0.1, "nan"]},
        "must be finite",
    ),
    "group of one": (
        "ultrafeedback",
        {"instruction": "q", "completions": [{"response": "a", "overall_score": 3}]},
        "at least 2 responses",
    ),
    "non-bool label": ("capybara", {"prompt": "q", "completion": "a", "label": "yes"}, "'label'"),
    "completion ends with a user turn": (
        "capybara",
        {
            "prompt": "q",
            "completion": [
                {"role": "assistant", "content": "a"},
                {"role": "user", "content": "and?"},
            ],
            "label": True,
        },
        "'completion' must end with an assistant message",
    ),
}
GOOD_ROWS = {
    "hh": HH_OK,
    "ultrafeedback": {
        "instruction": "q",
        "completions": [
            {"response": "a", "overall_score": 1},
            {"response": "b", "overall_score": 2},
        ],
    },
    "ultrafeedback_armorm": {
        "prompt": "q",
        "all_generated_responses": ["a", "b"],
        "all_rm_scores": [0.1, 0.2],
    },
    "capybara": {"prompt": "q", "completion": "a", "label": True},
}


@pytest.mark.parametrize("kind", list(BAD_ROWS))
def test_bad_rows_error_by_default_and_are_counted_with_skip(tmp_path: Path, kind: str) -> None:
    fmt, bad, reason = BAD_ROWS[kind]
    path = tmp_path / "data.jsonl"
    rows = [GOOD_ROWS[fmt]] * 3 + [bad] + [GOOD_ROWS[fmt]] * 2
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    dataset = f"dataset={fmt}"
    cfg = compose_cfg(dataset, f"dataset.path={path}", f"dataset.test_path={path}").dataset
    with pytest.raises(DataError, match=r"data\.jsonl:4: ") as err:
        load_split(cfg, "train")
    assert reason in str(err.value) and "on_bad_row=skip" in str(err.value)
    cfg.on_bad_row = "skip"
    loaded = load_split(cfg, "train")
    assert (len(loaded.examples), loaded.skipped) == (5, 1)


def test_local_file_split_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    rows = [
        {
            "chosen": f"\n\nHuman: q{i}\n\nAssistant: good",
            "rejected": f"\n\nHuman: q{i}\n\nAssistant: bad",
        }
        for i in range(20)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = compose_cfg(f"dataset.path={path}", "dataset.test_size=0.25").dataset
    train, test = load_split(cfg, "train").examples, load_split(cfg, "test").examples
    assert (len(train), len(test)) == (15, 5)
    assert not {e.prompt for e in train} & {e.prompt for e in test}
    cfg = compose_cfg(f"dataset.path={tmp_path / 'nope.jsonl'}").dataset
    with pytest.raises(ConfigError, match=r"dataset\.path=.*nope\.jsonl: no such file"):
        load_split(cfg, "train")


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_shipped_samples_parse_in_their_raw_schema(sample: str) -> None:
    cfg = compose_cfg(f"dataset={sample}").dataset
    assert FORMATS[cfg.format].form == SAMPLES[sample]
    train, test = load_split(cfg, "train"), load_split(cfg, "test")
    assert len(train.examples) >= 200 and len(test.examples) >= 50
    assert train.skipped == test.skipped == 0
    assert not {str(e.prompt) for e in train.examples} & {str(e.prompt) for e in test.examples}
    sizes = {len(e.responses) for e in train.examples}
    assert sizes == {"paired": {2}, "unpaired": {1}, "grouped": sizes - {0, 1}}[SAMPLES[sample]]


def test_hh_sample_is_multi_turn_hh() -> None:
    examples = load_split(compose_cfg().dataset, "train").examples
    assert all(
        e.prompt.startswith("\n\nHuman: ") and e.prompt.endswith("\n\nAssistant:") for e in examples
    )
    assert sum(e.prompt.count("\n\nHuman:") > 1 for e in examples) > 30


@pytest.mark.parametrize("sample", ["hh_sample", "capybara_sample", "ultrafeedback_sample"])
@pytest.mark.parametrize(("max_prompt_length", "max_length"), [(8, 20), (100, 110)])
def test_token_boundaries_after_truncation(
    tokenizer, sample, max_prompt_length, max_length
) -> None:
    examples = load_split(compose_cfg(f"dataset={sample}").dataset, "train").examples[:40]
    items, stats = tokenize_examples(examples, tokenizer, max_prompt_length, max_length)
    assert (stats.prompts > 0) == (max_prompt_length == 8)
    assert stats.responses > 0 or max_prompt_length == 100
    for example, item in zip(examples, items, strict=True):
        text, special = render_prompt(example.prompt, tokenizer)  # chat prompts: its template
        full_prompt = tokenizer(text, add_special_tokens=special)["input_ids"]
        assert item.prompt_ids == tuple(full_prompt[-len(item.prompt_ids) :])  # cut from the left
        assert len(item.prompt_ids) == min(len(full_prompt), max_prompt_length)
        for text, ids in zip(example.responses, item.response_ids, strict=True):
            full = tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
            assert ids == tuple(full[: len(ids)])  # cut from the right
            assert len(item.prompt_ids) + len(ids) == min(
                len(item.prompt_ids) + len(full), max_length
            )
        batch = collate([(item.prompt_ids, r) for r in item.response_ids], tokenizer.pad_token_id)
        row, segment = batch.input_ids[0], batch.segment[0]  # one row: the prompt, its responses
        assert row[segment == 0].tolist() == list(item.prompt_ids)
        for k, ids in enumerate(item.response_ids):
            assert row[segment == k + 1].tolist() == list(ids)
            assert batch.labels[batch.sequence == k].tolist() == list(ids)  # scored: exactly these


def test_tokenized_cache_is_reused(tokenizer, tmp_path: Path, monkeypatch) -> None:
    from rpo_exp.data import tokenization

    monkeypatch.setenv("RPO_EXP_CACHE", str(tmp_path))
    examples = load_split(compose_cfg().dataset, "test").examples[:20]
    first = tokenization.tokenize_cached(examples, tokenizer, 16, 48)
    assert len(list((tmp_path / "tokenized").iterdir())) == 1

    def no_tokenizing(*args, **kwargs):
        raise AssertionError("tokenized again although the cache is warm")

    monkeypatch.setattr(tokenization, "tokenize_examples", no_tokenizing)
    assert tokenization.tokenize_cached(examples, tokenizer, 16, 48) == first
    with pytest.raises(AssertionError, match="tokenized again"):  # another key: a new entry
        tokenization.tokenize_cached(examples, tokenizer, 16, 40)


def test_skipped_rows_reach_metrics(tmp_path: Path) -> None:
    from rpo_exp.train import run

    path = tmp_path / "d.jsonl"
    rows = [
        {
            "chosen": f"\n\nHuman: q{i}?\n\nAssistant: yes {i}",
            "rejected": f"\n\nHuman: q{i}?\n\nAssistant: no",
        }
        for i in range(24)
    ]
    rows[5] = {"chosen": "no marker", "rejected": "x"}
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = compose_cfg(
        "model=tiny_llama",
        "logger=none",
        "loss=dpo",
        f"dataset.path={path}",
        "dataset.on_bad_row=skip",
        "trainer.max_steps=1",
        "trainer.batch_size=4",
        "trainer.micro_batch_size=4",
    )
    run(cfg, tmp_path / "run", "skip")
    first = json.loads((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()[0])
    assert first == {"step": 0, "data/skipped_rows": 1}
