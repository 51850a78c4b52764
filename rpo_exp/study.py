"""`make study` / `python -m rpo_exp.study [overrides]`: the reward-KL frontier study (README,
"The reward-KL frontier study"; DPO paper Fig. 2's controlled-generation setting on a CPU).

1. data: `onpolicy.k` responses to each shipped prompt (train and test split kept) sampled from
   the model and scored by the reward (`rpo_exp.onpolicy`) -> `<out>/data/`;
2. train: every loss of `study.losses` at each beta of `study.betas[loss]` and every seed of
   `study.seeds`, the same steps and prompts for all (`experiment=study`), one sweep per loss ->
   `<out>/runs/<loss>/<loss>_beta<b>_seed<s>/`;
3. evaluate: each run's sampled responses to the same held-out prompts, judged by the reward
   against the initial policy's own samples, with the sampled KL(policy || initial)
   (`judge=reward eval.against=initial eval.kl=true`) -> `<run>/eval/`;
4. report: `study.csv` (a row per run), `study_summary.csv` (per method and beta: means over
   seeds, their spread, the win rate's 95% interval over prompts with the seeds pooled),
   `study.png` (reward against KL) and `report/study.html`.

A rerun into the same `hydra.run.dir` reuses the data, skips every loss whose runs all finished,
and recomputes no generation or reward (both cached).
"""

from __future__ import annotations

import json
import logging
import math
import statistics
import subprocess
import sys
from pathlib import Path

import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.paths import NOTEBOOKS_DIR
from rpo_exp.config.entry import command
from rpo_exp.config.validation import check_sampling_command, study_run_name
from rpo_exp.evaluation.judging.reward import RewardJudge
from rpo_exp.evaluation.pipeline import evaluate
from rpo_exp.evaluation.winrate import win_rate
from rpo_exp.onpolicy import ensure
from rpo_exp.reporting.notebooks import run_notebook

log = logging.getLogger("rpo_exp.study")
RESULT = "win_rate_vs_initial"
FIGURES = (
    "mean_reward", "mean_reward_against", "win_rate", "ci_low", "ci_high", "n", "ties", "kl",
    "kl_se",
)  # fmt: skip


def betas_of(cfg: DictConfig, loss: str) -> list[float | None]:
    return [None] if loss == "sft" else list(cfg.study.betas[loss])


def passed_through() -> list[str]:
    """The study's model choice and `model.*` overrides, for every training run."""
    hydra_cfg = HydraConfig.get()
    model = [f"model={hydra_cfg.runtime.choices.model}"]
    return model + [o for o in hydra_cfg.overrides.task if o.startswith(("model.", "+model."))]


Job = tuple[str, float | None, int, Path]  # loss, beta, seed, run dir


def train(cfg: DictConfig, data_dir: Path, runs: Path) -> list[Job]:
    """Every run of the grid, trained by one `python -m rpo_exp.train -m` sweep per loss (a
    loss whose runs all have `final/` is skipped). A job that fails (diverges) ends its sweep:
    the jobs after it then run one by one, so that one failure costs no other run. Returns the
    grid's jobs in order; a failed one has no `final/`."""
    on = cfg.onpolicy
    common = [
        "experiment=study",
        f"dataset.path={data_dir / 'train.jsonl'}",
        f"dataset.test_path={data_dir / 'test.jsonl'}",
        f"trainer.max_steps={cfg.study.steps}",
        f"trainer.batch_size={cfg.study.prompts_per_step}",
        f"trainer.max_prompt_length={on.max_prompt_length}",
        f"trainer.max_length={on.max_prompt_length + on.max_new_tokens + 8}",
        *passed_through(),
        *cfg.study.train,
    ]
    train_cli = [sys.executable, "-m", "rpo_exp.train"]
    jobs = []
    for loss in cfg.study.losses:
        grid = [(b, s) for b in betas_of(cfg, loss) for s in cfg.study.seeds]
        expected = {job: runs / loss / study_run_name(loss, *job) for job in grid}
        jobs += [(loss, beta, seed, run) for (beta, seed), run in expected.items()]
        if all((d / "final").is_dir() for d in expected.values()):
            log.info("%s: every run finished, skipped", loss)
            continue
        betas = sorted({b for b, _ in grid if b is not None})
        strength = [f"loss.beta={','.join(map(str, betas))}"] if betas else []
        seeds = f"seed={','.join(str(s) for s in cfg.study.seeds)}"
        command = [*train_cli, "-m", f"loss={loss}", *strength, seeds, *common]
        log.info("training: %s", " ".join(command[1:]))
        if subprocess.run([*command, f"hydra.sweep.dir={runs / loss}"]).returncode:
            for (beta, seed), run in expected.items():
                if not run.exists():  # not reached by the sweep
                    one = [f"loss={loss}", f"seed={seed}", *common, f"hydra.run.dir={run}"]
                    one += [f"loss.beta={beta}"] if beta is not None else []
                    subprocess.run([*train_cli, *one])
        for run in expected.values():
            if not (run / "final").is_dir():
                log.error("%s failed (no final/): see %s", run.name, run / "train.log")
    return jobs


def evaluate_runs(cfg: DictConfig, jobs: list[Job]) -> pd.DataFrame:
    """`judge=reward eval.against=initial` (and `eval.kl`) for every finished run; a row per
    run, a failed one with `status` "failed" and no figures."""
    judge_cfg = OmegaConf.create({"name": "reward", "reward": cfg.reward})
    judge = RewardJudge(judge_cfg)
    rows = []
    for loss, beta, seed, run in jobs:
        row = {"run": f"{loss}/{run.name}", "loss": loss, "beta": beta, "seed": seed}
        row["status"] = "finished" if (run / "final").is_dir() else "failed"
        if row["status"] == "finished":
            eval_cfg = OmegaConf.create(
                {"run_dir": str(run), "model": None, "dataset": None, "judge": judge_cfg}
            )
            eval_cfg.eval = OmegaConf.to_container(cfg.eval, resolve=True)
            result = evaluate(eval_cfg, run / "eval", judge)
            row |= {key: result[key] for key in FIGURES}
        rows.append(row)
        log.info("%s", row)
    return pd.DataFrame(rows)


def verdicts(run: Path) -> dict[int, float]:
    """Held-out prompt index -> the run's verdict against the initial policy's sample."""
    lines = (run / "eval" / f"{RESULT.replace('win_rate', 'judgments')}.jsonl").open()
    return {r["index"]: r["verdict"] for r in map(json.loads, lines)}


def summarize(table: pd.DataFrame, runs: Path, cfg: DictConfig) -> pd.DataFrame:
    """Per (loss, beta): means over seeds and their standard deviation (the seed spread), the
    win rate's bootstrap 95% interval over prompts with every seed's verdict on a prompt pooled,
    the KL's standard error (the seeds' independent errors combined); plus the initial policy
    (its own samples: reward `mean_reward_against`, KL 0; a randomly initialised model is drawn
    anew for each seed)."""
    finished = table[table["status"] == "finished"]
    initial = finished.groupby("seed")["mean_reward_against"].first()  # one initial model a seed
    rows = [
        {
            "loss": "initial",
            "beta": None,
            "seeds": len(initial),
            "failed": 0,
            "reward": initial.mean(),
            "reward_sd": spread(initial),
            "win_rate": 0.5,
            "win_rate_sd": 0.0,
            "kl": 0.0,
            "kl_se": 0.0,
            "kl_sd": 0.0,
        }
    ]
    for (loss, beta), every in table.groupby(["loss", "beta"], dropna=False, sort=False):
        group = every[every["status"] == "finished"]
        if group.empty:
            rows.append({"loss": loss, "beta": beta, "seeds": 0, "failed": len(every)})
            continue
        per_prompt = {}
        for run in group["run"]:
            for index, verdict in verdicts(runs / run).items():
                per_prompt.setdefault(index, []).append(verdict)
        pooled = win_rate(list(per_prompt.values()), cfg.eval.bootstrap, cfg.eval.seed)
        rows.append(
            {
                "loss": loss,
                "beta": None if pd.isna(beta) else beta,
                "seeds": len(group),
                "failed": len(every) - len(group),
                "reward": group["mean_reward"].mean(),
                "reward_sd": spread(group["mean_reward"]),
                "win_rate": group["win_rate"].mean(),
                "win_rate_sd": spread(group["win_rate"]),
                "win_ci_low": pooled["ci_low"],
                "win_ci_high": pooled["ci_high"],
                "kl": group["kl"].mean(),
                "kl_se": math.sqrt((group["kl_se"] ** 2).sum()) / len(group),
                "kl_sd": spread(group["kl"]),
            }
        )
    return pd.DataFrame(rows)


def spread(values: pd.Series) -> float:
    """The standard deviation over seeds (0 for a single seed)."""
    return statistics.stdev(values) if len(values) > 1 else 0.0


def plot_frontier(summary: pd.DataFrame, table: pd.DataFrame, path: Path, title: str) -> None:
    """Mean reward against KL(policy || initial): per method its betas joined by a line (mean
    over seeds, bars: the seed spread), each seed a faint dot, the initial policy a star."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5))
    start = summary[summary["loss"] == "initial"].iloc[0]
    ax.scatter([0], [start["reward"]], marker="*", s=180, color="k", zorder=4, label="initial")
    for n, (loss, points) in enumerate(summary[summary["loss"] != "initial"].groupby("loss")):
        color = f"C{n}"
        points = points.sort_values("kl")
        betas = ", ".join(f"{b:g}" for b in points["beta"].dropna().sort_values())
        label = f"{loss} (beta {betas})" if betas else loss
        bars = {"xerr": points["kl_sd"], "yerr": points["reward_sd"], "capsize": 3}
        ax.errorbar(points["kl"], points["reward"], marker="o", color=color, label=label, **bars)
        seeds = table[table["loss"] == loss]
        ax.scatter(seeds["kl"], seeds["mean_reward"], color=color, alpha=0.3, s=12)
    ax.set_xlabel("KL(policy || initial), nats per response (sampled estimate)")
    ax.set_ylabel("mean reward of the policy's samples")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


@command("study")
def main(cfg: DictConfig) -> None:
    out = Path(HydraConfig.get().runtime.output_dir).resolve()
    check_sampling_command(cfg, "study")
    data_dir = out / "data"
    ensure(cfg, data_dir)
    jobs = train(cfg, data_dir, out / "runs")
    table = evaluate_runs(cfg, jobs)
    table.to_csv(out / "study.csv", index=False)
    summary = summarize(table, out / "runs", cfg)
    summary.to_csv(out / "study_summary.csv", index=False)
    title = (
        f"{cfg.model.name} on {cfg.dataset.name} prompts, reward {cfg.reward.name}: "
        f"{len(cfg.study.seeds)} seeds, {cfg.eval.num_samples} held-out prompts"
    )
    plot_frontier(summary, table, out / "study.png", title)
    html = run_notebook(NOTEBOOKS_DIR / "study.ipynb", [out], out / "report")
    print(summary.to_string(index=False))
    print(f"wrote {out / 'study.csv'}, {out / 'study_summary.csv'}, {out / 'study.png'}, {html}")


if __name__ == "__main__":
    main()
