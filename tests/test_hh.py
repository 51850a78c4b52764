"""HH raw schema parsing and the data loading path (local files, shipped sample, errors)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rpo_exp.data.hh import parse_hh
from rpo_exp.data.loading import load_split
from rpo_exp.errors import ConfigError, DataError
from tests.helpers import compose_cfg


def test_single_turn_split() -> None:
    p = "\n\nHuman: What is the capital of France?\n\nAssistant:"
    ex = parse_hh({"chosen": p + " Paris.", "rejected": p + " Lyon."})
    assert (ex.prompt, ex.chosen, ex.rejected) == (p, " Paris.", " Lyon.")


def test_multi_turn_prompt_keeps_earlier_turns() -> None:
    p = (
        "\n\nHuman: I want to bake bread.\n\nAssistant: Great, what kind?"
        "\n\nHuman: Sourdough. How long should it proof?\n\nAssistant:"
    )
    ex = parse_hh({"chosen": p + " Usually 4 to 12 hours.", "rejected": p + " Ten seconds."})
    assert ex.prompt == p
    assert ex.prompt.count("\n\nAssistant:") == 2
    assert ex.chosen == " Usually 4 to 12 hours."


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def pair(i: int) -> dict:
    p = f"\n\nHuman: question {i}?\n\nAssistant:"
    return {"chosen": p + " a good answer.", "rejected": p + " a bad one."}


def test_missing_field_names_file_and_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", [pair(0), pair(1), {"chosen": "x"}])
    cfg = compose_cfg(f"dataset.path={path}").dataset
    with pytest.raises(DataError, match=r"d\.jsonl:3: missing rejected"):
        load_split(cfg, "train")


def test_unusable_rows_are_skipped_counted_and_logged(tmp_path: Path, caplog) -> None:
    same = {
        "chosen": "\n\nHuman: hi\n\nAssistant: yo",
        "rejected": "\n\nHuman: hi\n\nAssistant: yo",
    }
    rows = [pair(i) for i in range(20)] + [same, same, {"chosen": "no turns", "rejected": "x"}]
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    cfg = compose_cfg(f"dataset.path={path}", "dataset.test_size=0.25").dataset
    train, test = load_split(cfg, "train"), load_split(cfg, "test")
    assert (len(train), len(test)) == (15, 5)
    assert not {e.prompt for e in train} & {e.prompt for e in test}
    assert "skipped 2 rows: chosen and rejected responses are identical" in caplog.text
    assert "skipped 1 rows: no '\\n\\nAssistant:' turn" in caplog.text


def test_test_path_and_missing_file(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", [pair(i) for i in range(6)])
    test = write_jsonl(tmp_path / "test.jsonl", [pair(i) for i in range(6, 8)])
    cfg = compose_cfg(f"dataset.path={train}", f"dataset.test_path={test}").dataset
    assert len(load_split(cfg, "train")) == 6 and len(load_split(cfg, "test")) == 2
    cfg = compose_cfg(f"dataset.path={tmp_path / 'nope.jsonl'}").dataset
    with pytest.raises(ConfigError, match=r"dataset\.path=.*nope\.jsonl: no such file"):
        load_split(cfg, "train")


def test_shipped_sample_is_in_the_raw_schema() -> None:
    cfg = compose_cfg().dataset
    train, test = load_split(cfg, "train"), load_split(cfg, "test")
    assert len(train) >= 300 and len(test) >= 60
    assert not {e.prompt for e in train} & {e.prompt for e in test}
    assert all(
        e.prompt.startswith("\n\nHuman: ") and e.prompt.endswith("\n\nAssistant:") for e in train
    )
    assert sum(e.prompt.count("\n\nHuman:") > 1 for e in train) > 30  # multi-turn rows exist
