"""Sampling responses (paper Table 6: temperature 0 = greedy): transformers' `generate` in
batches with the KV cache (`eval.engine=hf`), or vLLM (`eval.engine=vllm`, CUDA only)."""

from __future__ import annotations

import torch
from omegaconf import DictConfig
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from rpo_exp.common.errors import ConfigError, unmet
from rpo_exp.common.modeldir import check_model_dir
from rpo_exp.data.records import Prompt
from rpo_exp.data.rendering import rendered_prompt


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
def generate(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompts: list[Prompt],
    cfg: DictConfig,
    prompt_format: str = "raw",
) -> list[str]:
    """One response per prompt: prompts rendered as in training, cut from the left to
    `eval.max_prompt_length` tokens, left-padded in batches of `eval.batch_size`; greedy when
    `eval.temperature` is 0, else sampled (seeded by `eval.seed`); cut at `eval.stop`."""
    torch.manual_seed(cfg.seed)
    model.eval()
    device = model.device
    pad = tokenizer.pad_token_id
    sample = cfg.temperature > 0
    options = {"do_sample": sample, "max_new_tokens": cfg.max_new_tokens, "use_cache": True}
    if sample:
        options |= {"temperature": cfg.temperature, "top_p": cfg.top_p}
    responses = []
    for start in tqdm(range(0, len(prompts), cfg.batch_size), desc="generate"):
        batch = prompts[start : start + cfg.batch_size]
        encoded = [prompt_ids(p, tokenizer, cfg, prompt_format) for p in batch]
        width = max(map(len, encoded))
        input_ids = torch.full((len(encoded), width), pad, dtype=torch.long)
        attention_mask = torch.zeros_like(input_ids)
        for row, ids in enumerate(encoded):
            input_ids[row, width - len(ids) :] = torch.tensor(ids)
            attention_mask[row, width - len(ids) :] = 1
        output = model.generate(
            input_ids=input_ids.to(device),
            attention_mask=attention_mask.to(device),
            pad_token_id=pad,
            eos_token_id=tokenizer.eos_token_id,
            **options,
        )
        for row in output[:, width:]:
            text = tokenizer.decode(row, skip_special_tokens=True)
            responses.append(cut_at_stop(text, list(cfg.stop)))
    return responses


ENGINES = ("hf", "vllm")


def check_engine(cfg: DictConfig) -> None:
    """Refuse, before anything loads, an `eval.engine` this machine cannot run."""
    engine = cfg.get("engine", "hf")
    if engine not in ENGINES:
        raise ConfigError(f"eval.engine={engine}: must be one of {', '.join(ENGINES)}")
    missing = unmet(torch.cuda.is_available(), "vllm", "vllm") if engine == "vllm" else None
    if missing:
        raise ConfigError(
            f"eval.engine=vllm needs {missing} (pip install 'rpo_exp[vllm]' on a GPU machine); "
            "use eval.engine=hf"
        )


def generate_vllm(
    weights: str,
    dtype: str,
    tokenizer: PreTrainedTokenizerBase,
    prompts: list[Prompt],
    cfg: DictConfig,
    prompt_format: str = "raw",
) -> list[str]:
    """`generate`'s responses from vLLM: the same rendered, left-cut prompt ids, the same
    temperature, top-p, length and stop strings, seeded by `eval.seed`."""
    from vllm import LLM, SamplingParams

    check_model_dir(weights, "eval.engine=vllm: the weights")
    llm = LLM(model=weights, tokenizer=weights, dtype=dtype, seed=cfg.seed, trust_remote_code=False)
    params = SamplingParams(
        temperature=cfg.temperature,
        top_p=cfg.top_p if cfg.temperature > 0 else 1.0,
        max_tokens=cfg.max_new_tokens,
        stop=list(cfg.stop),
        seed=cfg.seed,
    )
    encoded = [{"prompt_token_ids": prompt_ids(p, tokenizer, cfg, prompt_format)} for p in prompts]
    return [out.outputs[0].text for out in llm.generate(encoded, params)]
