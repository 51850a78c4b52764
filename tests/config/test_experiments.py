"""conf/experiment/: every paper table's sweep, job by job, as Hydra's basic sweeper expands it.

Each job is composed and checked with `rpo_exp.config.validation.validate`, so every run of every
sweep is
known to be valid before a GPU is asked for; the tiny CPU form in each YAML's header is expanded
the same way, and one tiny multirun runs end to end.
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hydra import compose, initialize_config_dir
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf

from rpo_exp.config.validation import validate
from tests.helpers import CONF, ROOT
from tests.training.test_tracking import read_offline_run

EXPERIMENTS = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml"))
PAPER = {"trainer.batch_size": 64, "trainer.lr": 5e-7, "trainer.optimizer": "rmsprop"}
PAPER |= {"trainer.epochs": 1, "trainer.max_steps": None, "trainer.max_prompt_length": 256}
PAPER |= {"trainer.max_length": 512, "embedder.name": "minilm"}
PAPER |= {"protocol.contrast_block": 8}
PAPER |= {"protocol.name": "released"}  # the authors' released code (docs/reproducing.md)


def without(settings: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k not in keys}


@dataclass(frozen=True)
class Table:
    """What a paper table's sweep must hold: `settings` in every job, and one job per `rows`
    entry, a row being the values of `keys` (None where a job's config lacks the key)."""

    settings: dict[str, Any]
    keys: tuple[str, ...]
    rows: set[tuple] = field(default_factory=set)


BETAS = (0.1, 0.5, 0.8)
SWEPO = [("swepo", v, p) for v in ("dynamic", "one_vs_k") for p in (0, 1, 2)]
SWEPO += [(loss, None, None) for loss in ("dpo", "dpo_top_vs_rest", "dpo_all_pairs", "infonca")]
PAIRED = [("hh", m) for m in ("llama2_7b", "llama2_13b", "mistral_7b")] + [("tldr", "mistral_7b")]
TABLES = {
    "rpo_weighting": Table(
        PAPER
        | {"model.name": "mistral_7b", "dataset.name": "hh", "loss.name": "rpo"}
        | {
            "loss.alpha": 0.8,
            "loss.tau": 0.5,
            "loss.beta": 0.1,
            "dataset.prompt_format": "released",
        },
        ("loss.weighting", "loss.weight_scale", "loss.weights_on"),
        # the released trainers' variants: uniform weighs 1 per entry, diagonal the pair losses
        {
            ("uniform", "mean_one", "logit"),
            ("diagonal", "row", "loss"),
            ("embedding", "row", "logit"),
        },
    ),
    "rpo_embedder_tau": Table(
        without(PAPER, "embedder.name")
        | {"model.name": "llama2_7b", "dataset.name": "hh", "loss.name": "rpo"}
        | {"loss.weighting": "embedding", "dataset.prompt_format": "released"},
        ("embedder.name", "loss.tau"),
        set(itertools.product(("minilm", "sentence_t5_large", "distilroberta"), (0.25, 0.5, 0.75))),
    ),
    "paired_baselines": Table(
        PAPER,
        ("dataset.name", "model.name", "loss.name", "loss.tau", "dataset.prompt_format"),
        {
            (d, m, loss, 0.5 if loss == "rpo" else None, "released" if d == "hh" else None)
            for d, m in PAIRED
            for loss in ("sft", "ipo", "dpo", "kto", "rpo")
        },
    ),
    "unpaired_capybara": Table(
        PAPER | {"model.name": "llama3_8b_instruct", "dataset.name": "capybara"},
        ("loss.name", "loss.tau"),
        {("kto", None), ("rpo", 0.5)},  # the released unpaired config's tau (paper: 0.75)
    ),
    "simpo_rpo_tau": Table(
        PAPER
        | {"trainer.lr": 1e-6, "loss.beta": 10.0, "loss.gamma_beta_ratio": 0.3}
        | {"model.name": "llama3_8b_instruct", "dataset.name": "ultrafeedback_armorm"}
        | {"dataset.pairing": "best_vs_worst"},
        ("loss.name", "loss.tau", "loss.weighting"),
        {("simpo", None, None)} | {("simpo_rpo", t, "embedding") for t in (0.25, 0.5, 0.8)},
    ),
    "instruct_baselines": Table(  # RPO paper App. B Table 5: each loss at its own lr and beta
        without(PAPER, "trainer.lr")
        | {"model.name": "llama3_8b_instruct", "dataset.name": "ultrafeedback_armorm"}
        | {"dataset.pairing": "best_vs_worst"},
        ("loss.name", "trainer.lr", "loss.beta", "loss.gamma_beta_ratio", "loss.tau"),
        {
            ("dpo", 3e-7, 0.01, None, None),
            ("kto", 5e-7, 0.01, None, None),
            ("ipo", 7e-7, 0.5, None, None),
            ("cpo", 6e-7, 0.05, None, None),
            ("simpo", 1e-6, 10.0, 0.3, None),
            ("rpo", 7e-7, 0.01, None, 0.5),
        },
    ),
    "beta_ablation": Table(
        PAPER | {"model.name": "mistral_7b", "dataset.name": "hh"},
        ("loss.name", "loss.beta", "loss.tau"),
        {
            (loss, b, 0.5 if loss == "rpo" else None)
            for loss in ("dpo", "kto", "rpo")
            for b in BETAS
        },
    ),
    "batch_size_ablation": Table(
        without(PAPER, "trainer.batch_size", "protocol.contrast_block")
        | {"model.name": "mistral_7b", "dataset.name": "hh", "loss.gather": True},
        ("loss.name", "trainer.batch_size", "protocol.contrast_block"),
        {(loss, b, b // 8) for loss in ("dpo", "rpo") for b in (16, 32, 64)},
    ),
    "swepo_table": Table(
        without(PAPER, "protocol.contrast_block")
        | {"dataset.name": "ultrafeedback", "dataset.pairing": "best_vs_random"}
        | {"protocol.name": "paper"},  # SWEPO: no released RPO code applies
        ("model.name", "loss.name", "loss.variant", "loss.p"),
        {(m, *row) for m in ("mistral_7b", "llama3_8b") for row in SWEPO},
    ),
    # not a paper table: the training side of `make study` (README, "The reward-KL frontier
    # study"), every method at its default beta; the study sets the betas per loss
    "study": Table(
        {"model.name": "smollm2_135m", "dataset.name": "scored", "peft.name": "lora"}
        | {"embedder.name": "minilm", "logger.name": "none", "trainer.lr": 1e-4}
        | {"trainer.batch_size": 8, "trainer.max_steps": 10, "trainer.max_prompt_length": 48},
        ("loss.name", "seed"),
        set(
            itertools.product(
                ("sft", "dpo", "ipo", "kto", "rpo", "simpo", "swepo", "infonca"), (0, 1, 2)
            )
        ),
    ),
}


def sweep_jobs(*cli: str, hydra: bool = False) -> list[DictConfig]:
    """The composed config of every job of `python -m rpo_exp.train -m *cli`, expanded as
    Hydra 1.3's basic sweeper does: `hydra.sweeper.params`, then the command line's overrides
    (a key given on both is the command line's), as a cartesian product. `hydra`: with each
    job's `hydra` node (its job number set, as the launcher does)."""
    parser = OverridesParser.create()
    fixed = [o.input_line for o in parser.parse_overrides(list(cli)) if not o.is_sweep_override()]
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        base = compose(config_name="config", overrides=fixed, return_hydra_config=True)
        params = [f"{key}={value}" for key, value in base.hydra.sweeper.params.items()]
        overrides = parser.parse_overrides([*params, *cli])
        (batch,) = BasicSweeper.split_arguments(overrides, None)
        jobs = [compose("config", list(job), return_hydra_config=hydra) for job in batch]
    for num, cfg in enumerate(jobs if hydra else []):
        cfg.hydra.job.num = num
    return jobs


def row(cfg: DictConfig, keys: tuple[str, ...]) -> tuple:
    return tuple(OmegaConf.select(cfg, key, default=None) for key in keys)


def test_every_experiment_has_a_table() -> None:
    assert sorted(TABLES) == EXPERIMENTS


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_sweep_runs_the_papers_jobs_each_valid(name: str) -> None:
    table = TABLES[name]
    jobs = sweep_jobs(f"experiment={name}")
    assert len(jobs) == len(table.rows)  # no job twice
    assert {row(cfg, table.keys) for cfg in jobs} == table.rows
    for cfg in jobs:
        assert cfg.experiment == name
        settings = {k: OmegaConf.select(cfg, k, default=None) for k in table.settings}
        assert settings == table.settings, cfg.loss.name
        validate(cfg)  # raises ConfigError on a bad loss/data/key combination


def tiny_form(name: str) -> tuple[int, list[str]]:
    """(jobs, overrides) of the tiny CPU command in the experiment's header comment: the
    first `python -m rpo_exp.train -m` line after `# Tiny CPU form (N jobs`, with its `\\`
    continuation lines."""
    lines = (CONF / "experiment" / f"{name}.yaml").read_text().split("\ndefaults:")[0]
    lines = [line.removeprefix("#").strip() for line in lines.splitlines()]
    starts = [i for i, line in enumerate(lines) if line.startswith("Tiny CPU form (")]
    assert len(starts) == 1, f"{name}.yaml: no single '# Tiny CPU form (N jobs...' line"
    match = re.match(r"Tiny CPU form \((\d+) jobs", lines[starts[0]])
    assert match, lines[starts[0]]
    first = next(i for i in range(starts[0], len(lines)) if lines[i].startswith("python -m"))
    command = [lines[first]]
    while command[-1].endswith("\\"):
        command[-1] = command[-1].removesuffix("\\")
        command.append(lines[first + len(command)])
    words = shlex.split(" ".join(command))
    assert words[:4] == ["python", "-m", "rpo_exp.train", "-m"], words
    return int(match[1]), words[4:]


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_documented_tiny_form_runs_tiny_valid_distinct_jobs(name: str) -> None:
    count, overrides = tiny_form(name)
    assert f"experiment={name}" in overrides
    jobs = sweep_jobs(*overrides)
    assert len(jobs) == count
    for cfg in jobs:
        assert cfg.model.name == "tiny_llama" and cfg.dataset.name.endswith("_sample")
        assert cfg.embedder.name in ("minilm", "mpnet", "sre_minilm")  # offline embedders
        assert cfg.logger.name == "none"
        validate(cfg)
    resolved = [json.dumps(OmegaConf.to_container(c, resolve=True), sort_keys=True) for c in jobs]
    assert len(set(resolved)) == len(jobs)  # every job differs: no sweep axis was flattened


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_each_job_gets_its_own_flat_dir(name: str) -> None:
    """Distinct job dirs directly under the sweep dir: a '/' (a nested group's key in
    override_dirname) would nest them and hide their summary.json from `SWEEP/*/`."""
    jobs = sweep_jobs(*tiny_form(name)[1], hydra=True)
    subdirs = [cfg.hydra.sweep.subdir for cfg in jobs]
    assert all("/" not in subdir for subdir in subdirs), subdirs
    assert len(set(subdirs)) == len(jobs)


def test_command_line_key_replaces_the_experiments_sweep_of_it() -> None:
    jobs = sweep_jobs("experiment=rpo_embedder_tau", "embedder=minilm", "loss.tau=0.5,0.75")
    assert [(c.embedder.name, c.loss.tau) for c in jobs] == [("minilm", 0.5), ("minilm", 0.75)]


def test_cli_prints_the_composed_experiment() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rpo_exp.train", "experiment=simpo_rpo_tau", "--cfg", "all"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    cfg = OmegaConf.create(result.stdout)
    assert cfg.experiment == "simpo_rpo_tau"
    assert (cfg.loss.name, cfg.model.name) == ("simpo", "llama3_8b_instruct")
    assert cfg.hydra.sweeper.params["experiment/arm"].split(",") == [
        "simpo",
        "simpo_rpo_tau0.25",
        "simpo_rpo_tau0.5",
        "simpo_rpo_tau0.8",
    ]


def test_tiny_multirun_end_to_end_one_wandb_group(tmp_path: Path) -> None:
    """beta_ablation restricted to RPO at two betas: two real jobs, each with its summary and
    an offline wandb run in the experiment's group."""
    sweep = tmp_path / "sweep"
    overrides = ["experiment=beta_ablation", "model=tiny_llama", "dataset=hh_sample"]
    overrides += ["trainer=default", "trainer.max_steps=1", "logger=wandb"]
    overrides += ["loss=rpo", "loss.beta=0.1,0.8", f"hydra.sweep.dir={sweep}"]
    result = subprocess.run(
        [sys.executable, "-m", "rpo_exp.train", "-m", *overrides],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = sorted(d for d in sweep.iterdir() if d.is_dir())
    assert [d.name.split("_", 1)[0] for d in jobs] == ["0", "1"]
    betas = []
    for job in jobs:
        summary = json.loads((job / "summary.json").read_text())
        assert "eval/loss" in summary["after"]
        cfg = OmegaConf.load(job / ".hydra" / "config.yaml")
        betas.append(cfg.loss.beta)
        assert cfg.experiment == "beta_ablation"
        run = read_offline_run(job)
        assert (run["group"], run["job_type"]) == ("beta_ablation", "rpo")
        assert run["name"] == job.name.split("_", 1)[1]  # the job's override_dirname
        assert "experiment:beta_ablation" in run["tags"]
        assert run["config"]["loss"]["beta"] == cfg.loss.beta
    assert betas == [0.1, 0.8]
