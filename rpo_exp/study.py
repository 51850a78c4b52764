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
4. iterative arm (`study.iterative.rounds` > 0): per seed, `rpo_exp.iterate` rounds of
   `study.iterative.loss` at `study.iterative.beta`, each round the offline runs' budget on data
   sampled from the round's policy -> `<out>/iterative/<loss>_beta<b>_seed<s>/round_<r>/`.
   Round 1 is the offline run of that loss, beta and seed (the same data and training; linked,
   not repeated); every round is evaluated as in 3, against the initial policy;
5. report: `study.csv` (a row per run or round), `study_summary.csv` (per method, beta and
   round: means over seeds, their spread, the win rate's 95% interval over prompts with the
   seeds pooled), `study.png` (reward against KL, the rounds a path) and `report/study.html`.

A rerun into the same `hydra.run.dir` reuses the data, skips every loss whose runs all finished
and every finished round, and recomputes no generation or reward (both cached).
"""

from __future__ import annotations

import json
import logging
import math
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from hydra import compose
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf, open_dict

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.paths import NOTEBOOKS_DIR
from rpo_exp.config.entry import command
from rpo_exp.config.validation import check_sampling_command, study_run_name
from rpo_exp.evaluation.judging.reward import RewardJudge
from rpo_exp.evaluation.pipeline import evaluate
from rpo_exp.evaluation.winrate import win_rate
from rpo_exp.iterate import check as check_iterate
from rpo_exp.iterate import iterate
from rpo_exp.modeling.models import DTYPES
from rpo_exp.onpolicy import ensure
from rpo_exp.reporting.notebooks import run_notebook
from rpo_exp.training.final import merge_final

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


@dataclass(frozen=True)
class Job:
    """A policy the study judges: an offline run of the grid, or a round of the iterative arm."""

    loss: str
    beta: float | None
    seed: int
    run: Path  # its training run's dir
    round: int | None = None  # the iterative arm's round; None: the offline arm


def train_overrides(cfg: DictConfig, data_dir: Path) -> list[str]:
    """The `rpo_exp.train` overrides every offline run shares: the data, the budget, the
    study's model choice and `study.train`."""
    on = cfg.onpolicy
    return [
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


def train(cfg: DictConfig, data_dir: Path, runs: Path) -> list[Job]:
    """Every run of the grid, trained by one `python -m rpo_exp.train -m` sweep per loss (a
    loss whose runs all have `final/` is skipped). A job that fails (diverges) ends its sweep:
    the jobs after it then run one by one, so that one failure costs no other run. Returns the
    grid's jobs in order; a failed one has no `final/`."""
    common = train_overrides(cfg, data_dir)
    train_cli = [sys.executable, "-m", "rpo_exp.train"]
    jobs = []
    for loss in cfg.study.losses:
        grid = [(b, s) for b in betas_of(cfg, loss) for s in cfg.study.seeds]
        expected = {job: runs / loss / study_run_name(loss, *job) for job in grid}
        jobs += [Job(loss, beta, seed, run) for (beta, seed), run in expected.items()]
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


def iterate_config(cfg: DictConfig, seed: int) -> DictConfig:
    """The `rpo_exp.iterate` config of the iterative arm's `seed`: the study's model, prompts,
    reward and sampling, `study.iterative`'s loss, beta, rounds and reference, and the offline
    runs' budget and training settings in every round."""
    arm = cfg.study.iterative
    it_cfg = cfg.copy()
    with open_dict(it_cfg):
        for key in ("study", "eval"):
            del it_cfg[key]
        it_cfg.rounds, it_cfg.seed = arm.rounds, seed
        beta = [] if arm.beta is None else [f"loss.beta={arm.beta}"]
        it_cfg.iterate = {
            "loss": arm.loss,
            "reference": arm.reference,
            "steps": cfg.study.steps,
            "prompts_per_step": cfg.study.prompts_per_step,
            "train": ["experiment=study", *beta, "peft.merge=true", *cfg.study.train],
        }
    return it_cfg


def adopt_offline_run(cfg: DictConfig, offline: Path, data_dir: Path, rounds: Path) -> None:
    """Round 1 of an iteration is the offline run of its loss, beta and seed: the same data
    (sampled from the initial policy with `onpolicy.seed`) and the same training. Both are
    linked into `rounds/round_1/` instead of repeated, with the run's adapter merged once into
    its `final_merged/` (the full weights round 2 samples from and trains). A failed offline
    run is not linked: the iteration then trains its round 1 itself, on the linked data."""
    first = rounds / "round_1"
    first.mkdir(parents=True, exist_ok=True)
    if not (first / "data").exists():
        (first / "data").symlink_to(os.path.relpath(data_dir, first))
    if not (offline / "final").is_dir() or (first / "run").exists():
        return
    adapter = (offline / "final" / "adapter_config.json").is_file()
    if adapter and not (offline / "final_merged").is_dir():
        merge_final(offline, DTYPES[cfg.model.dtype])
    (first / "run").symlink_to(os.path.relpath(offline, first))  # the study dir may move


def iterative_arm(cfg: DictConfig, data_dir: Path, out: Path) -> list[Job]:
    """Every round of the iterative arm, per seed of `study.seeds` in
    `out/iterative/<loss>_beta<b>_seed<s>/` (`rounds.csv` there as `rpo_exp.iterate` writes it). An
    iteration that fails is logged and costs no other; its unfinished rounds have no
    `final/`. Returns the rounds' jobs in order."""
    arm = cfg.study.iterative
    jobs = []
    for seed in cfg.study.seeds:
        name = study_run_name(arm.loss, arm.beta, seed)
        rounds = out / "iterative" / name
        adopt_offline_run(cfg, out / "runs" / arm.loss / name, data_dir, rounds)
        try:
            iterate(iterate_config(cfg, seed), rounds).to_csv(rounds / "rounds.csv", index=False)
        except Exception:  # as a failed sweep job: logged, the other seeds still run
            log.exception("the iterative arm's %s failed: see %s", name, rounds)
        jobs += [
            Job(arm.loss, arm.beta, seed, rounds / f"round_{r}" / "run", r)
            for r in range(1, arm.rounds + 1)
        ]
    return jobs


def evaluate_runs(cfg: DictConfig, jobs: list[Job], data_dir: Path, out: Path) -> pd.DataFrame:
    """`judge=reward eval.against=initial` (and `eval.kl`) for every finished run, all on the
    study's held-out prompts and against the study's initial policy (an iterative round's own
    start is the previous round's policy); a row per run, a failed one with `status` "failed"
    and no figures."""
    judge_cfg = OmegaConf.create({"name": "reward", "reward": cfg.reward})
    judge = RewardJudge(judge_cfg)
    dataset = compose("config", overrides=train_overrides(cfg, data_dir)).dataset
    rows = []
    for job in jobs:
        row = {"run": str(job.run.relative_to(out)), "loss": job.loss, "beta": job.beta}
        row |= {"seed": job.seed, "round": job.round}
        row["status"] = "finished" if (job.run / "final").is_dir() else "failed"
        if row["status"] == "finished":
            run = job.run.resolve()  # an adopted round 1: the offline run, evaluated once
            eval_cfg = OmegaConf.create(
                {"run_dir": str(run), "model": None, "dataset": dataset, "judge": judge_cfg}
            )
            eval_cfg.eval = OmegaConf.to_container(cfg.eval, resolve=True)
            result = evaluate(eval_cfg, run / "eval", judge, initial=cfg.model)
            row |= {key: result[key] for key in FIGURES}
        rows.append(row)
        log.info("%s", row)
    return pd.DataFrame(rows).astype({"round": "Int64"})


def verdicts(run: Path) -> dict[int, float]:
    """Held-out prompt index -> the run's verdict against the initial policy's sample."""
    lines = (run / "eval" / f"{RESULT.replace('win_rate', 'judgments')}.jsonl").open()
    return {r["index"]: r["verdict"] for r in map(json.loads, lines)}


def summarize(table: pd.DataFrame, out: Path, cfg: DictConfig) -> pd.DataFrame:
    """Per (loss, beta, round): means over seeds and their standard deviation (the seed spread), the
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
            "round": None,
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
    groups = table.groupby(["loss", "beta", "round"], dropna=False, sort=False)
    for (loss, beta, round_), every in groups:
        beta = None if pd.isna(beta) else beta
        round_ = None if pd.isna(round_) else int(round_)
        group = every[every["status"] == "finished"]
        if group.empty:
            rows.append(
                {"loss": loss, "beta": beta, "round": round_, "seeds": 0, "failed": len(every)}
            )
            continue
        per_prompt = {}
        for run in group["run"]:
            for index, verdict in verdicts(out / run).items():
                per_prompt.setdefault(index, []).append(verdict)
        pooled = win_rate(list(per_prompt.values()), cfg.eval.bootstrap, cfg.eval.seed)
        rows.append(
            {
                "loss": loss,
                "beta": beta,
                "round": round_,
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
    return pd.DataFrame(rows).astype({"round": "Int64"})


def spread(values: pd.Series) -> float:
    """The standard deviation over seeds (0 for a single seed)."""
    return statistics.stdev(values) if len(values) > 1 else 0.0


def plot_frontier(summary: pd.DataFrame, table: pd.DataFrame, path: Path, title: str) -> None:
    """Mean reward against KL(policy || initial): per method its betas joined by a line (mean
    over seeds, bars: the seed spread), each seed a faint dot, the initial policy a star; the
    iterative arm's rounds a dashed path from the star, each round marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5))
    start = summary[summary["loss"] == "initial"].iloc[0]
    ax.scatter([0], [start["reward"]], marker="*", s=180, color="k", zorder=4, label="initial")
    offline = summary[(summary["loss"] != "initial") & summary["round"].isna()]
    colors = {loss: f"C{n}" for n, loss in enumerate(offline["loss"].unique())}
    for loss, points in offline.groupby("loss", sort=False):
        points = points.sort_values("kl")
        betas = ", ".join(f"{b:g}" for b in points["beta"].dropna().sort_values())
        label = f"{loss} (beta {betas})" if betas else loss
        bars = {"xerr": points["kl_sd"], "yerr": points["reward_sd"], "capsize": 3}
        ax.errorbar(points["kl"], points["reward"], marker="o", color=colors[loss], label=label,
                    **bars)  # fmt: skip
        seeds = table[(table["loss"] == loss) & table["round"].isna()]
        ax.scatter(seeds["kl"], seeds["mean_reward"], color=colors[loss], alpha=0.3, s=12)
    for loss, points in summary[summary["round"].notna()].groupby("loss", sort=False):
        color = colors.get(loss, f"C{len(colors)}")
        points = points.sort_values("round")
        path_kl, path_reward = [0.0, *points["kl"]], [start["reward"], *points["reward"]]
        ax.plot(path_kl, path_reward, linestyle="--", color=color, alpha=0.8)
        beta = points["beta"].iloc[0]
        strength = "" if pd.isna(beta) else f"beta {beta:g}, "
        rounds = f"rounds {points['round'].min()}-{points['round'].max()}"
        label = f"{loss} iterative ({strength}{rounds})"
        bars = {"xerr": points["kl_sd"], "yerr": points["reward_sd"], "capsize": 3}
        ax.errorbar(points["kl"], points["reward"], marker="s", color=color, linestyle="none",
                    label=label, **bars)  # fmt: skip
        for point in points.itertuples():
            ax.annotate(f"r{point.round:g}", (point.kl, point.reward), xytext=(4, 4),
                        textcoords="offset points", fontsize=8, color=color)  # fmt: skip
        seeds = table[(table["loss"] == loss) & table["round"].notna()]
        ax.scatter(seeds["kl"], seeds["mean_reward"], color=color, alpha=0.3, s=12, marker="s")
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
    if cfg.study.iterative.rounds and cfg.study.seeds:
        try:
            check_iterate(iterate_config(cfg, cfg.study.seeds[0]))
        except ConfigError as err:
            raise ConfigError(f"study.iterative (the iterative arm's rounds): {err}") from None
    data_dir = out / "data"
    ensure(cfg, data_dir)
    jobs = train(cfg, data_dir, out / "runs")
    if cfg.study.iterative.rounds:
        jobs += iterative_arm(cfg, data_dir, out)
    table = evaluate_runs(cfg, jobs, data_dir, out)
    table.to_csv(out / "study.csv", index=False)
    summary = summarize(table, out, cfg)
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
