"""Sampling responses (paper Table 6: temperature 0 = greedy): transformers' `generate` in
batches with the KV cache (`eval.engine=hf`), or vLLM (`eval.engine=vllm`, `vllm_engine`).
Both engines take the same prompt token ids (`prompt_ids`) and return token ids, decoded and
cut at the stop strings in one place (`generate`)."""

from __future__ import annotations

import torch
from omegaconf import DictConfig
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from rpo_exp.common.errors import ConfigError
from rpo_exp.data.records import Prompt
from rpo_exp.data.rendering import rendered_prompt
from rpo_exp.evaluation.vllm_engine import VLLM, until_eos, vllm_runner


def cut_at_stop(text: str, stops: list[str]) -> str:
    """`text` up to the first stop string (e.g. the next "\\n\\nHuman:" turn of an HH dialogue)."""
    ends = [i for i in (text.find(s) for s in stops) if i >= 0]
    return text[: min(ends)] if ends else text


def prompt_ids(
    prompt: Prompt, tokenizer: PreTrainedTokenizerBase, cfg: DictConfig, prompt_format: str
) -> list[int]:
    """The prompt rendered as in training, cut from the left to `eval.max_prompt_length`."""
    text, special = rendered_prompt(prompt, tokenizer, prompt_format)
    return tokenizer(text, add_special_tokens=special)["input_ids"][-cfg.max_prompt_length :]


@torch.no_grad()
def hf_continuations(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    encoded: list[list[int]],
    cfg: DictConfig,
) -> list[list[int]]:
    """transformers' `generate` on prompt ids, left-padded in batches of `eval.batch_size`;
    greedy when `eval.temperature` is 0, else sampled (seeded by `eval.seed`); each
    continuation up to (without) EOS."""
    torch.manual_seed(cfg.seed)
    model.eval()
    device = model.device
    pad, eos = tokenizer.pad_token_id, tokenizer.eos_token_id
    sample = cfg.temperature > 0
    options = {"do_sample": sample, "max_new_tokens": cfg.max_new_tokens, "use_cache": True}
    if sample:
        options |= {"temperature": cfg.temperature, "top_p": cfg.top_p}
    continued = []
    for start in tqdm(range(0, len(encoded), cfg.batch_size), desc="generate"):
        batch = encoded[start : start + cfg.batch_size]
        width = max(map(len, batch))
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attention_mask = torch.zeros_like(input_ids)
        for row, ids in enumerate(batch):
            input_ids[row, width - len(ids) :] = torch.tensor(ids)
            attention_mask[row, width - len(ids) :] = 1
        output = model.generate(
            input_ids=input_ids.to(device),
            attention_mask=attention_mask.to(device),
            pad_token_id=pad,
            eos_token_id=eos,
            **options,
        )
        continued += [until_eos(row.tolist(), eos) for row in output[:, width:]]
    return continued


Engine = PreTrainedModel | VLLM  # eval.engine=hf: the loaded model; vllm: its weights


def continuations(
    engine: Engine, tokenizer: PreTrainedTokenizerBase, encoded: list[list[int]], cfg: DictConfig
) -> list[list[int]]:
    """Each prompt's (`prompt_ids`) continuation token ids up to EOS, from either engine with
    the same settings."""
    if isinstance(engine, VLLM):
        return engine.continuations(encoded, tokenizer.eos_token_id, cfg)
    return hf_continuations(engine, tokenizer, encoded, cfg)


def generate(
    engine: Engine,
    tokenizer: PreTrainedTokenizerBase,
    prompts: list[Prompt],
    cfg: DictConfig,
    prompt_format: str = "raw",
) -> list[str]:
    """One response per prompt: rendered as in training and cut from the left to
    `eval.max_prompt_length` tokens (`prompt_ids`), continued (`continuations`), decoded
    without special tokens and cut at `eval.stop`."""
    encoded = [prompt_ids(p, tokenizer, cfg, prompt_format) for p in prompts]
    stops = list(cfg.stop)
    return [
        cut_at_stop(tokenizer.decode(ids, skip_special_tokens=True), stops)
        for ids in continuations(engine, tokenizer, encoded, cfg)
    ]


ENGINES = ("hf", "vllm")


def check_engine(cfg: DictConfig, group: str = "eval") -> None:
    """Refuse, before anything loads, an `<group>.engine` this machine cannot run (for vllm: no
    vLLM here nor in a vLLM environment, `vllm_engine.vllm_runner`)."""
    engine = cfg.get("engine", "hf")
    if engine not in ENGINES:
        raise ConfigError(f"{group}.engine={engine}: must be one of {', '.join(ENGINES)}")
    if engine == "vllm":
        vllm_runner()
