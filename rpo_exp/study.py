"""`make study`: a CPU mini-study that shows the method at work (README, "A CPU mini-study").

SFT, DPO and RPO (tau 0.5) on SmolLM2-135M with hh_sample, one budget, 3 seeds
(`experiment=study`, 9 jobs). For every run: the held-out preference accuracy and reward margin
of its final policy against the initial one (implicit reward beta * (logp - logp_ref), beta 0.1,
the same test pairs for every method, SFT included), and the win rate against the dataset's
chosen responses judged by the local SmolLM2 judge (its first-token P(1) vs P(2)), far too weak to
mean anything: a pipeline demonstration, labelled so. Writes `<out>/study.csv` and
`<out>/report/study.html`.

    python -m rpo_exp.study [--out DIR] [--num-samples 32] [--skip-train] [train overrides...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import torch
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.evaluation.pipeline import evaluate, judge_for, run_policy
from rpo_exp.modeling.logprobs import score_sequences
from rpo_exp.modeling.models import load_policy, load_tokenizer
from rpo_exp.report import find_run_dirs, run_notebook
from rpo_exp.training.trainer import eval_subset

ROOT = Path(__file__).resolve().parents[1]
BETA = 0.1


def preference_metrics(run_dir: Path) -> dict[str, float]:
    """Held-out preference accuracy and reward margin of a run's final policy on the test pairs
    its training evaluated (`trainer.eval_subset`), rewards beta * (logp(y) - logp_ref(y)) with
    the run's initial model as the reference: what DPO's and RPO's runs log as
    `eval/rewards/{accuracies,margins}`, measured the same way for any method."""
    policy, train_cfg = run_policy(str(run_dir))
    tokenizer = load_tokenizer(train_cfg.model)
    examples = load_split(train_cfg.dataset, "test").examples
    trainer = train_cfg.trainer
    examples = [examples[i] for i in eval_subset(len(examples), trainer)]
    items, _ = tokenize_examples(examples, tokenizer, trainer.max_prompt_length, trainer.max_length)
    sequences = [(it.prompt_ids, r) for it in items for r in it.response_ids[:2]]
    rewards = []
    for model_cfg in (policy.model, train_cfg.model):
        torch.manual_seed(train_cfg.seed)  # a random-init model_cfg: the run's initial weights
        model = load_policy(model_cfg, len(tokenizer))
        rewards.append(score_sequences(model, sequences, tokenizer.pad_token_id))
    reward = (BETA * (rewards[0] - rewards[1])).view(-1, 2)
    chosen, rejected = reward[:, 0], reward[:, 1]
    return {
        "accuracy": (chosen > rejected).float().mean().item(),
        "margin": (chosen - rejected).mean().item(),
        "pairs": len(items),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m rpo_exp.study", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=Path("studies") / time.strftime("%Y-%m-%d_%H-%M-%S")
    )
    parser.add_argument("--num-samples", type=int, default=32, help="prompts judged per run")
    parser.add_argument("--skip-train", action="store_true", help="evaluate the runs in --out")
    parser.add_argument("overrides", nargs="*", help="extra training overrides")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if not args.skip_train:
        command = [sys.executable, "-m", "rpo_exp.train", "-m", "experiment=study"]
        subprocess.run([*command, f"hydra.sweep.dir={out}", *args.overrides], check=True, cwd=ROOT)
    runs = find_run_dirs(out)
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        cfg = compose(
            "evaluate",
            ["judge=local", f"eval.num_samples={args.num_samples}", "logger=none"],
        )
    rows = []
    with judge_for(cfg.judge, out / "judge") as judge:
        for run in runs:
            train_cfg = OmegaConf.load(run / ".hydra" / "config.yaml")
            cfg.run_dir = str(run)
            result = evaluate(cfg, run / "eval", judge)
            preference = preference_metrics(run)
            (run / "eval" / "preference.json").write_text(json.dumps(preference, indent=2))
            rows.append(
                {"run": run.name, "loss": train_cfg.loss.name, "seed": train_cfg.seed}
                | preference
                | {k: result[k] for k in ("win_rate", "ci_low", "ci_high", "n", "invalid")}
            )
            print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(out / "study.csv", index=False)
    html = run_notebook(ROOT / "notebooks" / "study.ipynb", [out], out / "report")
    print(f"wrote {out / 'study.csv'} and {html}")


if __name__ == "__main__":
    main()
