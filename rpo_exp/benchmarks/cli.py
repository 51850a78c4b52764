"""`python -m rpo_exp.bench [--steps-only | --paper | --vocab-memory | --gpu-check] [flags]
[Hydra overrides]`.

Modes, each with its results file under bench/ (rewritten after every figure, with the device,
the load average, each phase's seconds and `complete`, false until the last figure):
- (default, `make bench`): step time of rpo_exp DPO and RPO, a bare step and TRL's
  `DPOTrainer`, timed in alternation (`steps`); batch-64 and default-run peak RSS; a cached
  9-job sweep vs the same jobs cold (`runs`) -> bench/results.json. Some 12-15 minutes on a
  quiet 2-core CPU (est.).
- `--steps-only`: the step times alone -> bench/results_steps_<device>.json.
- `--paper` (`make bench-gpu`): the RPO paper's shapes (`paper`; `--shape`, `--budget-s`)
  -> bench/results_paper_<device>.json.
- `--vocab-memory` (also the last phase of the default mode): the peak memory of one DPO step
  at vocabulary 128,256, rpo_exp chunked and unchunked and TRL, each in its own process
  (`vocab`; `--shape full|tiny`) -> the `vocab_memory` section of bench/results.json (the rest
  of the file kept). A few minutes and ~10 GB of RAM on a 2-core CPU (est.).
- `--gpu-check` (`make gpu-check`): every GPU-only path once, each in its own process under a
  time limit (`gpu_check`; the tiny forms on CPU) -> bench/results_gpu_<device>.json.
<device>: cpu, or the GPU's name (h100, h200, ..). Overrides apply to every config the bench
composes (e.g. a local model dir on a machine without the hub); `--out` replaces the file.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch

from rpo_exp.benchmarks.common import this_device
from rpo_exp.benchmarks.gpu_check import gpu_check
from rpo_exp.benchmarks.paper import GPU_BUDGET_S, SHAPES, paper_bench
from rpo_exp.benchmarks.results import Results, results_path
from rpo_exp.benchmarks.runs import rss_lines, sweep, sweep_lines
from rpo_exp.benchmarks.steps import MAX_LENGTH, PAIRS, ROUNDS, step_bench
from rpo_exp.benchmarks.vocab import SHAPES as VOCAB_SHAPES
from rpo_exp.benchmarks.vocab import vocab_bench


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m rpo_exp.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--steps-only", action="store_true", help="the step times alone")
    mode.add_argument("--paper", action="store_true", help="the paper-shape bench")
    mode.add_argument(
        "--vocab-memory", action="store_true", help="one DPO step's peak memory at vocab 128,256"
    )
    mode.add_argument("--gpu-check", action="store_true", help="every GPU-only path once")
    parser.add_argument(
        "--shape",
        choices=[*SHAPES, *VOCAB_SHAPES, "auto"],
        default="auto",
        help=f"--paper: the model shape ({', '.join(SHAPES)}); --vocab-memory: "
        f"{' or '.join(VOCAB_SHAPES)} (auto: full)",
    )
    parser.add_argument(
        "--budget-s",
        type=float,
        help=f"--paper: seconds of contender runs (GPU default {GPU_BUDGET_S})",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=ROUNDS,
        help=f"default and --steps-only: timing rounds (default {ROUNDS}; more on a noisy machine)",
    )
    parser.add_argument("--out", type=Path, help="the results JSON (default: the mode's)")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every config")
    args = parser.parse_args(argv)
    flag, shapes = ("--vocab-memory", VOCAB_SHAPES) if args.vocab_memory else ("--paper", SHAPES)
    if args.rounds < 1:
        parser.error(f"--rounds {args.rounds}: expected at least 1")
    if args.shape not in (*shapes, "auto"):
        parser.error(f"--shape {args.shape}: {flag} takes {', '.join(shapes)} or auto")
    return args


def mode(args: argparse.Namespace) -> str:
    if args.vocab_memory:
        return "vocab"
    if args.gpu_check:
        return "gpu"
    return "paper" if args.paper else "steps" if args.steps_only else "default"


def main(argv: list[str]) -> Path:
    """Run the mode `argv` asks for; returns its results file."""
    args = parse(argv)
    out = args.out or results_path(mode(args), this_device()[0])
    if args.gpu_check:
        return gpu_check(out)
    if args.paper:
        return paper_bench(out, args.shape, args.budget_s, args.overrides)
    if args.vocab_memory:
        return vocab_bench(out, args.shape, args.overrides)
    title = "make bench" if mode(args) == "default" else "python -m rpo_exp.bench --steps-only"
    results = Results(
        out,
        f"{title}, {PAIRS} pairs x <= {MAX_LENGTH} tokens",
        torch=torch.__version__,
        overrides=args.overrides,
        pairs=PAIRS,
        max_length=MAX_LENGTH,
    )
    step_bench(results, args.overrides, args.rounds)
    if not args.steps_only:
        with tempfile.TemporaryDirectory() as tmp:
            rss_lines(results, Path(tmp))
            sweep_lines(results, sweep(Path(tmp), args.overrides, results.line))
        results.phase("sweep")
    results.finish()
    if not args.steps_only:
        vocab_bench(out, "full", args.overrides)
    return out
