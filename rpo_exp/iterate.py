"""`python -m rpo_exp.iterate rounds=R [iterate.loss=dpo] [iterate.reference=initial|previous]`:
iterative on-policy rounds (docs/method.md, "Iterative on-policy rounds").

Round r = 1..R, in `<out>/round_<r>/`:

1. `data/`: `onpolicy.k` responses to each prompt of `dataset` sampled from the round's policy
   (round 1: `model`; then round r-1's `final/`) with seed `onpolicy.seed + r - 1`, scored by
   `reward` (`rpo_exp.onpolicy`; `onpolicy.engine=vllm` samples with vLLM);
2. `run/`: one training run of `iterate.loss` on that data (`dataset=scored`; pairwise losses
   through `dataset.pairing`) from the round's policy, `iterate.steps` steps of
   `iterate.prompts_per_step` prompts, with `iterate.train`'s overrides. Its reference is round
   1's policy (`iterate.reference=initial`: `reference=model`, unless `iterate.train` picks
   another `reference=`) or its own start (`previous`: `reference=initial`).

`rounds.csv` then holds a row per round: the reward of the samples of the policy it started
from (train and held-out prompts) and its run's evaluation before and after. A randomly
initialised `model` (`tiny_llama`) is drawn once with `seed` into `<out>/initial/`, so that
every round, and the reference, load from a directory.

A rerun into the same dir skips every finished round (its `summary.json`), reuses finished data,
and resumes an unfinished run from its newest checkpoint (`trainer.checkpoint_every`, set by
`iterate.train`) or restarts it.
"""

from __future__ import annotations

import json
import logging
import statistics
import tempfile
from pathlib import Path

import pandas as pd
from hydra import compose
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf, open_dict

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.files import atomic_dir
from rpo_exp.config.entry import command
from rpo_exp.config.validation import check_sampling_command, validate
from rpo_exp.modeling.models import inference_model, load_tokenizer, model_from
from rpo_exp.onpolicy import SPLITS, ensure
from rpo_exp.train import run
from rpo_exp.training.objective import Objective
from rpo_exp.training.runrecord import HydraRecord

log = logging.getLogger("rpo_exp.iterate")
INITIAL = "initial"  # <out>/initial/: a randomly initialised model's weights, drawn once


def first_policy(cfg: DictConfig, out: Path) -> DictConfig:
    """Round 1's `model`: `cfg.model`, or for a randomly initialised one its weights drawn with
    `seed` (as a training run draws them) and saved once in `<out>/initial/`."""
    if cfg.model.init_config is None:
        return cfg.model
    path = out / INITIAL
    if not (path / "config.json").is_file():
        tokenizer = load_tokenizer(cfg.model)
        model = inference_model(cfg.model, len(tokenizer), cfg.seed)
        with atomic_dir(path, replace=True) as tmp:
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
    return model_from(cfg.model, str(path))


def trained_policy(cfg: DictConfig, run_dir: Path) -> DictConfig:
    """The `model` a finished round hands on: its full weights (`final_merged/` of an adapter
    run, else `final/`)."""
    merged = run_dir / "final_merged"
    return model_from(cfg.model, str(merged if merged.is_dir() else run_dir / "final"))


def round_data_config(cfg: DictConfig, policy: DictConfig, index: int) -> DictConfig:
    """The `rpo_exp.onpolicy` config of round `index` (1-based): its policy, its sampling seed."""
    data_cfg = cfg.copy()
    with open_dict(data_cfg):
        data_cfg.model = policy
        data_cfg.onpolicy.seed = cfg.onpolicy.seed + index - 1
    return data_cfg


def round_train_config(
    cfg: DictConfig, policy: DictConfig, first: DictConfig, data_dir: Path, index: int
) -> tuple[DictConfig, DictConfig]:
    """(round `index`'s `rpo_exp.train` config, its `hydra:` node): `conf/config.yaml`
    composed with the round's data, loss, steps and reference, then `iterate.train`."""
    it, on = cfg.iterate, cfg.onpolicy
    steps = "null" if it.steps is None else it.steps
    overrides = [
        "dataset=scored",
        f"dataset.path={data_dir / 'train.jsonl'}",
        f"dataset.test_path={data_dir / 'test.jsonl'}",
        f"loss={it.loss}",
        f"protocol={cfg.protocol.name}",
        f"seed={cfg.seed}",
        f"trainer.max_steps={steps}",
        f"trainer.batch_size={it.prompts_per_step}",
        f"trainer.micro_batch_size={it.prompts_per_step}",
        f"trainer.max_prompt_length={on.max_prompt_length}",
        f"trainer.max_length={on.max_prompt_length + on.max_new_tokens + 8}",
        "hydra.job.name=train",
    ]
    try:
        composed = compose("config", overrides=[*overrides, *it.train], return_hydra_config=True)
    except HydraException as err:  # e.g. iterate.loss=bogus: Hydra's one-line reason
        raise ConfigError(
            f"iterate.loss={it.loss} / iterate.train={list(it.train)}: rpo_exp.train's config "
            f"does not compose with them: {str(err).split(chr(10) + 'Config search path')[0]}"
        ) from None
    with open_dict(composed):
        hydra = OmegaConf.create({"hydra": composed.pop("hydra")})
        composed.model = policy  # the round's start; iterate's model.* settings
    moved = it.reference == "initial" and index > 1 and composed.reference.name == "initial"
    if moved and Objective.from_config(composed.loss, composed.protocol).needs_reference:
        composed.reference.name, composed.reference.name_or_path = "model", first.name_or_path
    return composed, hydra


def check(cfg: DictConfig) -> None:
    """The iterate config, and round 1's training config, before anything loads."""
    check_sampling_command(cfg, "iterate")
    with tempfile.TemporaryDirectory() as data:  # the round's data exists once sampled
        for split in SPLITS:
            (Path(data) / f"{split}.jsonl").touch()
        train_cfg, _ = round_train_config(cfg, cfg.model, cfg.model, Path(data), 1)
        validate(train_cfg)
    if train_cfg.peft.name != "none" and not train_cfg.peft.merge:
        raise ConfigError(
            f"iterate.train has peft={train_cfg.peft.name}: the next round samples from and "
            "trains the full weights, so add 'peft.merge=true' (each round's final_merged/)"
        )


def mean_score(path: Path) -> float:
    """The mean reward of every sampled response in a `scored` file."""
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return statistics.fmean(s for row in rows for s in row["scores"])


def round_row(index: int, round_dir: Path, summary: dict) -> dict:
    """`rounds.csv`'s row of a finished round."""
    data = round_dir / "data"
    row = {"round": index, "run": str(round_dir / "run")}
    row |= {f"reward/{split}": mean_score(data / f"{split}.jsonl") for split in SPLITS}
    for when in ("before", "after"):
        row |= {f"{when}/{k}": v for k, v in summary[when].items()}
    return row


def iterate(cfg: DictConfig, out: Path) -> pd.DataFrame:
    """Every round of `cfg` in `out` (the module docstring); returns `rounds.csv`'s table."""
    first = first_policy(cfg, out)
    policy, rows = first, []
    for index in range(1, cfg.rounds + 1):
        round_dir = out / f"round_{index}"
        run_dir = round_dir / "run"
        summary_path = run_dir / "summary.json"
        if summary_path.is_file():
            log.info("round %d: finished, skipped", index)
        else:
            log.info("round %d: sampling from %s", index, policy.name_or_path)
            ensure(round_data_config(cfg, policy, index), round_dir / "data")
            train_cfg, hydra = round_train_config(cfg, policy, first, round_dir / "data", index)
            run_dir.mkdir(parents=True, exist_ok=True)
            log.info("round %d: training %s in %s", index, cfg.iterate.loss, run_dir)
            run(train_cfg, run_dir, f"round_{index}", HydraRecord(train_cfg, hydra))
        rows.append(round_row(index, round_dir, json.loads(summary_path.read_text())))
        policy = trained_policy(cfg, run_dir)
    return pd.DataFrame(rows)


@command("iterate")
def main(cfg: DictConfig) -> None:
    out = Path(HydraConfig.get().runtime.output_dir).resolve()
    check(cfg)
    table = iterate(cfg, out)
    table.to_csv(out / "rounds.csv", index=False)
    print(table.to_string(index=False))
    print(f"wrote {out / 'rounds.csv'}; the last round's policy: {out}/round_{cfg.rounds}/run")


if __name__ == "__main__":
    main()
