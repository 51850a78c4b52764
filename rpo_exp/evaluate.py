"""`python -m rpo_exp.evaluate run_dir=<run> [judge=local|openai] [eval.*=...]`: the papers'
win rate (`rpo_exp.evaluation.pipeline`), printed and added to the run's wandb summary."""

from __future__ import annotations

import logging
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from rpo_exp.common.cli import command
from rpo_exp.config.schema import MOVED
from rpo_exp.config.validation import check_evaluation
from rpo_exp.evaluation.generation import check_engine
from rpo_exp.evaluation.pipeline import evaluate, judge_for, policy_and_dataset, report
from rpo_exp.training.tracking import log_to_run


@command("evaluate", moved=MOVED)
def main(cfg: DictConfig) -> None:
    out = Path(HydraConfig.get().runtime.output_dir)
    for noisy in ("httpx", "httpx2", "openai"):  # one INFO line per judge request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    check_evaluation(cfg)  # every key typed, impossible values refused (rpo_exp.config.validation)
    policy_and_dataset(cfg)  # a bad input fails before a judge server starts
    check_engine(cfg.eval)
    with judge_for(cfg.judge, out) as judge:
        result = evaluate(cfg, out, judge)
    print(report(result))
    if cfg.run_dir:
        log_to_run(Path(cfg.run_dir), cfg.logger, result)


if __name__ == "__main__":
    main()
