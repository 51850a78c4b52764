"""Step time of rpo_exp DPO and RPO, a bare step and TRL's `DPOTrainer`, all four timed in
alternation in one phase (`timing.alternating`): SmolLM2-135M (or the model the overrides
name), the same 8 HH pairs of at most 64 tokens, reference log-probs precomputed, RMSprop.

How close the DPO step comes to this machine's limit: its model FLOPs, 6 x parameters x
(prompt + response tokens of each sequence, `common.sequence_tokens`: the policy's forward and
backward; the reference log-probs are precomputed, so no reference forward counts), per second,
over the rate of an fp32 matrix product (`torch.mm` of two n x n matrices, 2 n^3 FLOPs) timed in
the same rounds: `dpo_vs_fp32_matmul`.
"""

from __future__ import annotations

import importlib.util
import statistics
from collections.abc import Callable

import torch
from transformers import PreTrainedTokenizerBase

from rpo_exp.benchmarks.common import DEVICE, compose_cfg, sequence_tokens
from rpo_exp.benchmarks.contenders import Contender, bare, ours, trl
from rpo_exp.benchmarks.results import Results
from rpo_exp.benchmarks.timing import alternating, medians
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import Item, tokenize_examples
from rpo_exp.modeling.embeddings import embed_prompts
from rpo_exp.modeling.models import load_tokenizer

PAIRS, MAX_LENGTH = 8, 64
# Rounds: rpo_exp DPO and RPO are timed in every one (with 5, RPO/DPO came out 0.96 and 1.04
# in two clean runs: too noisy for its 1.02 target); the bare and TRL steps, twice as slow,
# in rounds 0, 2, .., 8.
ROUNDS = 9
# fp32 matrix products timed beside the steps: (n, products per call), ~0.1-0.3 s a call
MATMUL_CPU, MATMUL_CUDA = (2048, 1), (4096, 50)
EVERY = {"bare": 2, "trl_dpo": 2}
RATIOS = (  # name, (numerator, denominator), target (read against, never asserted)
    ("dpo_vs_bare", ("dpo", "bare"), 1.10),
    ("rpo_vs_dpo", ("rpo", "dpo"), 1.02),
    ("dpo_vs_trl", ("dpo", "trl_dpo"), 0.6),
)


def short_pairs(tokenizer: PreTrainedTokenizerBase, overrides: list[str]) -> list[Item]:
    """The first PAIRS train pairs whose prompt + response fit MAX_LENGTH untruncated."""
    examples = load_split(compose_cfg(overrides).dataset, "train").examples
    items, _ = tokenize_examples(examples, tokenizer, MAX_LENGTH - 1, MAX_LENGTH)
    keep = [
        it
        for i, it in enumerate(items)
        if max(len(it.prompt_ids) + len(r) for r in it.response_ids) < MAX_LENGTH
        and len(tokenizer(examples[i].prompt)["input_ids"]) == len(it.prompt_ids)
    ]
    return keep[:PAIRS]


def contenders(
    overrides: list[str], tokenizer: PreTrainedTokenizerBase, items: list[Item], rounds: int
) -> dict[str, Contender]:
    """bare, dpo, rpo and (where installed) trl_dpo on the same model, tokens and batch."""

    def cfg(loss: str):
        batch = (f"trainer.batch_size={len(items)}", f"trainer.micro_batch_size={len(items)}")
        return compose_cfg(overrides, f"loss={loss}", *batch)

    vocab, pad = len(tokenizer), tokenizer.pad_token_id
    rpo = cfg("rpo")
    embeddings = embed_prompts([it.embedder_text for it in items], rpo.embedder, DEVICE)
    built = {
        "bare": bare(cfg("dpo"), vocab, items, pad),
        "dpo": ours(cfg("dpo"), vocab, items, None, pad),
        "rpo": ours(rpo, vocab, items, embeddings, pad),
    }
    if importlib.util.find_spec("trl") is not None:  # `make bench` installs it
        built["trl_dpo"] = trl(cfg("dpo"), vocab, items, tokenizer, rounds)
    return built


def step_lines(results: Results, times: dict[str, list[float]]) -> None:
    """Step seconds of each contender, then each ratio whose two steps were measured."""
    seconds = medians(times)
    for name, value in seconds.items():
        results.add(
            f"step seconds  {name:8s} {value:7.2f}   (median of {len(times[name])})",
            step_seconds={name: value},
            step_repeats={name: len(times[name])},
        )
    for key, (num, den), target in RATIOS:
        if num in seconds and den in seconds:
            ratio = seconds[num] / seconds[den]
            results.add(f"{key:12s} {ratio:5.2f}   (target <= {target})", **{key: ratio})


def fp32_matmul() -> tuple[Callable[[], None], int, float]:
    """A step of fp32 matrix products on the device: (step, n, FLOPs per step)."""
    n, repeats = MATMUL_CUDA if DEVICE.type == "cuda" else MATMUL_CPU
    generator = torch.Generator(DEVICE).manual_seed(0)
    a, b = (torch.randn(n, n, generator=generator, device=DEVICE) for _ in range(2))
    out = torch.empty_like(a)

    def step() -> None:
        for _ in range(repeats):
            torch.mm(a, b, out=out)

    return step, n, 2.0 * n**3 * repeats


def utilization_line(
    results: Results, dpo_seconds: float, model_flops: float, matmul: tuple[int, float, float]
) -> None:
    """The DPO step's model FLOP/s over the fp32 matrix product's FLOP/s."""
    n, flops, seconds = matmul
    step_rate, matmul_rate = model_flops / dpo_seconds, flops / seconds
    ratio = step_rate / matmul_rate
    results.add(
        f"DPO step {step_rate / 1e9:.1f} GFLOP/s of model FLOPs = {ratio:.1%} of an fp32 "
        f"{n}x{n} torch.mm's {matmul_rate / 1e9:.1f} GFLOP/s",
        dpo_vs_fp32_matmul=ratio,
        fp32_utilization={
            "model_flops_per_step": model_flops,
            "dpo_gflops_per_s": step_rate / 1e9,
            "matmul_gflops_per_s": matmul_rate / 1e9,
            "matmul_n": n,
            "formula": "6 x parameters x prompt + response tokens of each sequence / step s, "
            "over 2 n^3 / the median torch.mm seconds (fp32, timed in the step rounds)",
        },
    )


def step_bench(results: Results, overrides: list[str], rounds: int = ROUNDS) -> None:
    """Build the contenders (phase setup), then time them and an fp32 matrix product in
    alternation, `rounds` rounds (phase steps)."""
    tokenizer = load_tokenizer(compose_cfg(overrides).model)
    items = short_pairs(tokenizer, overrides)
    built = contenders(overrides, tokenizer, items, rounds)
    model_flops = 6.0 * built["dpo"].parameters()[0] * sequence_tokens(items)
    matmul, n, matmul_flops = fp32_matmul()
    results.phase("setup")
    try:
        steps = {k: c.step for k, c in built.items()} | {"fp32_matmul": matmul}
        times = alternating(steps, rounds, 1, EVERY)
    finally:
        for contender in built.values():
            contender.close()
    matmul_seconds = statistics.median(times.pop("fp32_matmul"))
    step_lines(results, times)
    utilization_line(results, medians(times)["dpo"], model_flops, (n, matmul_flops, matmul_seconds))
    results.phase("steps")
