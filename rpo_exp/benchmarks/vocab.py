"""`python -m rpo_exp.bench --vocab-memory`: the peak memory of one DPO step at LLaMA-3's
vocabulary (128,256 entries), where the fp32 log-softmax over `[response tokens, vocab]` is the
largest tensor of a step unless it is chunked (docs/method.md, "Precision and memory").

Shape `full` (the default): tiny_llama's dims (2 layers, hidden 64) with a 128,256-entry
vocabulary; 16 pairs, each a 256-token prompt with two 256-token responses (sequences of 512
tokens; 8192 response tokens, whose logits alone are 4 GiB in fp32), random token ids, fp32,
RMSprop, reference log-probs precomputed. `tiny`: 4 pairs of 8 + 8 tokens at vocab 2048, the
test's (seconds).
Contenders, each in its own process (`python -m rpo_exp.benchmarks.vocab <contender> <shape>
[overrides]`): built, one warm-up step (TRL's includes its reference pass), then the measured
step:
- `chunked`: rpo_exp's DPO step (`Trainer.optimizer_step`), `trainer.logits_chunk_tokens` at
  its default;
- `unchunked`: the same step with `trainer.logits_chunk_tokens=0`;
- `trl_dpo`: TRL 1.16's `DPOTrainer` on the same token ids and settings (`contenders.trl`); its
  fused LM head projects tiles of 4096 positions x 32768 vocabulary entries, every position of
  its padded rows where there is no Triton (a CPU).
Memory (`memory.Memory`, reset after the warm-up step): CUDA's `max_memory_allocated`, or on
CPU the process's peak RSS during the measured step, which includes what the process held before
it (interpreter and libraries, weights, optimizer state: `start_mib`). Written as the
`vocab_memory` section of bench/results.json, the rest of the file kept: `chunked_mib`,
`unchunked_mib`, `trl_mib`, `runs` (each contender's figures) and the ratios
`chunked_vs_unchunked`, `chunked_vs_trl` (targets <= 0.5: read, never asserted).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import torch

from rpo_exp.benchmarks.common import compose_cfg, sync
from rpo_exp.benchmarks.contenders import ours, trl
from rpo_exp.benchmarks.memory import Memory
from rpo_exp.benchmarks.paper import Shape, shape_fields, synthetic_pairs
from rpo_exp.benchmarks.results import Results
from rpo_exp.modeling.models import load_tokenizer

SHAPES = {
    "full": Shape("tiny_llama", 16, 16, 16, 256, 512, 1, 1, vocab_size=128256),
    "tiny": Shape("tiny_llama", 4, 4, 4, 8, 16, 1, 1, vocab_size=2048),
}
CONTENDERS = {"chunked": "chunked_mib", "unchunked": "unchunked_mib", "trl_dpo": "trl_mib"}
TARGET = 0.5  # chunked <= 0.5 x unchunked and <= 0.5 x TRL
SINCE = "after a warm-up step, before the measured one"


def config(shape: Shape, contender: str, overrides: list[str]):
    """DPO on the shape's batch (one micro-batch), unchunked for `unchunked`."""
    unchunked = ["trainer.logits_chunk_tokens=0"] if contender == "unchunked" else []
    return compose_cfg(
        [],
        f"model={shape.model}",
        "loss=dpo",
        f"trainer.batch_size={shape.batch_size}",
        f"trainer.micro_batch_size={shape.micro_batch_size}",
        f"trainer.max_prompt_length={shape.max_prompt_length}",
        f"trainer.max_length={shape.max_length}",
        "logger=none",
        *overrides,
        *unchunked,
    )


def response_length(shape: Shape) -> int:
    return shape.max_length - shape.max_prompt_length


def measure(contender: str, shape_name: str, overrides: list[str]) -> dict:
    """Build `contender`, take a warm-up step, then the peak memory of one more step (MiB)."""
    shape = SHAPES[shape_name]
    cfg = config(shape, contender, overrides)
    tokenizer = load_tokenizer(cfg.model)
    length = response_length(shape)
    pairs = synthetic_pairs([(shape.max_prompt_length, length, length)], shape)
    memory, started = Memory(SINCE), time.perf_counter()
    if contender == "trl_dpo":
        built = trl(cfg, shape.vocab_size, pairs.items, tokenizer, 1)
    else:
        built = ours(cfg, shape.vocab_size, pairs.items, None, tokenizer.pad_token_id)
    try:
        built.step()
        memory.reset()
        start = memory.now_gib()
        built.step()
        sync()
        peak = memory.peak_gib()
    finally:
        built.close()
    mib = {k: v * 1024 if v is not None else None for k, v in (("peak", peak), ("start", start))}
    return {
        "peak_mib": mib["peak"],
        "start_mib": mib["start"],
        "logits_chunk_tokens": cfg.trainer.logits_chunk_tokens if contender != "trl_dpo" else None,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }


def run(contender: str, shape_name: str, overrides: list[str]) -> dict | str:
    """`measure` in a process of its own: its figures, or why there are none."""
    if contender == "trl_dpo" and importlib.util.find_spec("trl") is None:
        return "skipped: trl is not installed (make bench installs it)"
    command = [sys.executable, "-m", "rpo_exp.benchmarks.vocab", contender, shape_name]
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([*command, *overrides], capture_output=True, text=True, env=env)
    if proc.returncode != 0:  # a contender killed for memory is recorded; the others still run
        last = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()[-1]
        return f"error: exit status {proc.returncode}: {last}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def head(shape_name: str, shape: Shape, overrides: list[str]) -> dict:
    """What the section records before any figure."""
    has_trl = importlib.util.find_spec("trl") is not None
    length = response_length(shape)
    return dict(
        **shape_fields(shape_name, shape),
        prompt_tokens=shape.max_prompt_length,
        response_tokens=length,
        scored_tokens=2 * shape.pairs * length,
        memory=Memory(SINCE).kind,
        torch=torch.__version__,
        trl=importlib.metadata.version("trl") if has_trl else None,
        overrides=overrides,
        runs={},
    )


def mib(value: float | None) -> str:
    return f"{value:.0f} MiB" if value is not None else "null"


def ratio_lines(results: Results) -> None:
    """chunked / unchunked and chunked / TRL, where both sides were measured."""
    section = results.data
    for name, other in (("chunked_vs_unchunked", "unchunked_mib"), ("chunked_vs_trl", "trl_mib")):
        num, den = section.get("chunked_mib"), section.get(other)
        value = num / den if num is not None and den else None
        shown = f"{value:.3f}" if value is not None else "null"
        results.add(f"{name:21s} {shown}   (target <= {TARGET})", **{name: value})


def vocab_bench(out: Path, shape_name: str, overrides: list[str]) -> Path:
    """Every contender in its own process; the `vocab_memory` section of `out`."""
    shape_name = "full" if shape_name == "auto" else shape_name
    shape = SHAPES[shape_name]
    results = Results(
        out,
        f"python -m rpo_exp.bench --vocab-memory ({shape_name}: {shape.pairs} pairs x "
        f"{shape.max_length} tokens, vocab {shape.vocab_size})",
        section="vocab_memory",
        **head(shape_name, shape, overrides),
    )
    for name, key in CONTENDERS.items():
        figures = run(name, shape_name, overrides)
        peak = figures["peak_mib"] if isinstance(figures, dict) else None
        text = figures if isinstance(figures, str) else (
            f"peak {mib(peak)} ({mib(figures['start_mib'])} before the step; "
            f"{figures['wall_seconds']:.0f} s)"
        )  # fmt: skip
        results.add(f"vocab memory  {name:9s} {text}", runs={name: figures}, **{key: peak})
    ratio_lines(results)
    results.phase("vocab_memory")
    results.finish()
    return out


def main(argv: list[str]) -> None:
    """`<contender> <shape> [overrides]`: one contender's figures, as a JSON line."""
    contender, shape_name, *overrides = argv
    print(json.dumps(measure(contender, shape_name, overrides)))


if __name__ == "__main__":
    main(sys.argv[1:])
