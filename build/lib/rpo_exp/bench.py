"""`python -m rpo_exp.bench [--steps-only | --paper] ...` (`make bench`, `make bench-gpu`): the
benchmarks' entry point; they live in `rpo_exp.benchmarks` (`--help` lists the modes)."""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("TQDM_DISABLE", "1")  # before tqdm reads it: rpo_exp's and TRL's bars
    from rpo_exp.benchmarks.cli import main

    main(sys.argv[1:])
