"""KL(policy || reference) estimated from the policy's own sampled responses, per prompt: the
log-ratio log pi(y|x) - log pi_ref(y|x) of each sampled y, which averages to the KL over
samples (an unbiased single-sample estimate per prompt), with its standard error over prompts.
Valid for sampled generations (`eval.temperature` > 0); greedy ones give the log-ratio of the
greedy response instead. The responses are re-tokenized from their text (an EOS the model
emitted is not counted)."""

from __future__ import annotations

import math
import statistics

import torch
from omegaconf import DictConfig
from transformers import PreTrainedTokenizerBase

from rpo_exp.data.records import Prompt
from rpo_exp.evaluation.generation import prompt_ids
from rpo_exp.modeling.logprobs import score_sequences
from rpo_exp.modeling.models import load_policy


def response_logps(
    model_cfg: DictConfig,
    tokenizer: PreTrainedTokenizerBase,
    sequences: list[tuple[tuple[int, ...], tuple[int, ...]]],
    seed: int,
) -> torch.Tensor:
    """log pi(y|x) of each (prompt ids, response ids) under the model of `model_cfg` (a
    randomly initialised one drawn with `seed`, as its training run drew it)."""
    torch.manual_seed(seed)
    model = load_policy(model_cfg, len(tokenizer), attn_implementation="sdpa")
    if torch.cuda.is_available():
        model = model.cuda()
    logps = score_sequences(model, sequences, tokenizer.pad_token_id)
    del model
    return logps.double()


def sampled_kl(
    policy: DictConfig,
    reference: DictConfig,
    tokenizer: PreTrainedTokenizerBase,
    prompts: list[Prompt],
    responses: list[str],
    cfg: DictConfig,
    prompt_format: str,
    seed: int = 0,
) -> dict:
    """{"kl": mean log-ratio over prompts, "kl_se": its standard error, "kl_per_prompt": ...};
    responses that tokenize to nothing are left out and counted in "kl_skipped"."""
    sequences, kept = [], []
    for i, (prompt, response) in enumerate(zip(prompts, responses, strict=True)):
        ids = tokenizer(response, add_special_tokens=False)["input_ids"]
        if ids:
            sequences.append((tuple(prompt_ids(prompt, tokenizer, cfg, prompt_format)), tuple(ids)))
            kept.append(i)
    if not sequences:
        return {"kl": None, "kl_se": None, "kl_per_prompt": [], "kl_skipped": len(prompts)}
    ratios = response_logps(policy, tokenizer, sequences, seed) - response_logps(
        reference, tokenizer, sequences, seed
    )
    values = ratios.tolist()
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else None
    return {
        "kl": statistics.fmean(values),
        "kl_se": se,
        "kl_per_prompt": dict(zip(kept, values, strict=True)),
        "kl_skipped": len(prompts) - len(kept),
    }
