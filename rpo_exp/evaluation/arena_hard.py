"""Arena-Hard v0.1 (Li et al. 2024) as arena-hard-auto computes it (docs/method.md, "Evaluation
benchmarks"): each prompt answered by the policy, the answer judged against the baseline's
(gpt-4-0314) in both orders with the benchmark's judge prompt, each verdict one of five labels
("[[A>>B]]" ... "[[B>>A]]", a strong one counted `benchmark.strong_weight` times, an
unreadable one dropped), and the score the Bradley-Terry win rate against the baseline with a
bootstrap 95% interval (arena-hard-auto's `show_result.py` of v0.1: `compute_mle_elo`,
`get_bootstrap_result` with numpy seed 42, percentiles 2.5 and 97.5, `predict_win_rate`).

Writes to `<run dir>/eval/`: `arena_hard_answers.jsonl` (arena-hard-auto's model-answer format,
reused while nothing that determines it changed), `arena_hard_judgments.jsonl` (its judgment
format: two games per question), `arena_hard.json` and `arena_hard_record.json`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from omegaconf import DictConfig
from sklearn.linear_model import LogisticRegression

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

SCALE, BASE, INIT_RATING = 400, 10, 1000  # arena-hard-auto's Elo scale
# game 1 shows the baseline as A; game 2 shows the policy as A (arena-hard-auto's swap)
WINNER = {
    1: {"A>B": "baseline", "A>>B": "baseline", "B>A": "policy", "B>>A": "policy", "A=B": "tie"},
    2: {"A>B": "policy", "A>>B": "policy", "B>A": "baseline", "B>>A": "baseline", "A=B": "tie"},
}


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    baseline: str  # the baseline model's answer


def load_questions(bench: DictConfig) -> list[Question]:
    """`benchmark.path`'s prompts (arena-hard-auto's `question.jsonl`: question_id, turns[0].
    content), each with the baseline's answer from `benchmark.baseline_path` (its
    `model_answer/<baseline>.jsonl`)."""
    if not bench.path or not bench.baseline_path:
        raise ConfigError(
            "benchmark=arena_hard needs its prompts and the baseline's answers: "
            "benchmark.path=<arena-hard-auto's data/arena-hard-v0.1/question.jsonl> "
            "benchmark.baseline_path=<its model_answer/gpt-4-0314.jsonl>"
        )
    baseline, path = {}, Path(bench.baseline_path)
    for number, row in read_jsonl(path, "benchmark.baseline_path"):
        try:
            text = row["choices"][0]["turns"][0]["content"]
        except (KeyError, IndexError, TypeError):
            text = None
        if "question_id" not in row or not is_text(text):
            raise DataError(
                f"{path}:{number}: expected question_id and choices[0].turns[0].content, a "
                "non-empty string (arena-hard-auto's model-answer format)"
            )
        baseline[str(row["question_id"])] = text
    questions, path = [], Path(bench.path)
    for number, row in read_jsonl(path, "benchmark.path"):
        try:
            prompt = row["turns"][0]["content"]
        except (KeyError, IndexError, TypeError):
            prompt = None
        if "question_id" not in row or not is_text(prompt):
            raise DataError(
                f"{path}:{number}: expected question_id and turns[0].content, a non-empty "
                "string (arena-hard-auto's question format)"
            )
        qid = str(row["question_id"])
        if qid not in baseline:
            raise DataError(
                f"{path}:{number}: question {qid} has no answer in "
                f"benchmark.baseline_path={bench.baseline_path}"
            )
        questions.append(Question(qid, prompt, baseline[qid]))
    if not questions:
        raise DataError(f"{path}: holds no question")
    return questions


def verdict(pattern: str, judgment: str) -> str | None:
    """arena-hard-auto's `get_score`: the one label the judgment gives; None while it gives
    none (the judge is asked to go on); "" when it gives several different ones (invalid)."""
    found = {m.strip("\n") for m in re.findall(pattern, judgment) if m != ""}
    if not found:
        return None
    return found.pop() if len(found) == 1 else ""


def battles(judgments: list[dict], strong_weight: int) -> list[str]:
    """One winner ("policy", "baseline" or "tie") per battle: each game's verdict mapped as
    arena-hard-auto maps it (the second game's sides swapped), a strong verdict ("A>>B",
    "B>>A") repeated `strong_weight` times, any other label dropped."""
    out = []
    for judgment in judgments:
        label = judgment["verdict"]
        winner = WINNER[judgment["game"]].get(label)
        if winner is not None:
            out += [winner] * (strong_weight if ">>" in label else 1)
    return out


def mle_elo(winners: np.ndarray) -> float:
    """The policy's Bradley-Terry rating with the baseline anchored at 1000: arena-hard-auto's
    `compute_mle_elo` on battles (baseline as model_a, policy as model_b), each battle twice, a
    tie counted as one win for each side, fit by an unpenalised logistic regression."""
    n = len(winners)
    doubled = np.concatenate([winners, winners])
    x = np.zeros((2 * n, 2))
    x[:, 0], x[:, 1] = math.log(BASE), -math.log(BASE)
    y = (doubled == "baseline").astype(float)
    y[:n][winners == "tie"] = 1.0
    if y.min() == y.max():  # one side won every battle: the rating is unbounded
        return INIT_RATING + (-math.inf if y[0] == 1 else math.inf)
    fit = LogisticRegression(fit_intercept=False, penalty=None, tol=1e-8).fit(x, y)
    ratings = SCALE * fit.coef_[0] + INIT_RATING
    return float(ratings[1] + INIT_RATING - ratings[0])


def win_rate(rating: float) -> float:
    """arena-hard-auto's `predict_win_rate` of the policy against the baseline (at 1000), %."""
    if math.isinf(rating):
        return 100.0 if rating > 0 else 0.0
    return 100 / (1 + BASE ** ((INIT_RATING - rating) / SCALE))


def score(winners: list[str], rounds: int, seed: int) -> dict:
    """The win rate against the baseline (%) and its bootstrap 95% interval: `rounds` resamples
    of the battles drawn as arena-hard-auto draws them (`DataFrame.sample(frac=1, replace=True)`
    under `np.random.seed(seed)`), their ratings' 2.5 and 97.5 percentiles."""
    if not winners:
        return {"score": None, "ci_low": None, "ci_high": None, "battles": 0}
    array = np.asarray(winners)
    draws = np.random.RandomState(seed)
    ratings = [mle_elo(array[draws.choice(len(array), len(array))]) for _ in range(rounds)]
    finite = np.clip(ratings, -1e9, 1e9)  # a resample one side swept sits at 0 or 100 %
    low, high = np.percentile(finite, 2.5), np.percentile(finite, 97.5)
    return {
        "score": win_rate(mle_elo(array)),
        "ci_low": win_rate(float(low)),
        "ci_high": win_rate(float(high)),
        "battles": len(winners),
    }


def judge_prompts(bench: DictConfig, question: Question, answer: str) -> list[str]:
    """The user message of game 1 (baseline as A) and game 2 (the policy as A)."""
    template = bench.prompts.pairwise.template
    return [
        template.format(question_1=question.prompt, answer_1=a, answer_2=b)
        for a, b in ((question.baseline, answer), (answer, question.baseline))
    ]


def plan(bench: DictConfig, questions: list[Question], judge_name: str) -> str:
    """What the run will cost, printed before any request (see `mt_bench.plan`)."""
    calls = 2 * len(questions)
    line = f"arena_hard: {len(questions)} prompts, {len(questions)} answers to generate, "
    line += f"{calls} judge calls (up to {calls * bench.judge_attempts} with follow-ups)"
    if judge_name == "openai":
        prompt = bench.prompts.pairwise
        chars = sum(
            len(prompt.system) + len(user)
            for q in questions
            for user in judge_prompts(bench, q, "")
        )
        tokens_in = chars // 4 + calls * bench.max_new_tokens
        line += (
            f"; judge tokens ~{tokens_in:,} in and at most {calls * bench.judge_max_tokens:,} out"
        )
    return line


def evaluate(
    cfg: DictConfig, out: Path, judge: Judge, policy: Policy, train_dataset: DictConfig | None
) -> dict:
    """Arena-Hard on `policy`: answers, two judged games per prompt, `score`; the result is
    also written to `arena_hard.json`."""
    bench = cfg.benchmark
    questions = load_questions(bench)
    answer = Answerer(policy, train_dataset, cfg)

    def make() -> list[dict]:
        prompts = [conversation(answer.fmt, ("user", q.prompt)) for q in questions]
        return [
            {
                "question_id": q.id,
                "model_id": policy.name,
                "choices": [{"index": 0, "turns": [{"content": text}]}],
            }
            for q, text in zip(questions, answer(prompts, bench.temperature), strict=True)
        ]

    meta = answer_meta(policy, cfg, [[q.id, q.prompt] for q in questions])
    rows = cached_answers(policy, cfg, out / "arena_hard_answers.jsonl", meta, make)
    answers = [row["choices"][0]["turns"][0]["content"] for row in rows]
    users = [u for q, a in zip(questions, answers, strict=True) for u in judge_prompts(bench, q, a)]
    prompt = bench.prompts.pairwise
    sent = judge.requests
    judged = judge.judge_all(
        users,
        prompt.system,
        parse=partial(verdict, prompt.pattern),
        max_tokens=bench.judge_max_tokens,
        follow_up=prompt.follow_up,
        attempts=bench.judge_attempts,
    )
    judgments = []
    for i, judgment in enumerate(judged):
        question = questions[i // 2]
        judgments.append(
            {"question_id": question.id, "game": 1 + i % 2, "verdict": judgment.verdict}
            | {"judgment": "".join(f"\n{r}" for r in judgment.replies), "cached": judgment.cached}
        )
    winners = battles(judgments, bench.strong_weight)
    result = {"benchmark": "arena_hard"} | score(winners, bench.bootstrap_rounds, bench.seed)
    result |= {
        "baseline": bench.baseline_model,
        "invalid": sum(WINNER[j["game"]].get(j["verdict"]) is None for j in judgments),
        "avg_length": float(np.mean([len(a) for a in answers])),
        "model": policy.name,
        "judge": judge.identity,
        "requests": judge.requests - sent,
    }
    return save(
        out,
        cfg,
        policy,
        result,
        judge,
        judgments,
        questions=file_stamp(bench.path),
        baseline=file_stamp(bench.baseline_path),
    )


def report(result: dict) -> str:
    if result["score"] is None:
        return f"Arena-Hard: no valid verdict ({result['invalid']} invalid)"
    return (
        f"Arena-Hard: {result['score']:.1f}% against {result['baseline']} (95% CI "
        f"{result['ci_low']:.1f}-{result['ci_high']:.1f}; {result['battles']} battles, "
        f"invalid {result['invalid']}, judge {result['judge']}, {result['requests']} requests)"
    )
