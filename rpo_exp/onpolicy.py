"""`python -m rpo_exp.onpolicy model=... dataset=... reward=... onpolicy.k=4`: on-policy data.

Each distinct prompt of the dataset's train and test splits gets `onpolicy.k` responses sampled
from the model (rendered as it reads prompts, `dataset.prompt_format`), each scored by the
reward; written in the `scored` format (`dataset=scored`: prompt, completions, scores) as
`<out>/train.jsonl` and `<out>/test.jsonl`, with `<out>/record.json` (model, dataset, sampling
settings, reward, seed, counts). Any loss trains on it: grouped losses directly, pairwise ones
through `dataset.pairing`, `loss=kto`/unpaired RPO through the existing conversions:

    python -m rpo_exp.train dataset=scored dataset.path=<out>/train.jsonl \\
        dataset.test_path=<out>/test.jsonl loss=swepo
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.cli import command
from rpo_exp.common.errors import DataError
from rpo_exp.common.files import write_text
from rpo_exp.config import check_sampling_command
from rpo_exp.data.loading import load_split
from rpo_exp.data.records import Prompt
from rpo_exp.data.rendering import prompt_format
from rpo_exp.evaluation.generation import generate
from rpo_exp.evaluation.rewards import load_reward
from rpo_exp.modeling.models import inference_model, load_tokenizer

log = logging.getLogger("rpo_exp.onpolicy")
SPLITS = ("train", "test")


def distinct_prompts(dataset: DictConfig, split: str, limit: int | None) -> list[Prompt]:
    """The split's prompts, each once, in order; at most `limit`."""
    seen, prompts = set(), []
    for example in load_split(dataset, split).examples:
        if example.prompt not in seen:
            seen.add(example.prompt)
            prompts.append(example.prompt)
    return prompts[:limit]


def as_json(prompt: Prompt):
    """A prompt as the `scored` format holds it: text, or chat messages."""
    if isinstance(prompt, str):
        return prompt
    return [{"role": role, "content": content} for role, content in prompt]


def sample_split(model, tokenizer, reward, prompts: list[Prompt], cfg: DictConfig, fmt: str):
    """(rows of the `scored` format: `cfg.k` sampled responses of each prompt, scored; the
    number of prompts dropped for having fewer than 2 non-empty samples)."""
    repeated = [p for p in prompts for _ in range(cfg.k)]
    responses = generate(model, tokenizer, repeated, cfg, fmt)
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
    `rpo_exp.config.check_sampling_command`); returns the record written to record.json."""
    on = cfg.onpolicy
    started = time.time()
    tokenizer = load_tokenizer(cfg.model)
    model = inference_model(cfg.model, len(tokenizer), on.seed)
    reward = load_reward(cfg.reward)
    fmt = prompt_format(cfg.dataset, cfg.model)
    counts = {}
    out.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        limit = on.max_prompts if split == "train" else on.get("max_test_prompts") or on.max_prompts
        prompts = distinct_prompts(cfg.dataset, split, limit)
        if not prompts:
            raise DataError(f"dataset {cfg.dataset.name} ({split}): no prompts")
        rows, dropped = sample_split(model, tokenizer, reward, prompts, on, fmt)
        if not rows:
            raise DataError(f"{split}: no prompt got 2 non-empty responses; raise max_new_tokens")
        write_text(out / f"{split}.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
        counts[split] = len(rows)
        if dropped:
            log.warning("%s: %d prompts dropped (fewer than 2 non-empty samples)", split, dropped)
        counts[f"{split}_dropped"] = dropped
        log.info("%s: %d prompts x %d responses", split, len(rows), on.k)
    record = {
        "model": OmegaConf.to_container(cfg.model, resolve=True),
        "dataset": OmegaConf.to_container(cfg.dataset, resolve=True),
        "prompt_format": fmt,
        "sampling": OmegaConf.to_container(on, resolve=True),
        "reward": reward.identity,
        "reward_config": OmegaConf.to_container(cfg.reward, resolve=True),
        "prompts": counts,
        "seconds": time.time() - started,
    }
    write_text(out / "record.json", json.dumps(record, indent=1))
    return record


@command("onpolicy")
def main(cfg: DictConfig) -> None:
    out = Path(HydraConfig.get().runtime.output_dir)
    check_sampling_command(cfg, "onpolicy")
    record = build(cfg, out)
    print(f"on-policy data in {out}: {record['prompts']} prompts x {cfg.onpolicy.k} responses")
    print(f"train with: dataset=scored dataset.path={out}/train.jsonl "
          f"dataset.test_path={out}/test.jsonl")  # fmt: skip


if __name__ == "__main__":
    main()
