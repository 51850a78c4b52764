"""`python -m rpo_exp.evaluate benchmark=leaderboard` through lm-evaluation-harness on one
multiple-choice task of a local file (`make test-slow`: lm-eval is the leaderboard extra): the
accuracy lm-eval reports equals the one recomputed here from the model's own log-likelihoods of
each choice, and a rerun reuses the task's result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from rpo_exp.modeling.models import inference_model, load_tokenizer
from tests.evaluation.test_judge import evaluate_cli
from tests.helpers import compose_cfg

pytestmark = pytest.mark.slow
lm_eval = pytest.importorskip("lm_eval")

QUESTIONS = [
    ("The sky on a clear day is", ["blue", "green", "loud"], 0),
    ("Two plus two equals", ["five", "four", "seven"], 1),
    ("Water freezes at zero degrees", ["Celsius", "volts", "meters"], 0),
    ("The opposite of hot is", ["warm", "bright", "cold"], 2),
    ("A week has seven", ["days", "cats", "songs"], 0),
    ("Paris is the capital of", ["Spain", "France", "Peru"], 1),
]


def task_dir(tmp_path: Path) -> Path:
    data = tmp_path / "mc.jsonl"
    data.write_text(
        "".join(
            json.dumps({"question": q, "choices": c, "answer": a}) + "\n" for q, c, a in QUESTIONS
        )
    )
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "tiny_mc.yaml").write_text(
        f"""task: tiny_mc
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: multiple_choice
doc_to_text: "{{{{question}}}}"
doc_to_choice: "{{{{choices}}}}"
doc_to_target: answer
metric_list:
  - metric: acc
"""
    )
    return tasks


def test_one_local_task_through_lm_eval(tmp_path: Path) -> None:
    args = [
        "model=tiny_llama",
        "benchmark=leaderboard",
        f"benchmark.include_path={task_dir(tmp_path)}",
        "~benchmark.tasks",
        "+benchmark.tasks={tiny_mc: {shots: 0, metric: 'acc,none'}}",
        "benchmark.batch_size=2",
        "logger=none",
        f"hydra.run.dir={tmp_path / 'out'}",
    ]
    env = {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    done = evaluate_cli(*args, cache=tmp_path / "cache", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "leaderboard: 1 tasks (tiny_mc 0-shot) scored by lm-eval" in done.stdout
    result = json.loads((tmp_path / "out" / "leaderboard.json").read_text())

    # the accuracy from the model's own log-likelihood of " <choice>" after the question
    cfg = compose_cfg("model=tiny_llama", config_name="evaluate")
    tokenizer = load_tokenizer(cfg.model)
    model = inference_model(cfg.model, len(tokenizer), 0).eval()
    right = 0
    for question, choices, answer in QUESTIONS:
        context = tokenizer(question, add_special_tokens=False)["input_ids"]
        scores = []
        for choice in choices:
            whole = tokenizer(f"{question} {choice}", add_special_tokens=False)["input_ids"]
            ids = torch.tensor([whole])
            with torch.no_grad():
                logp = model(ids).logits[0, :-1].float().log_softmax(-1)
            target = ids[0, 1:]
            scores.append(
                logp[len(context) - 1 :].gather(1, target[len(context) - 1 :, None]).sum()
            )
        right += int(torch.stack(scores).argmax()) == answer
    assert result["tasks"]["tiny_mc"] == pytest.approx(100 * right / len(QUESTIONS))
    assert result["score"] == result["tasks"]["tiny_mc"]

    again = evaluate_cli(*args, cache=tmp_path / "cache", env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "reusing" in again.stdout + again.stderr
