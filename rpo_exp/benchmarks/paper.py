"""`make bench-gpu` (`python -m rpo_exp.bench --paper`): training-step speed and memory at the
RPO paper's shapes, rpo_exp against TRL, on randomly initialised LLaMA models (no hub access).

What runs. One model shape (`--shape`): `7b` = conf/model/llama2_7b_random (LLaMA-2-7B's
architecture), `1b` = llama_1b_random (TinyLlama-1.1B's), both with a 32000-token vocabulary;
`tiny` = tiny_llama's dims, 8 short pairs and a 2048-token vocabulary (a CPU check, ~25 s on 2
idle cores); `auto` (the default): 7b on a GPU of >= 80 GB, 1b on a smaller one, tiny on CPU.
conf/trainer/paper.yaml (RPO paper Table 6: batch 64, lr 5e-7, RMSprop, clip 10) with
micro-batches of 8 pairs (tiny: 4 of 8) and `trainer.precision=bf16-mixed` (fp32 master weights
and optimizer state, bf16 autocast; docs/method.md, "Precision and memory"). The same 64 pairs
(tiny: 8) for every contender: prompt, chosen
and rejected lengths resampled (seed 0) from hh_sample's (SmolLM2 tokenizer; its prompts are
short, ~38 tokens on average), clipped to prompts <= 256 and prompt + response <= 512 tokens,
filled with random token ids. Settings: gradient checkpointing on/off x `peft=none|lora`
(conf/peft/lora.yaml). Each contender gets a freshly built model (same seed) and precomputed
reference log-probs, so no step runs a reference forward:
- `dpo`, `rpo`: rpo_exp's step as `Trainer.fit` takes it (`Trainer.optimizer_step`): `backward`
  (packed rows, each prompt encoded once: docs/method.md, "Packed batches"; gradient-exact over
  the 64 pairs whatever the micro-batch: "Multi-process training"), clip, RMSprop. RPO's
  64 x 64 contrast matrix is weighted by prompt embeddings: random fixed unit vectors here (the
  embedder is not what is measured; "RPO contrast matrix").
- `trl_dpo`: TRL 1.16 `DPOTrainer` at its fastest equal settings: precompute_ref_log_probs,
  bf16 autocast over fp32 weights (LoRA: peft's fp32 adapters on the bf16 base, as ours), the
  same checkpointing, per-device batch 8 x 8 accumulation steps, lr 5e-7, RMSprop, clip 10, a
  constant schedule. `padding_free` stays off: TRL 1.16's DPOConfig documents it as temporarily
  unavailable for DPO (set, it warns and pads). It gets the same token ids pre-tokenized, and
  its weight hashing (its reference cache's key: every weight copied to the CPU, minutes at 7B)
  is bypassed; neither is part of a step.

Figures per (setting, contender), each printed on its own line as measured and written to
`bench/results_paper_<device>.json` (`results_paper_cpu.json` on CPU; or `--out`) after each:
- step seconds: median of 5 synchronized steps after 1 warm-up (tiny: 2 after 1), timed by
  `timing.alternating` with one contender: each is built, timed and freed before the next (its
  peak memory is its own, and two 7B contenders would not fit together); TRL's step counts
  from the end of its previous one (its batch collation included, as ours collates in its step);
- tokens/s: the prompt + response tokens of the 128 sequences (a prompt counted once per
  response, however a contender encodes it) / step seconds;
- MFU: 6 x all parameters of the model (embeddings, LM head and any adapters: the standard
  convention, kept under LoRA; checkpointing's recomputation is not counted) x those tokens /
  step seconds / the device's peak dense bf16 FLOP/s (`common.PEAK_BF16`); null on CPU or a device
  not in the table;
- peak memory: CUDA's `max_memory_allocated` since before the model was built (weights,
  gradients, optimizer state, activations); on CPU the process's peak RSS (VmHWM, reset before
  each contender, so it includes the process's own baseline: an upper bound), null where the
  kernel cannot reset it.
A contender that runs out of GPU memory is recorded as "oom" and the bench goes on; contenders
past the time budget (`--budget-s`, 360 s of contender runs on a GPU) as "skipped".
Ratios per setting, with the targets they are read against (reported, never asserted):
`dpo_vs_trl` (step, <= 0.6), `memory_vs_trl` (DPO's peak memory / TRL's, <= 1), `rpo_vs_dpo`
(step, <= 1.02); `mfu_7b`: rpo_exp DPO's MFU per setting at the 7b shape (target >= 0.40).

Time (estimate, one H200 at 7b): ~8k tokens a step; a contender ~15-30 s (the 6.7B weights
built on the GPU, the reference pass, 6 steps of ~1-2 s; TRL's setup a few s more), 12 of them
~4-5 min, plus ~1 min of imports and setup: inside 8 min, which the budget guard keeps. A 7B
full fine-tune holds ~16 bytes/param (fp32 weights, gradients and RMSprop state, bf16 weight
casts: ~110 GB) plus RMSprop's temporaries: it may fit an H200's 139 GB only with
checkpointing; "oom" without is expected and recorded in seconds. LoRA needs ~15 GB.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import random
import statistics
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import torch
from omegaconf import DictConfig
from transformers import PreTrainedTokenizerBase

from rpo_exp.benchmarks.common import DEVICE, SEED, compose_cfg, sequence_tokens, this_device
from rpo_exp.benchmarks.contenders import Contender, fresh_accelerate_state, ours, trl
from rpo_exp.benchmarks.memory import Memory
from rpo_exp.benchmarks.results import Results
from rpo_exp.benchmarks.timing import alternating
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import Item, tokenize_examples
from rpo_exp.modeling.models import load_tokenizer

VOCAB = 32000  # LLaMA-2's; the SmolLM2 tokenizer (49152) only measures the lengths and pads
TINY_VOCAB = 2048  # the CPU check's: TRL's chunked log-softmax costs ~1 s a step at 32000
EMBED_DIM = 384  # the prompt embeddings' width (minilm's); any would do
GPU_BUDGET_S = 360.0  # contender runs on a GPU; imports and setup come on top (docstring)
TARGETS = {  # name: (comparison, bound), as the figures are read (never asserted)
    "dpo_vs_trl": ("<=", 0.6),
    "memory_vs_trl": ("<=", 1.0),
    "rpo_vs_dpo": ("<=", 1.02),
    "mfu_7b": (">=", 0.40),
}
OOM_SIGNS = ("out of memory", "ALLOC_FAILED")
PADDING_FREE = (
    "off: TRL 1.16's DPOConfig documents padding_free as temporarily unavailable for DPO "
    "(set, it warns and falls back to padding)"
)


@dataclass(frozen=True)
class Shape:
    """A model config (conf/model/) and the batch it is measured on."""

    model: str
    pairs: int
    batch_size: int
    micro_batch_size: int
    max_prompt_length: int
    max_length: int
    warmup: int
    timed: int
    vocab_size: int = VOCAB
    model_overrides: tuple[str, ...] = ()


SHAPES = {
    # tiny_llama's dims with bf16 weights, as the GPU shapes (their LoRA base is bf16)
    "tiny": Shape("tiny_llama", 8, 8, 4, 32, 64, 1, 2, TINY_VOCAB, ("model.dtype=bfloat16",)),
    "1b": Shape("llama_1b_random", 64, 64, 8, 256, 512, 1, 5),
    "7b": Shape("llama2_7b_random", 64, 64, 8, 256, 512, 1, 5),
}
# (peft, gradient checkpointing), most telling first: the time budget cuts the end
SETTINGS = (("none", True), ("none", False), ("lora", False), ("lora", True))
CONTENDERS = ("dpo", "rpo", "trl_dpo")


@dataclass
class Pairs:
    """The synthetic pairs every contender trains on."""

    items: list[Item]
    embeddings: torch.Tensor  # [pairs, EMBED_DIM] random unit vectors, one per prompt
    tokens: int  # prompt + response tokens of the 2 x pairs sequences


def setting_key(peft: str, checkpointing: bool) -> str:
    return f"peft={peft},gc={'on' if checkpointing else 'off'}"


# -- device and memory ----------------------------------------------------------------------
def resolve_shape(shape: str) -> str:
    if shape != "auto":
        return shape
    if DEVICE.type != "cuda":
        return "tiny"
    return "7b" if torch.cuda.get_device_properties(DEVICE).total_memory >= 80e9 else "1b"


# -- data -----------------------------------------------------------------------------------
def hh_lengths(tokenizer: PreTrainedTokenizerBase, overrides: list[str]) -> list[tuple[int, ...]]:
    """(prompt, chosen, rejected) token lengths of every hh_sample train pair, untruncated (the
    responses with their EOS, as training tokenizes them)."""
    examples = load_split(
        compose_cfg([], "dataset=hh_sample", *overrides).dataset, "train"
    ).examples
    items, _ = tokenize_examples(examples, tokenizer, 10**9, 10**9)
    return [(len(it.prompt_ids), len(it.response_ids[0]), len(it.response_ids[1])) for it in items]


def synthetic_pairs(lengths: list[tuple[int, ...]], shape: Shape) -> Pairs:
    """`shape.pairs` pairs of HH's lengths (resampled, clipped to the shape's) and random ids."""
    rng, generator = random.Random(SEED), torch.Generator().manual_seed(SEED)
    items = []
    for index in range(shape.pairs):
        prompt, chosen, rejected = rng.choice(lengths)
        prompt = min(prompt, shape.max_prompt_length)
        chosen, rejected = (min(n, shape.max_length - prompt) for n in (chosen, rejected))
        size = (prompt + chosen + rejected,)
        ids = torch.randint(shape.vocab_size, size, generator=generator).tolist()
        responses = (tuple(ids[prompt : prompt + chosen]), tuple(ids[prompt + chosen :]))
        items.append(Item(index, f"pair {index}", tuple(ids[:prompt]), responses, (1.0, 0.0)))
    embeddings = torch.randn(shape.pairs, EMBED_DIM, generator=generator)
    tokens = sequence_tokens(items)
    return Pairs(items, torch.nn.functional.normalize(embeddings, dim=1), tokens)


def length_stats(pairs: Pairs) -> dict[str, dict[str, float]]:
    parts = {
        "prompt": [len(it.prompt_ids) for it in pairs.items],
        "chosen": [len(it.response_ids[0]) for it in pairs.items],
        "rejected": [len(it.response_ids[1]) for it in pairs.items],
    }
    return {k: {"mean": statistics.mean(v), "max": max(v)} for k, v in parts.items()}


# -- contenders -----------------------------------------------------------------------------
def config(shape: Shape, loss: str, peft: str, checkpointing: bool, overrides: list[str]):
    """The composed config of one contender: trainer=paper at the shape's batch and lengths."""
    return compose_cfg(
        [],
        f"model={shape.model}",
        *shape.model_overrides,
        "dataset=hh_sample",
        f"loss={loss}",
        f"peft={peft}",
        "trainer=paper",
        "trainer.precision=bf16-mixed",
        f"trainer.gradient_checkpointing={str(checkpointing).lower()}",
        f"trainer.batch_size={shape.batch_size}",
        f"trainer.micro_batch_size={shape.micro_batch_size}",
        f"trainer.max_prompt_length={shape.max_prompt_length}",
        f"trainer.max_length={shape.max_length}",
        "logger=none",
        *overrides,
    )


# -- report ---------------------------------------------------------------------------------
def verdict(name: str, value: float | None) -> str:
    comparison, bound = TARGETS[name]
    if value is None:
        return f"target {comparison} {bound}: not measured"
    met = value <= bound if comparison == "<=" else value >= bound
    return f"target {comparison} {bound}: {'met' if met else 'missed'}"


def figure_lines(results: Results, key: str, contender: str, figures: dict | str) -> None:
    """One line per figure of a contender, each written to the results as it is printed."""
    label = f"[{key}] {contender:8s}"
    if isinstance(figures, str):
        results.add(f"{label} {figures}", runs={key: {contender: figures}})
        return
    runs = {key: {contender: figures}}
    seconds, n = figures["step_seconds"], len(figures["step_times"])
    results.add(f"{label} step seconds  {seconds:.4f} (median of {n})", runs=runs)
    results.add(f"{label} tokens/s      {figures['tokens_per_second']:.0f}")
    mfu = figures["mfu"]
    results.add(f"{label} MFU           " + (f"{mfu:.1%}" if mfu is not None else "null"))
    peak = figures["peak_memory_gib"]
    results.add(f"{label} peak memory   " + (f"{peak:.2f} GiB" if peak is not None else "null"))


def ratio_lines(results: Results, key: str) -> None:
    """The setting's ratios whose two sides were measured (null otherwise)."""
    runs = results.data["runs"][key]

    def get(contender: str, figure: str) -> float | None:
        run = runs.get(contender)
        return run.get(figure) if isinstance(run, dict) else None

    def ratio(num: float | None, den: float | None) -> float | None:
        return num / den if num is not None and den else None

    ratios = {
        "dpo_vs_trl": ratio(get("dpo", "step_seconds"), get("trl_dpo", "step_seconds")),
        "memory_vs_trl": ratio(get("dpo", "peak_memory_gib"), get("trl_dpo", "peak_memory_gib")),
        "rpo_vs_dpo": ratio(get("rpo", "step_seconds"), get("dpo", "step_seconds")),
    }
    for name, value in ratios.items():
        shown = f"{value:.3f}" if value is not None else "null"
        results.add(
            f"[{key}] {name:13s} {shown}   ({verdict(name, value)})",
            ratios={key: {name: value}},
        )


def measure(
    build: Callable[[], Contender], shape: Shape, pairs: Pairs, memory: Memory, peak: float | None
) -> dict | str:
    """The figures of one contender, built alone (memory counted from before its model), or
    "oom" / "error: ..." when it failed."""
    fresh_accelerate_state()
    start_gib, started = memory.reset(), time.perf_counter()
    try:
        contender = build()
        try:
            times = alternating({"it": contender.step}, shape.timed, shape.warmup)["it"]
            total, trainable = contender.parameters()
        finally:
            contender.close()
    except torch.OutOfMemoryError:
        return "oom"
    except Exception as err:  # a failing contender is recorded; the others still run
        if any(sign in str(err) for sign in OOM_SIGNS):  # cuBLAS / NCCL out of memory
            return "oom"
        traceback.print_exc()
        return f"error: {type(err).__name__}: {err}"
    seconds = statistics.median(times)
    figures = {
        "step_seconds": seconds,
        "step_times": [round(t, 4) for t in times],
        "tokens_per_second": pairs.tokens / seconds,
        "mfu": 6 * total * pairs.tokens / seconds / peak if peak else None,
        "peak_memory_gib": memory.peak_gib(),
        "parameters": total,
        "trainable_parameters": trainable,
        "wall_seconds": round(time.perf_counter() - started, 1),  # build, setup, all steps
    }
    if start_gib is not None:
        figures["start_memory_gib"] = start_gib  # left by earlier contenders (~0 expected)
    return figures


def builder(
    name: str, cfg: DictConfig, shape: Shape, pairs: Pairs, tokenizer: PreTrainedTokenizerBase
) -> Callable[[], Contender]:
    """What builds contender `name` (dpo, rpo: ours; trl_dpo: TRL's) on the pairs."""
    if name == "trl_dpo":
        return partial(trl, cfg, shape.vocab_size, pairs.items, tokenizer, shape.timed)
    return partial(
        ours, cfg, shape.vocab_size, pairs.items, pairs.embeddings, tokenizer.pad_token_id
    )


def shape_fields(shape_name: str, shape: Shape) -> dict:
    """The shape's name, model, vocabulary and pairs, as a results file records them."""
    return dict(shape=shape_name, model=shape.model, vocab_size=shape.vocab_size, pairs=shape.pairs)


def paper_head(shape_name: str, shape: Shape, memory: Memory, peak, budget, overrides) -> dict:
    """What the results file records before any figure."""
    has_trl = importlib.util.find_spec("trl") is not None
    return dict(
        **shape_fields(shape_name, shape),
        batch_size=shape.batch_size,
        micro_batch_size=shape.micro_batch_size,
        max_prompt_length=shape.max_prompt_length,
        max_length=shape.max_length,
        warmup_steps=shape.warmup,
        timed_steps=shape.timed,
        precision="bf16-mixed",
        optimizer="rmsprop",
        peak_flops=peak,
        mfu_convention="6 x all model parameters (embeddings, LM head, adapters) x tokens",
        memory=memory.kind,
        trl={
            "version": importlib.metadata.version("trl") if has_trl else None,
            "padding_free": PADDING_FREE,
        },
        budget_s=budget,
        overrides=overrides,
        runs={},
        ratios={},
    )


def paper_bench(out: Path, shape_name: str, budget_s: float | None, overrides: list[str]) -> Path:
    """Every setting x contender at the shape (`auto`: by device); returns the results file."""
    shape_name = resolve_shape(shape_name)
    shape, cuda = SHAPES[shape_name], DEVICE.type == "cuda"
    _, peak = this_device()
    budget = budget_s if budget_s is not None else (GPU_BUDGET_S if cuda else None)
    memory = Memory("per contender, before its model is built")
    results = Results(
        out,
        f"make bench-gpu ({shape_name}: {shape.model}, {shape.pairs} pairs)",
        **paper_head(shape_name, shape, memory, peak, budget, overrides),
    )
    tokenizer = load_tokenizer(compose_cfg([], f"model={shape.model}", *overrides).model)
    pairs = synthetic_pairs(hh_lengths(tokenizer, overrides), shape)
    stats = length_stats(pairs)
    block = config(shape, "rpo", "none", False, overrides).protocol.contrast_block
    results.add(
        f"data: {shape.pairs} pairs, {pairs.tokens} tokens a step; mean (max) lengths "
        + ", ".join(f"{k} {v['mean']:.0f} ({v['max']})" for k, v in stats.items())
        + f"; RPO contrast block {block or shape.batch_size}",
        tokens_per_step=pairs.tokens,
        lengths=stats,
        rpo_contrast_block=block,  # null: the whole batch (docs/method.md, "RPO contrast matrix")
    )
    results.phase("setup")
    started = time.perf_counter()
    for peft, checkpointing in SETTINGS:
        key = setting_key(peft, checkpointing)
        for name in CONTENDERS:
            cfg = config(shape, "rpo" if name == "rpo" else "dpo", peft, checkpointing, overrides)
            if budget is not None and time.perf_counter() - started > budget:
                figures: dict | str = f"skipped: past the time budget ({budget:.0f} s)"
            elif name == "trl_dpo" and importlib.util.find_spec("trl") is None:
                figures = "skipped: trl is not installed (make bench-gpu installs it)"
            else:
                build = builder(name, cfg, shape, pairs, tokenizer)
                figures = measure(build, shape, pairs, memory, peak)
            figure_lines(results, key, name, figures)
        ratio_lines(results, key)
        results.phase(key)
    mfu_lines(results, shape_name)
    results.finish()
    return out


def mfu_lines(results: Results, shape_name: str) -> None:
    """rpo_exp DPO's MFU per setting at the 7b shape, and the best of them against its target."""
    mfu_7b = None
    if shape_name == "7b":
        mfu_7b = {
            key: dpo.get("mfu") if isinstance(dpo := runs.get("dpo"), dict) else None
            for key, runs in results.data["runs"].items()
        }
    best = max((v for v in (mfu_7b or {}).values() if v is not None), default=None)
    results.add(
        "MFU at 7b, rpo_exp DPO, best setting: "
        + (f"{best:.1%}" if best is not None else f"null (shape {shape_name})")
        + f"   ({verdict('mfu_7b', best)})",
        mfu_7b=mfu_7b,
        targets={k: f"{c} {b}" for k, (c, b) in TARGETS.items()},
    )
