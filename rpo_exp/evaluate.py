"""`python -m rpo_exp.evaluate run_dir=<run or sweep> [benchmark=hh_winrate|mt_bench|arena_hard|
alpaca_eval2|leaderboard] [judge=local|openai] [eval.*=...]`: the papers' win rate
(`rpo_exp.evaluation.pipeline`) or a benchmark's score (`rpo_exp.evaluation.<benchmark>`),
printed, written to `<run>/eval/<benchmark>.json` and added to the run's wandb summary. A sweep
dir evaluates each of its runs in turn, with one judge."""

from __future__ import annotations

import contextlib
import importlib
import logging
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, open_dict

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.rundirs import RunDirError, find_run_dirs
from rpo_exp.config.entry import command
from rpo_exp.config.validation import check_evaluation
from rpo_exp.evaluation.generation import check_engine
from rpo_exp.evaluation.pipeline import (
    evaluate,
    evaluated_policy,
    judge_for,
    policy_and_dataset,
    report,
    run_policy,
)
from rpo_exp.training.tracking import log_to_run


def runs_of(cfg: DictConfig) -> list[DictConfig]:
    """One config per run to evaluate: `run_dir` itself, or each finished run of a sweep dir
    (an unfinished one is named and skipped)."""
    if not cfg.run_dir or (Path(cfg.run_dir) / ".hydra" / "config.yaml").is_file():
        return [cfg]
    try:
        found = find_run_dirs(cfg.run_dir)
    except RunDirError as err:
        raise ConfigError(f"run_dir={cfg.run_dir}: {err}") from None
    configs = []
    for run in found:
        try:
            run_policy(str(run))
        except ConfigError as err:
            print(f"skipping {run.name}: {err}")
            continue
        one = cfg.copy()
        with open_dict(one):
            one.run_dir = str(run)
        configs.append(one)
    if not configs:
        raise ConfigError(f"run_dir={cfg.run_dir}: no finished training run in this sweep dir")
    print(f"{cfg.run_dir}: {len(configs)} finished run(s), {len(found) - len(configs)} skipped")
    return configs


@command("evaluate")
def main(cfg: DictConfig) -> None:
    for noisy in ("httpx", "httpx2", "openai"):  # one INFO line per judge request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    check_evaluation(cfg)  # every key typed, impossible values refused (rpo_exp.config.validation)
    name, runs = cfg.benchmark.name, runs_of(cfg)
    here = Path(HydraConfig.get().runtime.output_dir)

    def out(one: DictConfig) -> Path:  # a sweep's run: its own eval/
        return here if one.run_dir == cfg.run_dir else Path(one.run_dir) / "eval"

    if name == "hh_winrate":
        for one in runs:
            policy_and_dataset(one)  # a bad input fails before a judge server starts
        check_engine(cfg.eval)
        with judge_for(cfg.judge, out(runs[0])) as judge:
            for one in runs:
                result = evaluate(one, out(one), judge)
                print(report(result))
                if one.run_dir:
                    log_to_run(Path(one.run_dir), one.logger, result)
        return
    bench = importlib.import_module(f"rpo_exp.evaluation.{name}")
    policies = [evaluated_policy(one) for one in runs]  # before a judge server starts
    questions = bench.load_questions(cfg.benchmark)
    print(f"{bench.plan(cfg.benchmark, questions, cfg.judge.name)} (each of {len(runs)} run(s))")
    if cfg.benchmark.dry_run:
        return
    check_engine(cfg.eval)
    judged = name != "leaderboard"  # lm-eval scores itself
    with judge_for(cfg.judge, out(runs[0])) if judged else contextlib.nullcontext() as judge:
        for one, (policy, train_cfg) in zip(runs, policies, strict=True):
            dataset = train_cfg.dataset if train_cfg is not None else None
            result = bench.evaluate(one, out(one), judge, policy, dataset)
            print(bench.report(result))
            if one.run_dir:
                log_to_run(Path(one.run_dir), one.logger, result)


if __name__ == "__main__":
    main()
