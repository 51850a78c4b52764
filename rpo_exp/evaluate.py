"""`python -m rpo_exp.evaluate run_dir=<run> [benchmark=hh_winrate|mt_bench] [judge=local|openai]
[eval.*=...]`: the papers' win rate (`rpo_exp.evaluation.pipeline`) or a benchmark's score
(`rpo_exp.evaluation.mt_bench`), printed and added to the run's wandb summary."""

from __future__ import annotations

import logging
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from rpo_exp.config.entry import command
from rpo_exp.config.validation import check_evaluation
from rpo_exp.evaluation import mt_bench
from rpo_exp.evaluation.generation import check_engine
from rpo_exp.evaluation.pipeline import (
    evaluate,
    evaluated_policy,
    judge_for,
    policy_and_dataset,
    report,
)
from rpo_exp.training.tracking import log_to_run


@command("evaluate")
def main(cfg: DictConfig) -> None:
    out = Path(HydraConfig.get().runtime.output_dir)
    for noisy in ("httpx", "httpx2", "openai"):  # one INFO line per judge request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    check_evaluation(cfg)  # every key typed, impossible values refused (rpo_exp.config.validation)
    if cfg.benchmark.name == "hh_winrate":
        policy_and_dataset(cfg)  # a bad input fails before a judge server starts
        check_engine(cfg.eval)
        with judge_for(cfg.judge, out) as judge:
            result = evaluate(cfg, out, judge)
        print(report(result))
    else:
        policy, train_cfg = evaluated_policy(cfg)
        questions = mt_bench.load_questions(cfg.benchmark)  # before a judge server starts
        print(mt_bench.plan(cfg.benchmark, questions, cfg.judge.name))
        if cfg.benchmark.dry_run:
            return
        check_engine(cfg.eval)
        with judge_for(cfg.judge, out) as judge:
            dataset = train_cfg.dataset if train_cfg is not None else None
            result = mt_bench.evaluate(cfg, out, judge, policy, dataset)
        print(mt_bench.report(result))
    if cfg.run_dir:
        log_to_run(Path(cfg.run_dir), cfg.logger, result)


if __name__ == "__main__":
    main()
