"""TRL's standard formats (`dataset=preference|unpaired_preference|scored`) from a local file or
a local directory in the Hub's layout: string and message forms, the implicit prompt, a column
mapping; bad rows give file:line errors or counted skips; each format trains."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.data.loading import load_split
from rpo_exp.train import run
from tests.helpers import CONF, TINY, compose_cfg, run_train


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict:
    return {"role": "assistant", "content": text}


def write(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


PREFERENCE = [
    {"prompt": "Name a colour.", "chosen": " Blue.", "rejected": " Seven."},
    {"prompt": [user("Hi!")], "chosen": [assistant("Hello.")], "rejected": [assistant("Go.")]},
    {  # the implicit prompt: the shared leading messages
        "chosen": [user("2+2?"), assistant("Let me see."), user("Well?"), assistant("4")],
        "rejected": [user("2+2?"), assistant("Let me see."), user("Well?"), assistant("5")],
    },
]


def load(path: Path, name: str, *overrides: str, split: str = "train"):
    cfg = compose_cfg(*TINY, f"dataset={name}", f"dataset.path={path}", *overrides)
    cfg.dataset.test_path = str(path)  # these tests read every row of the file as one split
    return load_split(cfg.dataset, split)


def test_preference_strings_messages_and_the_implicit_prompt(tmp_path: Path) -> None:
    examples = load(write(tmp_path / "p.jsonl", PREFERENCE), "preference").examples
    assert examples[0].prompt == "Name a colour." and examples[0].chosen == " Blue."
    assert examples[1].prompt == (("user", "Hi!"),) and examples[1].rejected == "Go."
    implicit = examples[2]
    assert implicit.prompt == (("user", "2+2?"), ("assistant", "Let me see."), ("user", "Well?"))
    assert (implicit.chosen, implicit.rejected, implicit.scores) == ("4", "5", (1.0, 0.0))


def test_columns_are_mapped(tmp_path: Path) -> None:
    rows = [{"question": "Q?", "good": "yes", "bad": "no", "other": 1}]
    path = write(tmp_path / "m.jsonl", rows)
    mapping = "+dataset.columns={prompt: question, chosen: good, rejected: bad}"
    (example,) = load(path, "preference", mapping).examples
    assert (example.prompt, example.chosen, example.rejected) == ("Q?", "yes", "no")


def test_unpaired_and_scored_forms(tmp_path: Path) -> None:
    unpaired = [
        {"prompt": "Say hi.", "completion": "Hi.", "label": True},
        {"prompt": [user("Say hi.")], "completion": [assistant("No.")], "label": False},
    ]
    examples = load(write(tmp_path / "u.jsonl", unpaired), "unpaired_preference").examples
    assert [e.scores for e in examples] == [(1.0,), (0.0,)]
    assert examples[1].responses == ("No.",)
    scored = [{"prompt": "P", "completions": ["a", [assistant("b")], "c"], "scores": [1, 3, 2]}]
    (group,) = load(write(tmp_path / "s.jsonl", scored), "scored").examples
    assert group.responses == ("a", "b", "c") and group.scores == (1.0, 3.0, 2.0)


@pytest.mark.parametrize(
    ("name", "row", "why"),
    [
        ("preference", {"prompt": "P", "chosen": "a"}, "missing 'rejected'"),
        (
            "preference",
            {"chosen": [user("x"), assistant("a")], "rejected": [user("y"), assistant("b")]},
            "must share every message but their last",
        ),
        (
            "preference",
            {"prompt": "P", "chosen": [user("a")], "rejected": "b"},
            "'chosen' as messages must end with an assistant message",
        ),
        (
            "unpaired_preference",
            {"prompt": "P", "completion": "a", "label": "yes"},
            "'label' must be true or false",
        ),
        (
            "scored",
            {"prompt": "P", "completions": ["a", "b"], "scores": [1]},
            "2 completions but 1 scores",
        ),
        (  # a role no chat template knows
            "preference",
            {"prompt": [{"role": "robot", "content": "Hi"}], "chosen": "a", "rejected": "b"},
            "'prompt'.0. has role 'robot': must be one of system, user, assistant, tool",
        ),
        (
            "unpaired_preference",
            {"prompt": [{"role": "usr", "content": "Hi"}], "completion": "a", "label": True},
            "'prompt'.0. has role 'usr'",
        ),
        (  # the response would be a second assistant turn
            "preference",
            {"prompt": [user("Hi"), assistant("Hel")], "chosen": "lo.", "rejected": "p."},
            "'prompt' ends with an assistant message: the response would render as a second",
        ),
        (
            "scored",
            {"prompt": [user("Q"), assistant("A")], "completions": ["a", "b"], "scores": [1, 2]},
            "'prompt' ends with an assistant message",
        ),
        (  # nothing to prefer
            "preference",
            {"prompt": "P", "chosen": " same", "rejected": "same"},
            "chosen and rejected responses are identical",
        ),
        (
            "preference",
            {"chosen": [user("x"), assistant("a")], "rejected": [user("x"), assistant("a")]},
            "chosen and rejected responses are identical",
        ),
    ],
)
def test_bad_rows_name_file_and_line_or_are_counted(tmp_path: Path, name, row, why) -> None:
    good = {
        "preference": PREFERENCE[0],
        "unpaired_preference": {"prompt": "P", "completion": "a", "label": True},
        "scored": {"prompt": "P", "completions": ["a", "b"], "scores": [1, 2]},
    }[name]
    path = write(tmp_path / "bad.jsonl", [good, row, good])
    with pytest.raises(DataError, match=rf"{path}:2: .*{why}"):
        load(path, name)
    loaded = load(path, name, "dataset.on_bad_row=skip")
    assert (len(loaded.examples), loaded.skipped) == (2, 1)


def hub_layout(root: Path, rows: list) -> Path:
    """A directory as a Hub dataset repo holds it: one data file per split."""
    write(root / "data" / "train.jsonl", rows * 6)
    write(root / "data" / "test.jsonl", rows * 2)
    return root


@pytest.mark.parametrize(
    ("name", "loss", "rows"),
    [
        ("preference", "dpo", PREFERENCE),
        ("unpaired_preference", "rpo", [
            {"prompt": "Say hi.", "completion": "Hi.", "label": True},
            {"prompt": [user("Say no.")], "completion": [assistant("Yes.")], "label": False},
        ]),
        ("scored", "swepo", [
            {"prompt": "P", "completions": ["a", "bb", "c"], "scores": [1, 3, 2]},
            {"prompt": [user("Q")], "completions": ["x", "y"], "scores": [0.5, 0.1]},
        ]),
    ],
)  # fmt: skip
def test_each_format_trains_from_a_hub_layout_directory(tmp_path: Path, name, loss, rows) -> None:
    data = hub_layout(tmp_path / "data", rows)
    steps = ["trainer.max_steps=2", "trainer.batch_size=2", "trainer.micro_batch_size=2"]
    cfg = compose_cfg(*TINY, f"dataset={name}", f"dataset.hub_id={data}", f"loss={loss}", *steps)
    summary = run(cfg, tmp_path / "run", name)
    assert "eval/loss" in summary["after"]
    assert (tmp_path / "run" / "final" / "model.safetensors").exists()


def test_preference_trains_from_a_local_file_with_mapped_columns(tmp_path: Path) -> None:
    rows = [
        {"question": r.get("prompt"), "good": r["chosen"], "bad": r["rejected"]}
        for r in PREFERENCE * 6
    ]
    path = write(tmp_path / "mine.jsonl", rows)
    mapping = "+dataset.columns={prompt: question, chosen: good, rejected: bad}"
    steps = ["trainer.max_steps=2", "trainer.batch_size=2", "trainer.micro_batch_size=2"]
    cfg = compose_cfg(*TINY, "dataset=preference", f"dataset.path={path}", mapping, *steps)
    summary = run(cfg, tmp_path / "run", "mine")
    assert "eval/loss" in summary["after"]


def test_unpaired_preference_trains_from_a_local_file(tmp_path: Path) -> None:
    """40 rows, so that the split-off test share holds several prompts (KTO's KL pairs)."""
    rows = [
        {"prompt": f"Say something {i}.", "completion": "Nice." if i % 2 else "Bad.",
         "label": bool(i % 2)}
        for i in range(40)
    ]  # fmt: skip
    path = write(tmp_path / "unpaired.jsonl", rows)
    steps = ["trainer.max_steps=2", "trainer.batch_size=4", "trainer.micro_batch_size=4"]
    cfg = compose_cfg(*TINY, "dataset=unpaired_preference", f"dataset.path={path}", "loss=kto",
                      *steps)  # fmt: skip
    summary = run(cfg, tmp_path / "run", "unpaired")
    assert "eval/loss" in summary["after"]


def test_a_mistyped_schema_name_in_columns_names_the_key(tmp_path: Path) -> None:
    """`dataset.columns` maps {schema name: the data's column}: a key that is not a schema name
    is a config error naming it, not a data error about the rows."""
    path = write(tmp_path / "p.jsonl", PREFERENCE)
    with pytest.raises(ConfigError, match=r"dataset\.columns\.chosn: not a column of the "
                       r"preference schema; valid: prompt, chosen, rejected"):  # fmt: skip
        load(path, "preference", "+dataset.columns={chosn: chosen}")
    with pytest.raises(ConfigError, match=r"dataset\.columns\.completion: .* valid: prompt, "
                       r"completions, scores"):  # fmt: skip
        load(path, "scored", "+dataset.columns={completion: answers}")
    with pytest.raises(ConfigError, match=r"maps chosen and rejected all to the column 'chosen'"):
        load(path, "preference", "+dataset.columns={chosen: chosen, rejected: chosen}")


@pytest.mark.parametrize("policy", ["error", "skip"])
def test_every_pair_identical_says_the_column_mapping_is_likely_wrong(
    tmp_path: Path, policy: str
) -> None:
    rows = [{"prompt": f"Q{i}?", "good": f"A{i}.", "bad": f"A{i}."} for i in range(4)]
    path = write(tmp_path / "same.jsonl", rows)
    mapping = "+dataset.columns={chosen: good, rejected: bad}"
    with pytest.raises(DataError, match=r"same\.jsonl: every row \(4\) has identical chosen and "
                       r"rejected responses: the column mapping is likely wrong"):  # fmt: skip
        load(path, "preference", mapping, f"dataset.on_bad_row={policy}")


def test_shipped_paired_samples_hold_no_identical_pairs() -> None:
    """The paired samples load under the default dataset.on_bad_row=error: none of their pairs
    is identical (identical pairs would stop them, naming the row)."""
    for name in ("hh_sample", "tldr_sample"):
        for split in ("train", "test"):
            examples = load_split(compose_cfg(f"dataset={name}").dataset, split).examples
            assert examples and all(e.chosen.strip() != e.rejected.strip() for e in examples)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no data files (it is empty)"),
        ({"README.md": "# My pairs\n"}, "no data files (it holds only README.md)"),
        (  # never run: it would leave the marker
            {"pairs.py": "import pathlib\npathlib.Path(__file__).with_name('ran').touch()\n",
             "train.jsonl": json.dumps(PREFERENCE[0]) + "\n"},
            "holds a dataset loading script (pairs.py), which rpo_exp never runs",
        ),
    ],
)  # fmt: skip
def test_a_local_dir_without_hub_layout_data_names_it(tmp_path: Path, files, message) -> None:
    root = tmp_path / "pairs"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    cfg = compose_cfg(*TINY, "dataset=preference", f"dataset.hub_id={root}")
    with pytest.raises(DataError, match=re.escape(f"dataset.hub_id={root}: {message}")) as err:
        load_split(cfg.dataset, "train")
    assert "expected the Hub's layout: a data file per split" in str(err.value)
    assert not (root / "ran").exists()


def test_a_local_dir_with_a_train_split_only_is_split_by_test_size(tmp_path: Path, caplog) -> None:
    """As `dataset.path` is: a seeded `dataset.test_size` share, the same rows either way."""
    rows = [{"prompt": f"Q{i}?", "chosen": f"yes {i}", "rejected": "no"} for i in range(20)]
    write(tmp_path / "pairs" / "data" / "train.jsonl", rows)
    hub = compose_cfg(*TINY, "dataset=preference", f"dataset.hub_id={tmp_path / 'pairs'}")
    with caplog.at_level(logging.WARNING):
        train, test = (load_split(hub.dataset, s).examples for s in ("train", "test"))
    assert "has no 'test' split (it has: train): the test split is a seeded" in caplog.text
    assert (len(train), len(test)) == (18, 2) and not set(train) & set(test)
    path = tmp_path / "pairs" / "data" / "train.jsonl"
    local = compose_cfg(*TINY, "dataset=preference", f"dataset.path={path}").dataset
    assert (train, test) == tuple(load_split(local, s).examples for s in ("train", "test"))
    steps = ["trainer.max_steps=1", "trainer.batch_size=2", "trainer.micro_batch_size=2"]
    result = run_train(*TINY, "dataset=preference", f"dataset.hub_id={tmp_path / 'pairs'}",
                       *steps, run_dir=tmp_path / "run")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def test_a_local_dir_with_a_loading_script_exits_2_in_one_line(tmp_path: Path) -> None:
    root = tmp_path / "scripted"
    root.mkdir()
    (root / "scripted.py").write_text("import pathlib\npathlib.Path('/tmp').touch()\n")
    result = run_train(*TINY, "dataset=preference", f"dataset.hub_id={root}",
                       run_dir=tmp_path / "run")  # fmt: skip
    assert result.returncode == 2, result.stderr[-3000:]
    assert f"error: dataset.hub_id={root}: holds a dataset loading script" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["preference", "unpaired_preference", "scored", "hh"])
def test_the_offline_hint_names_only_datasets_that_exist(name: str) -> None:
    """A hub dataset that cannot load names its alternatives; a `dataset=` it names exists."""
    cfg = compose_cfg(*TINY, f"dataset={name}", "dataset.hub_id=rpo-exp-tests/no-such-dataset")
    with pytest.raises(ConfigError, match=r"dataset\.path=<local JSONL") as err:
        load_split(cfg.dataset, "train")
    named = re.findall(r"dataset=(\w+)", str(err.value))
    assert named and all((CONF / "dataset" / f"{n}.yaml").is_file() for n in named), named
