"""Sweeps as tables, plots and notebooks (a developer's tool, not a training command):
`runs` loads Hydra run and sweep dirs, `tables` and `plots` draw the papers' tables and
curves from them, `notebooks` executes the report notebooks into HTML
(`python -m rpo_exp.report SWEEP`, `make report SWEEP=...`)."""
