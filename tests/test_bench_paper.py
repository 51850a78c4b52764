"""`python -m rpo_exp.bench --paper --shape tiny` (the paper-shape bench's CPU check, ~25 s on
2 idle cores): every setting measured for rpo_exp DPO and RPO, TRL where it is installed, MFU null
without a GPU peak, the ratios computed from what ran."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

SETTINGS = ("peft=none,gc=on", "peft=none,gc=off", "peft=lora,gc=off", "peft=lora,gc=on")
FIGURES = ("step_seconds", "tokens_per_second", "peak_memory_gib", "parameters")


def measured(run: dict | str) -> bool:
    """A contender's figures are real measurements (not "oom", "skipped: ..", "error: ..")."""
    if not isinstance(run, dict):
        return False
    positive = all(run[k] is not None and run[k] > 0 for k in FIGURES)
    return positive and run["mfu"] is None and len(run["step_times"]) == 2


def test_paper_bench_tiny_shape_on_cpu(tmp_path: Path) -> None:
    out = tmp_path / "paper.json"
    env = os.environ | {"CUDA_VISIBLE_DEVICES": "", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "rpo_exp.bench", "--paper", "--shape", "tiny", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,  # shared cores can slow it several-fold
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    data = json.loads(out.read_text())
    assert data["complete"] and data["shape"] == "tiny" and data["device"].startswith("cpu")
    assert data["peak_flops"] is None and data["mfu_7b"] is None
    assert data["tokens_per_step"] > 0
    has_trl = importlib.util.find_spec("trl") is not None
    assert sorted(data["runs"]) == sorted(SETTINGS) == sorted(data["ratios"])
    for key in SETTINGS:
        runs, ratios = data["runs"][key], data["ratios"][key]
        assert measured(runs["dpo"]) and measured(runs["rpo"]), (key, runs)
        dpo, rpo = runs["dpo"], runs["rpo"]
        assert dpo["parameters"] == rpo["parameters"]
        assert ratios["rpo_vs_dpo"] == rpo["step_seconds"] / dpo["step_seconds"]
        if key.startswith("peft=lora"):
            assert 0 < dpo["trainable_parameters"] < dpo["parameters"]
        else:
            assert dpo["trainable_parameters"] == dpo["parameters"]
        trl = runs["trl_dpo"]
        if has_trl:  # the same model: as many parameters, as many of them trained
            assert measured(trl), (key, trl)
            for name in ("parameters", "trainable_parameters"):
                assert trl[name] == dpo[name], (key, name)
            assert ratios["dpo_vs_trl"] == dpo["step_seconds"] / trl["step_seconds"]
            assert ratios["memory_vs_trl"] == dpo["peak_memory_gib"] / trl["peak_memory_gib"]
        else:
            assert trl.startswith("skipped: trl is not installed"), trl
            assert ratios["dpo_vs_trl"] is None and ratios["memory_vs_trl"] is None
        for contender in ("dpo", "rpo", "trl_dpo"):  # each figure printed on its own line
            if isinstance(runs[contender], dict):
                assert f"[{key}] {contender:8s} step seconds" in proc.stdout
                assert f"[{key}] {contender:8s} tokens/s" in proc.stdout
