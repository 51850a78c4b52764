"""KL(policy || initial policy) estimated from the policy's own sampled responses, per prompt: the
log-ratio log pi(y|x) - log pi_0(y|x) of each sampled y, which averages to the KL over
samples (an unbiased single-sample estimate per prompt), with its standard error over prompts.
Valid for sampled generations (`eval.temperature` > 0); greedy ones give the log-ratio of the
greedy response instead. The responses are re-tokenized from their text (an EOS the model
emitted is not counted)."""

from __future__ import annotations

import math
import statistics

from omegaconf import DictConfig
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from rpo_exp.data.records import Prompt
from rpo_exp.evaluation.generation import prompt_ids
from rpo_exp.modeling.logprobs import score_sequences
from rpo_exp.modeling.models import inference_model


def sampled_kl(
    policy: PreTrainedModel,
    initial: DictConfig,
    tokenizer: PreTrainedTokenizerBase,
    prompts: list[Prompt],
    responses: list[str],
    cfg: DictConfig,
    prompt_format: str,
    seed: int = 0,
) -> dict:
    """{"kl": mean log-ratio over prompts, "kl_se": its standard error, "kl_per_prompt": ...}
    of the loaded `policy` against the model of `initial` (loaded here, drawn with `seed`
    when randomly initialised); responses that tokenize to nothing are left out and counted in
    "kl_skipped"."""
    sequences, kept = [], []
    for i, (prompt, response) in enumerate(zip(prompts, responses, strict=True)):
        ids = tokenizer(response, add_special_tokens=False)["input_ids"]
        if ids:
            sequences.append((tuple(prompt_ids(prompt, tokenizer, cfg, prompt_format)), tuple(ids)))
            kept.append(i)
    if not sequences:
        return {"kl": None, "kl_se": None, "kl_per_prompt": {}, "kl_skipped": len(prompts)}
    pad = tokenizer.pad_token_id
    logps = score_sequences(policy, sequences, pad).double()
    initial_model = inference_model(initial, len(tokenizer), seed)
    ratios = logps - score_sequences(initial_model, sequences, pad).double()
    values = ratios.tolist()
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else None
    return {
        "kl": statistics.fmean(values),
        "kl_se": se,
        "kl_per_prompt": dict(zip(kept, values, strict=True)),
        "kl_skipped": len(prompts) - len(kept),
    }
