"""The Open LLM Leaderboard (v1) tasks through lm-evaluation-harness's own Python API (docs/
method.md, "Evaluation benchmarks"): the policy (a run's `final/`, full model or adapter, loaded
as for sampling) wrapped in lm-eval's `HFLM`, each task of `benchmark.tasks` run by
`lm_eval.simple_evaluate` at its own shot count, its metric read from lm-eval's results, and the
score their mean (%). The RPO paper's Table 5: ARC-Challenge 25-shot, TruthfulQA (mc2) 0-shot,
Winogrande 5-shot, GSM8k 5-shot, HellaSwag 10-shot, MMLU 5-shot.

Writes to `<run dir>/eval/`: `leaderboard_<task>.jsonl` (a task's result, reused while the
model, task, shots and limit match), `leaderboard.json` and `leaderboard_record.json`.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.files import files_stamp
from rpo_exp.evaluation.answering import cached_answers, save
from rpo_exp.evaluation.pipeline import Policy
from rpo_exp.modeling.models import inference_model, load_tokenizer


def load_questions(bench: DictConfig) -> list[tuple[str, int, str]]:
    """(task, shots, metric) of each of `benchmark.tasks`."""
    if not bench.tasks:
        raise ConfigError("benchmark.tasks: no task (expected {<lm-eval task>: {shots, metric}})")
    tasks = []
    for task, spec in bench.tasks.items():
        if not isinstance(spec, DictConfig) or set(spec) != {"shots", "metric"}:
            raise ConfigError(
                f"benchmark.tasks.{task}: expected {{shots: <int>, metric: <lm-eval result key, "
                f"e.g. acc_norm,none>}}, got {spec!r}"
            )
        tasks.append((str(task), int(spec.shots), str(spec.metric)))
    return tasks


def plan(bench: DictConfig, tasks: list[tuple[str, int, str]], judge_name: str) -> str:
    listed = ", ".join(f"{task} {shots}-shot" for task, shots, _ in tasks)
    limit = f", {bench.limit} examples each" if bench.limit else ""
    return f"leaderboard: {len(tasks)} tasks ({listed}{limit}) scored by lm-eval; no judge"


def evaluate(
    cfg: DictConfig, out: Path, judge: None, policy: Policy, train_dataset: DictConfig | None
) -> dict:
    """Each task's metric (`leaderboard_<task>.jsonl`, reused while nothing that determines it
    changed) and their mean, written to `leaderboard.json`."""
    try:
        import lm_eval
        from lm_eval.models.huggingface import HFLM
        from lm_eval.tasks import TaskManager
    except ImportError as err:
        raise ConfigError(
            f"benchmark=leaderboard needs lm-evaluation-harness ({err}): "
            "pip install 'rpo_exp[leaderboard]' (make install-benchmarks)"
        ) from None
    bench, loaded = cfg.benchmark, {}

    def harness() -> tuple[object, object]:  # the model loads once, for the first task to run
        if not loaded:
            tokenizer = load_tokenizer(policy.model)
            model = inference_model(policy.model, len(tokenizer), policy.seed)
            loaded["lm"] = HFLM(pretrained=model, tokenizer=tokenizer, batch_size=bench.batch_size)
            loaded["tasks"] = TaskManager(include_path=bench.include_path)
        return loaded["lm"], loaded["tasks"]

    scores = {}
    for task, shots, metric in load_questions(bench):

        def make(task: str = task, shots: int = shots, metric: str = metric) -> list[dict]:
            lm, manager = harness()
            found = lm_eval.simple_evaluate(
                model=lm, tasks=[task], num_fewshot=shots, limit=bench.limit, task_manager=manager
            )["results"]
            if task not in found or metric not in found[task]:
                raise ConfigError(
                    f"benchmark.tasks.{task}.metric={metric}: lm-eval reported "
                    f"{sorted(found.get(task, {}))} for {task}"
                )
            stderr = metric.replace(",", "_stderr,", 1)
            return [
                {"task": task, "shots": shots, "metric": metric, "value": found[task][metric]}
                | {"stderr": found[task].get(stderr)}
            ]

        meta = {
            "model": OmegaConf.to_container(policy.model, resolve=True),
            "weights": files_stamp(Path(policy.model.name_or_path or "")),
            "init_seed": policy.seed,
            "task": task,
            "shots": shots,
            "metric": metric,
            "limit": bench.limit,
            "include_path": bench.include_path,
            "lm_eval": importlib.metadata.version("lm_eval"),
        }
        meta = json.loads(json.dumps(meta, default=list))
        (row,) = cached_answers(policy, cfg, out / f"leaderboard_{task}.jsonl", meta, make)
        scores[task] = row
    values = [100 * float(row["value"]) for row in scores.values()]
    result = {
        "benchmark": "leaderboard",
        "score": sum(values) / len(values),
        "tasks": {task: 100 * float(row["value"]) for task, row in scores.items()},
        "model": policy.name,
    }
    tasks = [list(task) for task in load_questions(bench)]
    return save(out, cfg, policy, result, None, tasks=tasks)


def report(result: dict) -> str:
    tasks = ", ".join(f"{task} {value:.2f}" for task, value in result["tasks"].items())
    return f"Open LLM Leaderboard: average {result['score']:.2f} ({tasks})"
