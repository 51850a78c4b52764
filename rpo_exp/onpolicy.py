"""`python -m rpo_exp.onpolicy model=... dataset=... reward=... onpolicy.k=4`: on-policy data.

Each distinct prompt of the dataset's train and test splits gets `onpolicy.k` responses sampled
from the model (rendered as it reads prompts, `dataset.prompt_format`), each scored by the
reward; written in the `scored` format (`dataset=scored`: prompt, completions, scores) as
`<out>/train.jsonl` and `<out>/test.jsonl`, with `<out>/record.json` (model, dataset, sampling
settings, reward, seed, counts); `onpolicy.engine=vllm` samples with vLLM. Any loss trains on
it: grouped losses directly, pairwise ones through `dataset.pairing`, `loss=kto`/unpaired RPO
through the existing conversions:

    python -m rpo_exp.train dataset=scored dataset.path=<out>/train.jsonl \\
        dataset.test_path=<out>/test.jsonl loss=swepo

An output dir that already holds data is never replaced without a word: data of exactly this
config (its record.json) is reused, anything else is refused unless `onpolicy.overwrite=true`.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.choice import distinct_choice
from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.common.files import write_text
from rpo_exp.config.entry import command
from rpo_exp.config.validation import check_sampling_command
from rpo_exp.data.loading import load_split
from rpo_exp.data.records import Prompt
from rpo_exp.data.rendering import prompt_format
from rpo_exp.evaluation.generation import check_engine, generate
from rpo_exp.evaluation.pipeline import Policy, engine_for
from rpo_exp.evaluation.rewards import load_reward
from rpo_exp.modeling.models import load_tokenizer

log = logging.getLogger("rpo_exp.onpolicy")
SPLITS = ("train", "test")
OUTPUTS = ("record.json", "train.jsonl", "test.jsonl")
PENDING = ".onpolicy-pending.json"  # the settings of a build under way (or killed)


def settings(cfg: DictConfig) -> dict:
    """What determines the data: model, dataset (the prompts), sampling settings and reward."""
    sampling = OmegaConf.to_container(cfg.onpolicy, resolve=True)
    sampling.pop("overwrite", None)  # how to treat old data, not what the data is
    return {
        "model": OmegaConf.to_container(cfg.model, resolve=True),
        "dataset": OmegaConf.to_container(cfg.dataset, resolve=True),
        "sampling": sampling,
        "reward_config": OmegaConf.to_container(cfg.reward, resolve=True),
    }


def _differing(have: dict, want: dict) -> list[str]:
    """The keys (`section.key`) whose values differ between two `settings`."""
    keys = []
    for section, value in want.items():
        old = have.get(section)
        if isinstance(value, dict) and isinstance(old, dict):
            old = {k: v for k, v in old.items() if k != "overwrite"}
            keys += [f"{section}.{k}" for k in sorted(value.keys() | old.keys())
                     if value.get(k) != old.get(k)]  # fmt: skip
        elif value != old:
            keys.append(section)
    return keys


def _read(path: Path) -> dict:
    try:
        found = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def reusable(cfg: DictConfig, out: Path) -> bool:
    """Whether `out` already holds the complete data of exactly this config (reuse it). False
    where it holds none, or an unfinished build of this config, or `onpolicy.overwrite` is
    set; a ConfigError naming `out` where it holds other data."""
    held = [name for name in OUTPUTS if (out / name).exists()]
    if not held:
        return False
    if cfg.onpolicy.get("overwrite"):
        log.warning("onpolicy.overwrite=true: replacing the data in %s", out)
        return False
    want, record = settings(cfg), _read(out / "record.json")
    if record and not _differing(record, want):
        return True
    pending = _read(out / PENDING)
    if not record and pending and not _differing(pending, want):
        return False  # this config, stopped before it finished: sampled again
    if record:
        what = f"the on-policy data of another config ({', '.join(_differing(record, want))})"
    else:
        what = f"data ({', '.join(held)}) that no finished build of this config wrote"
    raise ConfigError(
        f"{out} already holds {what}: refusing to replace it; set onpolicy.overwrite=true to "
        "replace it, or give another hydra.run.dir"
    )


def distinct_prompts(dataset: DictConfig, split: str, limit: int | None) -> list[Prompt]:
    """The split's prompts, each once, in order; at most `limit`."""
    prompts = [example.prompt for example in load_split(dataset, split).examples]
    return [prompts[i] for i in distinct_choice(prompts, limit, seed=None)]


def as_json(prompt: Prompt):
    """A prompt as the `scored` format holds it: text, or chat messages."""
    if isinstance(prompt, str):
        return prompt
    return [{"role": role, "content": content} for role, content in prompt]


def sample_split(engine, tokenizer, reward, prompts: list[Prompt], cfg: DictConfig, fmt: str):
    """(rows of the `scored` format: `cfg.k` sampled responses of each prompt, scored; the
    number of prompts dropped for having fewer than 2 non-empty samples)."""
    repeated = [p for p in prompts for _ in range(cfg.k)]
    responses = generate(engine, tokenizer, repeated, cfg, fmt)
    scores = reward(repeated, responses)
    rows, dropped = [], 0
    for i, prompt in enumerate(prompts):
        part = range(i * cfg.k, (i + 1) * cfg.k)
        kept = [j for j in part if responses[j].strip()]  # an empty sample is no response
        if len(kept) < 2:
            dropped += 1
            continue
        rows.append({"prompt": as_json(prompt), "completions": [responses[j] for j in kept],
                     "scores": [scores[j] for j in kept]})  # fmt: skip
    return rows, dropped


def build(cfg: DictConfig, out: Path) -> dict:
    """Sample and score both splits into `out` (`cfg` checked by
    `rpo_exp.config.validation.check_sampling_command`); returns the record written to
    record.json."""
    on = cfg.onpolicy
    started = time.time()
    tokenizer = load_tokenizer(cfg.model)
    engine = engine_for(Policy(cfg.model, "onpolicy", seed=on.seed), tokenizer, on)
    reward = load_reward(cfg.reward)
    fmt = prompt_format(cfg.dataset, cfg.model)
    counts = {}
    out.mkdir(parents=True, exist_ok=True)
    (out / "record.json").unlink(missing_ok=True)  # no record of other data beside new data
    write_text(out / PENDING, json.dumps(settings(cfg)))
    for split in SPLITS:
        limit = on.max_prompts if split == "train" else on.get("max_test_prompts") or on.max_prompts
        prompts = distinct_prompts(cfg.dataset, split, limit)
        if not prompts:
            raise DataError(f"dataset {cfg.dataset.name} ({split}): no prompts")
        rows, dropped = sample_split(engine, tokenizer, reward, prompts, on, fmt)
        if not rows:
            raise DataError(f"{split}: no prompt got 2 non-empty responses; raise max_new_tokens")
        write_text(out / f"{split}.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
        counts[split] = len(rows)
        if dropped:
            log.warning("%s: %d prompts dropped (fewer than 2 non-empty samples)", split, dropped)
        counts[f"{split}_dropped"] = dropped
        log.info("%s: %d prompts x %d responses", split, len(rows), on.k)
    record = settings(cfg) | {
        "prompt_format": fmt,
        "reward": reward.identity,
        "prompts": counts,
        "seconds": time.time() - started,
    }
    write_text(out / "record.json", json.dumps(record, indent=1))
    (out / PENDING).unlink()
    return record


def ensure(cfg: DictConfig, out: Path) -> dict:
    """The record of the on-policy data in `out`: built, unless `out` already holds that of
    exactly this config (`reusable`; other data there is refused unless
    `onpolicy.overwrite=true`)."""
    check_engine(cfg.onpolicy, "onpolicy")
    if reusable(cfg, out):
        log.info("%s already holds the on-policy data of this config: reused", out)
        return json.loads((out / "record.json").read_text())
    return build(cfg, out)


@command("onpolicy")
def main(cfg: DictConfig) -> None:
    out = Path(HydraConfig.get().runtime.output_dir)
    check_sampling_command(cfg, "onpolicy")
    record = ensure(cfg, out)
    print(f"on-policy data in {out}: {record['prompts']} prompts x {cfg.onpolicy.k} responses")
    print(f"train with: dataset=scored dataset.path={out}/train.jsonl "
          f"dataset.test_path={out}/test.jsonl")  # fmt: skip


if __name__ == "__main__":
    main()
