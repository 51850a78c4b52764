"""Input defects users met: undecodable or unparsable lines, corrupt files, groups without a
preference, bad limits and paths, train/test duplicates, a damaged tokenized cache."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.data.loading import load_split
from tests.helpers import compose_cfg


def hh_row(i: int) -> dict:
    return {
        "chosen": f"\n\nHuman: q{i}?\n\nAssistant: yes {i}",
        "rejected": f"\n\nHuman: q{i}?\n\nAssistant: no",
    }


def group_row(i: int, scores: tuple[float, ...]) -> dict:
    return {
        "instruction": f"question {i}",
        "completions": [
            {"response": f"answer {i}.{k}", "overall_score": s} for k, s in enumerate(scores)
        ],
    }


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def rows_as_lines(rows: list[dict]) -> list[bytes]:
    return [json.dumps(r).encode() for r in rows]


def local_cfg(path: Path, *overrides: str):
    return compose_cfg(f"dataset.path={path}", f"dataset.test_path={path}", *overrides).dataset


# 1. invalid UTF-8 in a .jsonl line
def test_invalid_utf8_line_names_file_and_line_or_is_skipped(tmp_path: Path) -> None:
    lines = rows_as_lines([hh_row(i) for i in range(5)])
    lines[2] = lines[2].replace(b"q2", b"caf\xe9")  # Latin-1, not UTF-8
    path = write_lines(tmp_path / "data.jsonl", lines)
    with pytest.raises(DataError, match=r"data\.jsonl:3: not valid UTF-8") as err:
        load_split(local_cfg(path), "train")
    assert "on_bad_row=skip" in str(err.value)
    loaded = load_split(local_cfg(path, "dataset.on_bad_row=skip"), "train")
    assert (len(loaded.examples), loaded.skipped) == (4, 1)


# 2. a corrupt .parquet file
def test_corrupt_parquet_is_a_data_error(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    good = tmp_path / "good.parquet"
    pq.write_table(pa.Table.from_pylist([hh_row(i) for i in range(3)]), good)
    assert len(load_split(local_cfg(good), "train").examples) == 3
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(DataError, match=r"bad\.parquet: not a readable Parquet file"):
        load_split(local_cfg(bad), "train")
    (tmp_path / "text.parquet").write_text('{"chosen": "x"}\n')
    with pytest.raises(DataError, match=r"text\.parquet: not a readable Parquet file"):
        load_split(local_cfg(tmp_path / "text.parquet"), "train")


# 3. an invalid-JSON line under on_bad_row=skip
def test_invalid_json_line_errors_or_is_skipped_and_counted(tmp_path: Path, caplog) -> None:
    lines = rows_as_lines([hh_row(i) for i in range(5)])
    lines[3] = b'{"chosen": "truncated'
    path = write_lines(tmp_path / "data.jsonl", lines)
    with pytest.raises(DataError, match=r"data\.jsonl:4: not valid JSON"):
        load_split(local_cfg(path), "train")
    with caplog.at_level(logging.WARNING):
        loaded = load_split(local_cfg(path, "dataset.on_bad_row=skip"), "train")
    assert (len(loaded.examples), loaded.skipped) == (4, 1)
    assert "skipped 1 rows: not valid JSON" in caplog.text


# 4. grouped data whose scores are all tied, with a pairwise loss
def test_all_tied_groups_with_a_pairwise_loss_is_a_clear_error(tmp_path: Path) -> None:
    from rpo_exp.train import run

    path = tmp_path / "tied.jsonl"
    write_lines(path, rows_as_lines([group_row(i, (3.0, 3.0, 3.0)) for i in range(6)]))
    cfg = compose_cfg(
        "model=tiny_llama",
        "logger=none",
        "loss=dpo",
        "dataset=ultrafeedback",
        f"dataset.path={path}",
        f"dataset.test_path={path}",
        "trainer.max_steps=1",
        "trainer.batch_size=2",
        "trainer.micro_batch_size=2",
    )
    with pytest.raises(DataError, match=r"no usable pairs: all 6 groups have tied scores") as err:
        run(cfg, tmp_path / "run", "tied")
    assert "tied.jsonl" in str(err.value) and "dataset=ultrafeedback" in str(err.value)


def test_dropped_groups_reach_skipped_rows_and_duplicates_are_warned(
    tmp_path: Path, caplog
) -> None:
    """Groups pairing drops (tied scores) count in data/skipped_rows with the malformed rows;
    a test example that is also a train example is warned about, once, with the count."""
    from rpo_exp.train import run

    train = [group_row(i, (float(i % 3), 1.0)) for i in range(12)]  # i % 3 == 1: tied (4)
    train_lines = [*rows_as_lines(train), b"not json"]  # + 1 malformed row
    test_lines = rows_as_lines([group_row(100 + i, (2.0, 2.0)) for i in range(2)])  # 2 tied
    test_lines += rows_as_lines([group_row(200 + i, (0.0, 1.0)) for i in range(4)])
    test_lines += rows_as_lines([train[0], train[2]])  # 2 duplicates of train groups
    cfg = compose_cfg(
        "model=tiny_llama",
        "logger=none",
        "loss=dpo",
        "dataset=ultrafeedback",
        f"dataset.path={write_lines(tmp_path / 'train.jsonl', train_lines)}",
        f"dataset.test_path={write_lines(tmp_path / 'test.jsonl', test_lines)}",
        "dataset.on_bad_row=skip",
        "trainer.max_steps=1",
        "trainer.batch_size=4",
        "trainer.micro_batch_size=4",
    )
    with caplog.at_level(logging.WARNING):
        run(cfg, tmp_path / "run", "dropped")
    first = json.loads((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()[0])
    assert first == {"step": 0, "data/skipped_rows": 1 + 4 + 2}
    duplicates = [r for r in caplog.records if "also in the train split" in r.getMessage()]
    assert len(duplicates) == 1 and duplicates[0].getMessage().startswith("2 test examples")


# 5. dataset limits and paths
@pytest.mark.parametrize("key", ["max_train_examples", "max_test_examples"])
@pytest.mark.parametrize("value", [0, -1, 1.5, True])
def test_example_limits_must_be_positive_integers_or_null(tmp_path: Path, key: str, value) -> None:
    from rpo_exp.data.loading import check_dataset

    path = write_lines(tmp_path / "d.jsonl", rows_as_lines([hh_row(i) for i in range(5)]))
    cfg = local_cfg(path, f"dataset.{key}={value}")
    with pytest.raises(ConfigError, match=rf"dataset\.{key}={value}: must be a positive integer"):
        check_dataset(cfg)
    with pytest.raises(ConfigError, match=rf"dataset\.{key}="):
        load_split(cfg, "train" if key == "max_train_examples" else "test")


def test_example_limits_cut_and_null_keeps_all(tmp_path: Path) -> None:
    from rpo_exp.data.loading import check_dataset

    path = write_lines(tmp_path / "d.jsonl", rows_as_lines([hh_row(i) for i in range(5)]))
    check_dataset(local_cfg(path))
    assert len(load_split(local_cfg(path), "train").examples) == 5
    cfg = local_cfg(path, "dataset.max_train_examples=3", "dataset.max_test_examples=1")
    check_dataset(cfg)
    assert [len(load_split(cfg, s).examples) for s in ("train", "test")] == [3, 1]


@pytest.mark.parametrize("key", ["path", "test_path"])
def test_a_directory_as_dataset_path_says_so(tmp_path: Path, key: str) -> None:
    from rpo_exp.data.loading import check_dataset

    path = write_lines(tmp_path / "d.jsonl", rows_as_lines([hh_row(i) for i in range(5)]))
    cfg = local_cfg(path, f"dataset.{key}={tmp_path}")
    with pytest.raises(ConfigError, match=rf"dataset\.{key}=.*: is a directory"):
        check_dataset(cfg)
    with pytest.raises(ConfigError, match=rf"dataset\.{key}=.*: is a directory"):
        load_split(cfg, "train" if key == "path" else "test")


# 6. Capybara completion ending with a user turn
def test_capybara_completion_must_end_with_the_assistant(tmp_path: Path) -> None:
    from rpo_exp.data.capybara import parse_capybara
    from rpo_exp.data.records import BadRow

    turns = [{"role": "assistant", "content": "4"}, {"role": "user", "content": "and 3+3?"}]
    row = {"prompt": "2+2?", "completion": turns, "label": True}
    with pytest.raises(BadRow, match=r"'completion' must end with an assistant message"):
        parse_capybara(row)
    assert parse_capybara(row | {"completion": turns[:1]}).responses == ("4",)
    good = {"prompt": "q", "completion": "a", "label": True}
    path = write_lines(tmp_path / "c.jsonl", rows_as_lines([good, good, row, good]))
    with pytest.raises(DataError, match=r"c\.jsonl:3: 'completion' must end with an assistant"):
        load_split(local_cfg(path, "dataset=capybara"), "train")


# 7. train/test duplicates
def test_cross_split_duplicates_are_counted_and_warned(tmp_path: Path, caplog) -> None:
    from rpo_exp.data.loading import cross_split_duplicates

    rows = [hh_row(i) for i in range(10)]
    path = write_lines(tmp_path / "d.jsonl", rows_as_lines(rows + rows[:6]))  # 6 rows twice
    cfg = compose_cfg(f"dataset.path={path}", "dataset.test_size=0.25").dataset
    train, test = (load_split(cfg, s).examples for s in ("train", "test"))
    expected = sum(e in set(train) for e in test)
    assert expected > 0  # the seeded split puts some copies on both sides
    with caplog.at_level(logging.WARNING):
        assert cross_split_duplicates(train, test) == expected
    assert f"{expected} test examples (of {len(test)}) are also in the train split" in caplog.text
    caplog.clear()
    assert cross_split_duplicates(train[:1], test[:0]) == 0 and not caplog.records
    test_path = write_lines(tmp_path / "t.jsonl", rows_as_lines([hh_row(50), rows[3], rows[4]]))
    cfg = compose_cfg(f"dataset.path={path}", f"dataset.test_path={test_path}").dataset
    train, test = (load_split(cfg, s).examples for s in ("train", "test"))
    assert cross_split_duplicates(train, test) == 2


# 8. a damaged tokenized-data cache
def test_damaged_tokenized_cache_is_rebuilt(tokenizer, tmp_path: Path, monkeypatch, caplog):
    import datasets

    from rpo_exp.data import tokenization

    monkeypatch.setenv("RPO_EXP_CACHE", str(tmp_path))
    examples = load_split(compose_cfg().dataset, "test").examples[:20]
    first = tokenization.tokenize_cached(examples, tokenizer, 16, 48)
    (entry,) = (tmp_path / "tokenized").iterdir()
    (arrow,) = entry.glob("*.arrow")
    arrow.write_bytes(arrow.read_bytes()[: arrow.stat().st_size // 2])  # truncated
    with caplog.at_level(logging.WARNING):
        assert tokenization.tokenize_cached(examples, tokenizer, 16, 48) == first
    assert str(entry) in caplog.text and "rebuilding" in caplog.text

    # readable, but fewer rows than were written (e.g. cut at a record-batch boundary)
    table = datasets.load_from_disk(str(entry))
    short = datasets.Dataset.from_list(table.to_list()[:10])
    short.info.description = table.info.description
    del table
    short.save_to_disk(str(tmp_path / "short"))
    for f in entry.iterdir():
        f.unlink()
    for f in (tmp_path / "short").iterdir():
        f.rename(entry / f.name)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert tokenization.tokenize_cached(examples, tokenizer, 16, 48) == first
    assert str(entry) in caplog.text

    def no_tokenizing(*args, **kwargs):
        raise AssertionError("tokenized again although the cache was rebuilt")

    monkeypatch.setattr(tokenization, "tokenize_examples", no_tokenizing)
    caplog.clear()
    assert tokenization.tokenize_cached(examples, tokenizer, 16, 48) == first
    assert not caplog.records
