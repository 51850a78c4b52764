"""The benchmarks (`python -m rpo_exp.bench`, `make bench`, `make bench-gpu`).

`cli` parses the modes and writes one results file per mode (`results`); `timing` times
contenders in alternation; `contenders` builds them (rpo_exp's step as `Trainer.fit` takes it,
a bare step, TRL's `DPOTrainer` step); `steps` is the CPU step bench, `paper` the paper-shape
bench, `runs` the sweep and peak-RSS runs, each in its own process.
"""
