"""`python -m rpo_exp.evaluate benchmark=arena_hard` end to end on a few prompts in
arena-hard-auto's formats, `model=tiny_llama`, judged by a scripted OpenAI-compatible judge: both
games per prompt with arena-hard-auto's prompt, the follow-up of a reply without a verdict, and a
score and interval recomputed here from the stored verdicts by the closed form of a two-player
Bradley-Terry fit (the win rate is the share of battles won, ties half)."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest

from rpo_exp.common.errors import DataError
from rpo_exp.evaluation.arena_hard import load_questions, verdict
from tests.evaluation.scripted_judge import scripted_judge
from tests.evaluation.test_judge import evaluate_cli
from tests.evaluation.test_mt_bench import write_jsonl
from tests.helpers import compose_cfg

PROMPTS = {
    "q1": "Write a limerick about caching.",
    "q2": "Explain Bradley-Terry in one line.",
    "q3": "Name a prime above 10.",
    "q4": "What is the capital of France?",
    "q5": "Reverse the word 'judge'.",
}
LABELS = ["A>>B", "A>B", "A=B", "B>A", "B>>A"]
PATTERN = r"\[\[([AB<>=]+)\]\]"


def label_of(user: str) -> str:
    return LABELS[int(hashlib.sha256(user.encode()).hexdigest(), 16) % len(LABELS)]


def reply(request: dict) -> str:
    """The script: a label drawn from the prompt; for q3 no label until the follow-up; for q5's
    second game two different labels (invalid)."""
    messages = request["messages"]
    user = messages[1]["content"]
    if PROMPTS["q3"] in user and len(messages) == 2:
        return "I need to think more about this."
    if PROMPTS["q5"] in user and game_of(user) == 2:
        return "First [[A>B]], on reflection [[B>A]]."
    return f"My own answer first. My final verdict is: [[{label_of(user)}]]"


def game_of(user: str) -> int:
    """1 when the baseline's answer is shown as A (the baseline's answers start 'BASE')."""
    return 1 if "<|The Start of Assistant A's Answer|>\nBASE" in user else 2


def files(tmp_path: Path) -> tuple[Path, Path]:
    questions = [
        {
            "question_id": qid,
            "category": "arena-hard-v0.1",
            "cluster": "c",
            "turns": [{"content": p}],
        }
        for qid, p in PROMPTS.items()
    ]
    baseline = [
        {
            "question_id": qid,
            "answer_id": f"a{i}",
            "model_id": "gpt-4-0314",
            "choices": [{"index": 0, "turns": [{"content": f"BASE answer {i}", "token_len": 3}]}],
            "tstamp": 0,
        }
        for i, qid in enumerate(PROMPTS)
    ]
    return write_jsonl(tmp_path / "question.jsonl", questions), write_jsonl(
        tmp_path / "gpt-4-0314.jsonl", baseline
    )


def bench_args(tmp_path: Path, base_url: str) -> list[str]:
    questions, baseline = files(tmp_path)
    return [
        "model=tiny_llama",
        "benchmark=arena_hard",
        f"benchmark.path={questions}",
        f"benchmark.baseline_path={baseline}",
        "benchmark.max_new_tokens=8",
        f"judge.base_url={base_url}",
        "judge.model=scripted",
        "judge.api_key_env=null",
        "logger=none",
        f"hydra.run.dir={tmp_path / 'out'}",
    ]


def expected_battles(judged: list[dict]) -> list[str]:
    """arena-hard-auto's `get_battles_from_row`, written out: game 1 shows the baseline as A."""
    won = {1: {"A": "baseline", "B": "policy"}, 2: {"A": "policy", "B": "baseline"}}
    battles = []
    for j in judged:
        label = j["verdict"]
        if label not in LABELS:
            continue
        winner = "tie" if label == "A=B" else won[j["game"]][label[0]]
        battles += [winner] * (3 if ">>" in label else 1)
    return battles


def closed_form_rating(battles: np.ndarray) -> float:
    """The policy's Bradley-Terry rating against the baseline (at 1000) from the share of
    battles it won (ties half): the maximum-likelihood fit of two players."""
    share = (np.sum(battles == "policy") + 0.5 * np.sum(battles == "tie")) / len(battles)
    if share in (0.0, 1.0):
        return math.copysign(1e9, share - 0.5)
    return 1000 + 400 * math.log10(share / (1 - share))


def as_win_rate(rating: float) -> float:
    return (
        100 / (1 + 10 ** ((1000 - rating) / 400)) if abs(rating) < 1e8 else float(rating > 0) * 100
    )


def test_end_to_end_scores_recompute_from_the_verdicts(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    prompts = compose_cfg("benchmark=arena_hard", config_name="evaluate").benchmark.prompts
    with scripted_judge(reply) as judge:
        done = evaluate_cli(*bench_args(tmp_path, judge.base_url), cache=cache)
        assert done.returncode == 0, done.stderr[-3000:]
        asked = list(judge.requests)
        out = tmp_path / "out"
        assert "arena_hard: 5 prompts, 5 answers to generate, 10 judge calls" in done.stdout
        result = json.loads((out / "arena_hard.json").read_text())

        # the prompts: arena-hard-auto's system prompt and template, both orders
        answers = {
            json.loads(line)["question_id"]: json.loads(line)["choices"][0]["turns"][0]["content"]
            for line in (out / "arena_hard_answers.jsonl").read_text().splitlines()
        }
        firsts = {r["messages"][1]["content"] for r in asked}
        for i, (qid, text) in enumerate(PROMPTS.items()):
            for a, b in ((f"BASE answer {i}", answers[qid]), (answers[qid], f"BASE answer {i}")):
                assert (
                    prompts.pairwise.template.format(question_1=text, answer_1=a, answer_2=b)
                    in firsts
                )
        assert all(
            r["messages"][0] == {"role": "system", "content": prompts.pairwise.system}
            for r in asked
        )
        assert all(r["temperature"] == 0.0 and r["max_tokens"] == 4096 for r in asked)
        # q3: no verdict in either game, then the follow-up in the same conversation
        follows = [r for r in asked if len(r["messages"]) == 4]
        assert len(follows) == 2 and all(
            PROMPTS["q3"] in r["messages"][1]["content"] for r in follows
        )
        assert all(r["messages"][2]["role"] == "assistant" for r in follows)
        assert all(r["messages"][3]["content"] == prompts.pairwise.follow_up for r in follows)
        assert len(asked) == result["requests"] == 10 + 2

        # the verdicts: as the script gave them, read with arena-hard-auto's get_score
        judged = [
            json.loads(x) for x in (out / "arena_hard_judgments.jsonl").read_text().splitlines()
        ]
        assert len(judged) == 10 and [j["game"] for j in judged] == [1, 2] * 5
        for j in judged:
            assert j["verdict"] == verdict(PATTERN, j["judgment"])
        assert judged[9]["verdict"] == "" and result["invalid"] == 1  # q5, game 2: two labels

        # the score and interval: recomputed from the verdicts, not from our code
        battles = np.asarray(expected_battles(judged))
        assert result["battles"] == len(battles)
        assert result["score"] == pytest.approx(as_win_rate(closed_form_rating(battles)), abs=1e-3)
        draws = np.random.RandomState(42)
        ratings = [
            closed_form_rating(battles[draws.choice(len(battles), len(battles))])
            for _ in range(100)
        ]
        low, high = np.percentile(ratings, 2.5), np.percentile(ratings, 97.5)
        assert result["ci_low"] == pytest.approx(as_win_rate(low), abs=1e-2)
        assert result["ci_high"] == pytest.approx(as_win_rate(high), abs=1e-2)
        assert result["ci_low"] <= result["score"] <= result["ci_high"]

        # a rerun asks nothing and reuses the answers
        again = evaluate_cli(*bench_args(tmp_path, judge.base_url), cache=cache)
        assert again.returncode == 0, again.stderr[-3000:]
        assert len(judge.requests) == len(asked) and "reusing" in again.stdout + again.stderr
        assert json.loads((out / "arena_hard.json").read_text())["score"] == result["score"]


def test_verdicts_are_read_as_arena_hard_reads_them() -> None:
    assert verdict(PATTERN, "so [[A>>B]]") == "A>>B"
    assert verdict(PATTERN, "[[B>A]] and again [[B>A]]") == "B>A"  # one label, twice
    assert verdict(PATTERN, "[[A>B]] then [[B>A]]") == ""  # two labels: invalid, not asked again
    assert verdict(PATTERN, "no label") is None  # asked to go on


def test_a_prompt_without_a_baseline_answer_names_the_line(tmp_path: Path) -> None:
    questions, baseline = files(tmp_path)
    write_jsonl(baseline, [json.loads(x) for x in baseline.read_text().splitlines()][:-1])
    bench = compose_cfg("benchmark=arena_hard", config_name="evaluate").benchmark
    bench.path, bench.baseline_path = str(questions), str(baseline)
    with pytest.raises(DataError, match=r"question\.jsonl:5: question q5 has no answer"):
        load_questions(bench)
