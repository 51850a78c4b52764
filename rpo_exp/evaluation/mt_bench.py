"""MT-Bench (Zheng et al. 2023, "Judging LLM-as-a-judge") as FastChat's `llm_judge` computes it
(docs/method.md, "Evaluation benchmarks"): each question's two turns answered by the policy (the
second after its own first answer), each answer rated 1-10 by the judge with FastChat's prompts
(the math, reasoning and coding ones against a reference answer), and the score the mean rating
of every valid judgment (turn 1, turn 2, both; per category).

Writes to `<run dir>/eval/`: `mt_bench_answers.jsonl` (FastChat's model-answer format, reused
while the model, questions and sampling settings match), `mt_bench_judgments.jsonl`,
`mt_bench.json` (the result) and `mt_bench_record.json` (question files and their sha256, judge,
prompts' sha256, settings, package versions).
"""

from __future__ import annotations

import ast
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from omegaconf import DictConfig

from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.evaluation.answering import (
    Answerer,
    answer_meta,
    cached_answers,
    conversation,
    file_stamp,
    is_text,
    read_jsonl,
    save,
)
from rpo_exp.evaluation.judging.client import Judge
from rpo_exp.evaluation.pipeline import Policy

log = logging.getLogger("rpo_exp")
# FastChat llm_judge/common.py: one_score_pattern, then one_score_pattern_backup
RATING = re.compile(r"\[\[(\d+\.?\d*)\]\]")
RATING_BACKUP = re.compile(r"\[(\d+\.?\d*)\]")


@dataclass(frozen=True)
class Question:
    id: int | str
    category: str
    turns: tuple[str, str]
    reference: tuple[str, ...] | None  # the reference answer's turns (reference categories)


def rating(reply: str) -> float | None:
    """The rating a judge's reply gives, read as FastChat reads it ("[[r]]", else "[r]"), or
    None where it gives none."""
    found = RATING.search(reply) or RATING_BACKUP.search(reply)
    return float(ast.literal_eval(found.group(1))) if found else None


def load_questions(bench: DictConfig) -> list[Question]:
    """`benchmark.path`'s questions (FastChat's `question.jsonl`: question_id, category, two
    turns), each reference-category question with its reference answer: from
    `benchmark.reference_path` (FastChat's `reference_answer/*.jsonl`), else the question's own
    `reference` list."""
    if not bench.path:
        raise ConfigError(
            "benchmark=mt_bench needs its questions: benchmark.path=<FastChat's "
            "llm_judge/data/mt_bench/question.jsonl, or a file in its format>"
        )
    references = {}
    if bench.reference_path:
        ref_path = Path(bench.reference_path)
        for number, row in read_jsonl(ref_path, "benchmark.reference_path"):
            try:
                references[row["question_id"]] = tuple(row["choices"][0]["turns"])
            except (KeyError, IndexError, TypeError):
                raise DataError(
                    f"{ref_path}:{number}: expected question_id and choices[0].turns (FastChat's "
                    "reference answer format)"
                ) from None
    path, questions = Path(bench.path), []
    for number, row in read_jsonl(path, "benchmark.path"):
        turns = row.get("turns")
        if "question_id" not in row or not isinstance(row.get("category"), str):
            raise DataError(f"{path}:{number}: expected question_id and category (a string)")
        if not (isinstance(turns, list) and len(turns) == 2 and all(map(is_text, turns))):
            raise DataError(f"{path}:{number}: expected turns, a list of two non-empty strings")
        reference = references.get(row["question_id"]) or row.get("reference")
        has_both = isinstance(reference, (list, tuple)) and len(reference) >= 2
        if row["category"] in bench.reference_categories and not has_both:
            raise DataError(
                f"{path}:{number}: question {row['question_id']} ({row['category']}) is "
                "graded against a reference answer of both turns, and has none: give "
                "benchmark.reference_path=<FastChat's reference_answer/gpt-4.jsonl>"
            )
        questions.append(
            Question(
                row["question_id"],
                row["category"],
                tuple(turns),
                tuple(reference) if reference else None,
            )
        )
    if not questions:
        raise DataError(f"{path}: holds no question")
    return questions


def answers(
    policy: Policy,
    train_dataset: DictConfig | None,
    questions: list[Question],
    cfg: DictConfig,
    out: Path,
) -> list[tuple[str, str]]:
    """Both turns' answers to each question (`out/mt_bench_answers.jsonl`, reused while nothing
    that determines them changed: `cached_answers`), sampled at each category's temperature
    (`benchmark.temperatures`), the second turn after the first answer."""
    answer = Answerer(policy, train_dataset, cfg)

    def make() -> list[dict]:
        firsts: list[str] = [""] * len(questions)
        seconds: list[str] = [""] * len(questions)
        for temperature in sorted({temperature_of(cfg.benchmark, q) for q in questions}):
            chosen = [
                i
                for i, q in enumerate(questions)
                if temperature_of(cfg.benchmark, q) == temperature
            ]
            first = [conversation(answer.fmt, ("user", questions[i].turns[0])) for i in chosen]
            for i, text in zip(chosen, answer(first, temperature), strict=True):
                firsts[i] = text
            second = [
                conversation(
                    answer.fmt,
                    ("user", questions[i].turns[0]),
                    ("assistant", firsts[i]),
                    ("user", questions[i].turns[1]),
                )
                for i in chosen
            ]
            for i, text in zip(chosen, answer(second, temperature), strict=True):
                seconds[i] = text
        return [
            {
                "question_id": q.id,
                "model_id": policy.name,
                "choices": [{"index": 0, "turns": [a, b]}],
            }
            for q, a, b in zip(questions, firsts, seconds, strict=True)
        ]

    meta = answer_meta(policy, cfg, [[q.id, q.category, list(q.turns)] for q in questions])
    rows = cached_answers(policy, cfg, out / "mt_bench_answers.jsonl", meta, make)
    return [tuple(row["choices"][0]["turns"]) for row in rows]


def temperature_of(bench: DictConfig, question: Question) -> float:
    """The sampling temperature of `question`'s category (FastChat's `temperature_config`);
    a category it does not list is sampled at 0.7, as FastChat's default."""
    return float(bench.temperatures.get(question.category, 0.7))


def judge_prompts(
    bench: DictConfig, question: Question, answer: tuple[str, str]
) -> list[tuple[str, str, str]]:
    """(prompt name, system message, user message) for turn 1 and turn 2 of `question`, filled
    as FastChat's `run_judge_single` fills them."""
    math = question.category in bench.reference_categories
    fields = {"question": question.turns[0], "answer": answer[0]}
    fields |= {"question_1": question.turns[0], "question_2": question.turns[1]}
    fields |= {"answer_1": answer[0], "answer_2": answer[1]}
    if math:
        fields |= {"ref_answer_1": question.reference[0], "ref_answer_2": question.reference[1]}
    asks = []
    for name in ("single", "single_multi_turn"):
        name = name.replace("single", "single_math") if math else name
        prompt = bench.prompts[name]
        asks.append((name, prompt.system, prompt.template.format(**fields)))
    return asks


def score(records: list[dict]) -> dict:
    """The mean rating of the valid judgments: overall (`score`), per turn, per category."""

    def mean(rows: list[dict]) -> float | None:
        valid = [r["rating"] for r in rows if r["rating"] is not None]
        return float(np.mean(valid)) if valid else None

    categories = sorted({r["category"] for r in records})
    return {
        "score": mean(records),
        "turn_1": mean([r for r in records if r["turn"] == 1]),
        "turn_2": mean([r for r in records if r["turn"] == 2]),
        "categories": {c: mean([r for r in records if r["category"] == c]) for c in categories},
        "n": sum(r["rating"] is not None for r in records),
        "invalid": sum(r["rating"] is None for r in records),
    }


def plan(bench: DictConfig, questions: list[Question], judge_name: str) -> str:
    """What the run will cost, printed before any request: answers to generate, judge calls
    and, for a judge at an external endpoint, an upper bound of its tokens (4 characters a
    token for the prompts, every answer at `benchmark.max_new_tokens`)."""
    calls = 2 * len(questions)
    line = f"mt_bench: {len(questions)} questions, {calls} answers to generate, {calls} judge calls"
    if judge_name == "openai":
        empty = [judge_prompts(bench, q, ("", "")) for q in questions]
        chars = sum(len(system) + len(user) for asks in empty for _, system, user in asks)
        tokens_in = chars // 4 + 3 * len(questions) * bench.max_new_tokens  # 1 + 2 answers
        line += (
            f"; judge tokens at most ~{tokens_in:,} in and {calls * bench.judge_max_tokens:,} out"
        )
    return line


def evaluate(
    cfg: DictConfig,
    out: Path,
    judge: Judge,
    policy: Policy,
    train_dataset: DictConfig | None,
) -> dict:
    """MT-Bench on `policy`: answers (`answers`), one judgment per turn (`judge_prompts`, read by
    `rating`), the scores (`score`); the result is also written to `mt_bench.json`."""
    bench = cfg.benchmark
    questions = load_questions(bench)
    responses = answers(policy, train_dataset, questions, cfg, out)
    asks, records = [], []
    for question, answer in zip(questions, responses, strict=True):
        for turn, (name, system, user) in enumerate(judge_prompts(bench, question, answer), 1):
            asks.append((system, user))
            records.append(
                {"question_id": question.id, "category": question.category, "turn": turn}
                | {"prompt": name}
            )
    sent = judge.requests
    judged = judge.judge_all(
        [user for _, user in asks],
        [system for system, _ in asks],
        parse=rating,
        max_tokens=bench.judge_max_tokens,
    )
    for record, judgment in zip(records, judged, strict=True):
        record |= {"rating": judgment.verdict, "replies": list(judgment.replies)}
        record["cached"] = judgment.cached
    result = {"benchmark": "mt_bench"} | score(records)
    result |= {"model": policy.name, "judge": judge.identity, "requests": judge.requests - sent}
    return save(
        out,
        cfg,
        policy,
        result,
        judge,
        records,
        questions=file_stamp(bench.path),
        references=file_stamp(bench.reference_path),
    )


def report(result: dict) -> str:
    if result["score"] is None:
        return f"MT-Bench: no valid rating ({result['invalid']} invalid)"
    return (
        f"MT-Bench: {result['score']:.2f} (turn 1 {_or_dash(result['turn_1'])}, turn 2 "
        f"{_or_dash(result['turn_2'])}; n={result['n']}, invalid {result['invalid']}, judge "
        f"{result['judge']}, {result['requests']} requests)"
    )


def _or_dash(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
