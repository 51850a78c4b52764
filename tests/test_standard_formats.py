"""TRL's standard formats (`dataset=preference|unpaired_preference|scored`) from a local file or
a local directory in the Hub's layout: string and message forms, the implicit prompt, a column
mapping; bad rows give file:line errors or counted skips; each format trains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rpo_exp.common.errors import DataError
from rpo_exp.data.loading import load_split
from rpo_exp.train import run
from tests.helpers import TINY, compose_cfg


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
