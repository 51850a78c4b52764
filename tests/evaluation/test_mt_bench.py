"""`python -m rpo_exp.evaluate benchmark=mt_bench` end to end on a few local questions in
FastChat's formats, `model=tiny_llama`, graded by a scripted OpenAI-compatible judge: the
prompts are FastChat's, filled as it fills them; the score recomputes from what the judge
replied; a rerun generates and asks nothing again (docs/method.md, "Evaluation benchmarks")."""

from __future__ import annotations

import hashlib
import json
import statistics
from pathlib import Path

import pytest

from rpo_exp.common.errors import DataError
from rpo_exp.evaluation.mt_bench import load_questions, rating
from tests.evaluation.scripted_judge import scripted_judge
from tests.evaluation.test_judge import evaluate_cli
from tests.helpers import CONF, compose_cfg

QUESTIONS = [
    {"question_id": 81, "category": "writing", "turns": ["Write a haiku.", "Now in French."]},
    {"question_id": 111, "category": "math", "turns": ["What is 2+3?", "And times 4?"]},
    {"question_id": 131, "category": "extraction", "turns": ["Year in 'born 1990'?", "SKIP it"]},
]
REFERENCES = [{"question_id": 111, "choices": [{"index": 0, "turns": ["2+3=5", "5*4=20"]}]}]


def scripted_rating(request: dict) -> float | None:
    """The judge's script: a rating drawn from the prompt's text; none for a "SKIP" question;
    every third one in FastChat's backup form "[r]"."""
    user = request["messages"][-1]["content"]
    if "SKIP it" in user:
        return None
    return float(1 + int(hashlib.sha256(user.encode()).hexdigest(), 16) % 10)


def reply(request: dict) -> str:
    value = scripted_rating(request)
    if value is None:
        return "I will not rate this."
    user = request["messages"][-1]["content"]
    form = f"[{value:g}]" if len(user) % 3 == 0 else f"[[{value:g}]]"
    return f"The answer is short. Rating: {form}"


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def bench_args(tmp_path: Path, base_url: str) -> list[str]:
    questions = write_jsonl(tmp_path / "question.jsonl", QUESTIONS)
    references = write_jsonl(tmp_path / "gpt-4.jsonl", REFERENCES)
    return [
        "model=tiny_llama",
        "benchmark=mt_bench",
        f"benchmark.path={questions}",
        f"benchmark.reference_path={references}",
        "benchmark.max_new_tokens=8",
        f"judge.base_url={base_url}",
        "judge.model=scripted",
        "judge.api_key_env=null",
        "logger=none",
        f"hydra.run.dir={tmp_path / 'out'}",
    ]


def test_the_rating_is_read_as_fastchat_reads_it() -> None:
    assert rating("Rating: [[7]]") == 7.0 and rating("so [[8.5]] overall") == 8.5
    assert rating("Rating: [6]") == 6.0  # the backup pattern
    assert rating("[[3]] then [[9]]") == 3.0  # the first match, as re.search
    assert rating("no rating here") is None and rating("Rating: 7/10") is None


def test_end_to_end_scores_recompute_from_the_judges_replies(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with scripted_judge(reply) as judge:
        done = evaluate_cli(*bench_args(tmp_path, judge.base_url), cache=cache)
        assert done.returncode == 0, done.stderr[-3000:]
        asked = list(judge.requests)
        out = tmp_path / "out"
        result = json.loads((out / "mt_bench.json").read_text())
        assert "mt_bench: 3 questions, 6 answers to generate, 6 judge calls" in done.stdout
        assert "MT-Bench: " in done.stdout

        # the prompts: FastChat's, system and user message, filled with its fields
        prompts = compose_cfg("benchmark=mt_bench", config_name="evaluate").benchmark.prompts
        answers = [
            json.loads(line)["choices"][0]["turns"]
            for line in (out / "mt_bench_answers.jsonl").read_text().splitlines()
        ]
        assert len(answers) == 3 and all(len(a) == 2 for a in answers)
        by_user = {r["messages"][-1]["content"]: r for r in asked}
        want = [
            ("single", {"question": "Write a haiku.", "answer": answers[0][0]}),
            (
                "single_math_multi_turn",
                {"question_1": "What is 2+3?", "question_2": "And times 4?"}
                | {"answer_1": answers[1][0], "answer_2": answers[1][1]}
                | {"ref_answer_1": "2+3=5", "ref_answer_2": "5*4=20"},
            ),
        ]
        for name, fields in want:
            user = prompts[name].template.format(**fields)
            assert by_user[user]["messages"][0] == {
                "role": "system",
                "content": prompts[name].system,
            }
            assert by_user[user]["temperature"] == 0.0 and by_user[user]["max_tokens"] == 2048

        # the scores: from the script's ratings of the requests it got, independently
        ratings = {}
        for request in asked:
            user = request["messages"][-1]["content"]
            ratings[user] = scripted_rating(request)
        judged = [
            json.loads(x) for x in (out / "mt_bench_judgments.jsonl").read_text().splitlines()
        ]
        assert len(judged) == 6 and len(ratings) == 6
        turn = {1: [], 2: []}
        for question in QUESTIONS:
            for t in (1, 2):
                rows = [j for j in judged if j["question_id"] == question["question_id"]]
                (row,) = [j for j in rows if j["turn"] == t]
                assert row["rating"] == (rating(row["replies"][-1]) if row["replies"] else None)
                turn[t].append(row["rating"])
        expected = sorted(v for v in ratings.values() if v is not None)
        assert sorted(r for r in turn[1] + turn[2] if r is not None) == expected
        assert result["n"] == 5 and result["invalid"] == 1
        assert result["score"] == pytest.approx(statistics.fmean(expected))
        assert result["turn_1"] == pytest.approx(statistics.fmean(turn[1]))
        assert result["turn_2"] == pytest.approx(statistics.fmean([r for r in turn[2] if r]))
        assert result["categories"]["extraction"] == turn[1][2]
        assert len(asked) == result["requests"] == 5 + 3  # the unrated one: judge.attempts=3

        record = json.loads((out / "mt_bench_record.json").read_text())
        assert (
            record["questions"]["sha256"]
            == hashlib.sha256((tmp_path / "question.jsonl").read_bytes()).hexdigest()
        )
        assert record["judge"]["model"] == "scripted" and record["versions"]["torch"]

        # a rerun: the answers are reused and every verdict comes from the cache
        written = (out / "mt_bench_answers.jsonl").stat().st_mtime_ns
        again = evaluate_cli(*bench_args(tmp_path, judge.base_url), cache=cache)
        assert again.returncode == 0, again.stderr[-3000:]
        assert len(judge.requests) == len(asked) and "reusing" in again.stdout + again.stderr
        assert (out / "mt_bench_answers.jsonl").stat().st_mtime_ns == written
        assert json.loads((out / "mt_bench.json").read_text())["score"] == result["score"]


def test_a_dry_run_prints_the_cost_and_asks_nothing(tmp_path: Path) -> None:
    with scripted_judge(reply) as judge:
        args = [*bench_args(tmp_path, judge.base_url), "benchmark.dry_run=true"]
        done = evaluate_cli(*args, "judge.base_url=https://api.openai.com/v1", cache=tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "6 judge calls; judge tokens at most ~" in done.stdout
        assert not judge.requests and not (tmp_path / "out" / "mt_bench.json").exists()


@pytest.mark.parametrize(
    ("rows", "references", "message"),
    [
        ([{"question_id": 1, "category": "writing", "turns": ["one"]}], [], "two non-empty"),
        ([{"category": "writing", "turns": ["a", "b"]}], [], "expected question_id"),
        ([{"question_id": 7, "category": "math", "turns": ["a", "b"]}], [], "question 7 \\(math"),
    ],
    ids=["one_turn", "no_id", "math_without_reference"],
)
def test_bad_question_files_name_the_line(tmp_path: Path, rows, references, message) -> None:
    bench = compose_cfg("benchmark=mt_bench", config_name="evaluate").benchmark
    bench.path = str(write_jsonl(tmp_path / "q.jsonl", rows))
    with pytest.raises(DataError, match=f"q.jsonl:1: .*{message}"):
        load_questions(bench)


def test_the_shipped_prompts_are_fastchats() -> None:
    text = (CONF / "benchmark" / "mt_bench.yaml").read_text()
    assert "FastChat llm_judge/data/judge_prompts.jsonl" in text
    prompts = compose_cfg("benchmark=mt_bench", config_name="evaluate").benchmark.prompts
    assert set(prompts) == {"single", "single_math", "single_multi_turn", "single_math_multi_turn"}
    assert all('"[[rating]]", for example: "Rating: [[5]]"' in p.template + p.system
               for p in prompts.values())  # fmt: skip
