"""The benchmarks (`rpo_exp.benchmarks`): the alternating timer, one results file per mode, the
entry point's arguments read only by `main`; `python -m rpo_exp.bench --paper --shape tiny`
(the paper-shape bench's CPU check, ~25 s on 2 idle cores): every setting measured for rpo_exp
DPO and RPO, TRL where it is installed, MFU null without a GPU peak, the ratios computed from
what ran; `--steps-only` on tiny_llama: every contender timed in the same rounds; `--gpu-check`
on CPU (its dry run): every check run in its tiny form, or skipped saying why, and recorded."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rpo_exp.benchmarks.cli import parse
from rpo_exp.benchmarks.results import Results, results_path
from rpo_exp.benchmarks.timing import alternating, medians
from tests.helpers import ROOT

SETTINGS = ("peft=none,gc=on", "peft=none,gc=off", "peft=lora,gc=off", "peft=lora,gc=on")
FIGURES = ("step_seconds", "tokens_per_second", "peak_memory_gib", "parameters")


ENV = os.environ | {"CUDA_VISIBLE_DEVICES": "", "PYTHONUNBUFFERED": "1"}


def bench(*args: str) -> subprocess.CompletedProcess:
    """`python -m rpo_exp.bench <args>` on CPU."""
    command = [sys.executable, "-m", "rpo_exp.bench", *args]
    # shared cores can slow it several-fold
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT, env=ENV)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc


def test_contenders_alternate_within_each_round() -> None:
    calls: list[str] = []
    steps = {name: (lambda name=name: calls.append(name)) for name in ("a", "b", "c")}
    times = alternating(steps, rounds=4, warmup=1, every={"c": 2})
    warmup, rounds = ["a", "b", "c"], [["a", "b", "c"], ["a", "b"], ["a", "b", "c"], ["a", "b"]]
    assert calls == [*warmup, *(name for round_ in rounds for name in round_)]
    assert {k: len(v) for k, v in times.items()} == {"a": 4, "b": 4, "c": 2}
    assert all(t >= 0 for v in times.values() for t in v)
    assert medians({"a": [3.0, 1.0, 2.0]}) == {"a": 2.0}


def test_one_results_file_per_mode(tmp_path: Path) -> None:
    names = {m: results_path(m, "h100").as_posix() for m in ("default", "steps", "paper", "gpu")}
    assert names == {
        "default": "bench/results.json",
        "steps": "bench/results_steps_h100.json",
        "paper": "bench/results_paper_h100.json",
        "gpu": "bench/results_gpu_h100.json",
    }
    results = Results(tmp_path / "r.json", "a test")
    results.add("one figure", step_seconds={"dpo": 1.5})
    results.add("another", step_seconds={"rpo": 2.0})
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["step_seconds"] == {"dpo": 1.5, "rpo": 2.0} and data["complete"] is False


def test_importing_the_bench_reads_no_command_line() -> None:
    """pytest's (or any importer's) arguments are not the bench's: only `main(argv)` parses."""
    code = (
        "import sys; sys.argv = ['x', '--steps-only', 'model=tiny_llama']\n"
        "import rpo_exp.bench, rpo_exp.benchmarks.cli\n"
        "from rpo_exp.benchmarks.common import compose_cfg\n"
        "print(compose_cfg([]).model.name)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=ENV
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split()[-1] == "smollm2_135m"


def test_help_lists_the_modes_and_their_files() -> None:
    out = bench("--help").stdout
    for text in ("--steps-only", "--paper", "results_steps_<device>.json", "results_paper_"):
        assert text in out, text
    assert "--vocab-memory" in out and "vocab_memory" in out


def test_each_mode_takes_its_own_shapes(capsys) -> None:
    assert parse(["--vocab-memory", "--shape", "tiny"]).shape == "tiny"
    with pytest.raises(SystemExit) as refused:
        parse(["--vocab-memory", "--shape", "7b"])
    assert refused.value.code == 2
    assert "--shape 7b: --vocab-memory takes full, tiny or auto" in capsys.readouterr().err


def test_steps_only_times_every_contender_in_one_phase(tmp_path: Path) -> None:
    out = tmp_path / "steps.json"
    bench("--steps-only", "--rounds", "3", "--out", str(out), "model=tiny_llama")
    data = json.loads(out.read_text())
    assert data["complete"] and data["overrides"] == ["model=tiny_llama"]
    contenders = {"bare", "dpo", "rpo"} | (
        {"trl_dpo"} if importlib.util.find_spec("trl") else set()
    )
    assert set(data["step_seconds"]) == contenders
    assert data["step_repeats"] == {"bare": 2, "dpo": 3, "rpo": 3} | (  # bare, TRL: 1 in 2
        {"trl_dpo": 2} if "trl_dpo" in contenders else {}
    )
    assert set(data["phase_seconds"]) == {"setup", "steps"}  # no phase of TRL's own
    assert data["rpo_vs_dpo"] == data["step_seconds"]["rpo"] / data["step_seconds"]["dpo"]
    flops = data["fp32_utilization"]  # the DPO step's model FLOP/s over an fp32 torch.mm's
    assert flops["model_flops_per_step"] > 0 and flops["matmul_gflops_per_s"] > 0
    rate = flops["model_flops_per_step"] / data["step_seconds"]["dpo"] / 1e9
    assert flops["dpo_gflops_per_s"] == pytest.approx(rate)
    assert data["dpo_vs_fp32_matmul"] == pytest.approx(rate / flops["matmul_gflops_per_s"])


def test_vocab_memory_tiny_shape_measures_each_contender_in_a_section(tmp_path: Path) -> None:
    """Each contender's peak memory, in the `vocab_memory` section; the file's other figures
    (another mode's) stay as they were."""
    out = tmp_path / "results.json"
    out.write_text(json.dumps({"step_seconds": {"dpo": 1.5}, "complete": True}))
    bench("--vocab-memory", "--shape", "tiny", "--out", str(out), "trainer.logits_chunk_tokens=16")
    data = json.loads(out.read_text())
    assert data["step_seconds"] == {"dpo": 1.5} and data["complete"] is True
    section = data["vocab_memory"]
    assert section["complete"] and section["shape"] == "tiny" and section["scored_tokens"] == 64
    runs = section["runs"]
    assert runs["chunked"]["logits_chunk_tokens"] == 16
    assert runs["unchunked"]["logits_chunk_tokens"] == 0
    keys = ["chunked_mib", "unchunked_mib"]
    if importlib.util.find_spec("trl") is not None:
        keys.append("trl_mib")
        expected = section["chunked_mib"] / section["trl_mib"]
        assert section["chunked_vs_trl"] == pytest.approx(expected)
    for key in keys:
        assert section[key] > 0, key
    for run in runs.values():
        assert 0 < run["start_mib"] <= run["peak_mib"]
    expected = section["chunked_mib"] / section["unchunked_mib"]
    assert section["chunked_vs_unchunked"] == pytest.approx(expected)


def measured(run: dict | str) -> bool:
    """A contender's figures are real measurements (not "oom", "skipped: ..", "error: ..")."""
    if not isinstance(run, dict):
        return False
    positive = all(run[k] is not None and run[k] > 0 for k in FIGURES)
    return positive and run["mfu"] is None and len(run["step_times"]) == 2


def test_paper_bench_tiny_shape_on_cpu(tmp_path: Path) -> None:
    out = tmp_path / "paper.json"
    proc = bench("--paper", "--shape", "tiny", "--out", str(out))
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


def test_gpu_check_dry_run_records_every_check(tmp_path: Path) -> None:
    """`make gpu-check`'s CPU form: each check ran (or was skipped, saying why) under its own
    limit and left an outcome; QLoRA, FSDP and the paper bench's tiny form pass on CPU (the
    latter with a measured DPO step)."""
    out = tmp_path / "gpu.json"
    proc = bench("--gpu-check", "--out", str(out))
    data = json.loads(out.read_text())
    assert data["complete"] and data["dry_run"] and data["device"].startswith("cpu")
    assert data["versions"]["torch"] and data["limit_s"] == 470
    names = ["qlora", "fsdp", "flex_vs_sdpa", "vllm", "paper_1b", "paper_7b"]
    assert list(data["checks"]) == names
    for name, check in data["checks"].items():
        outcome = check["outcome"]
        assert outcome == "passed" or outcome.startswith(("failed: ", "timeout", "skipped: "))
        assert 0 <= check["seconds"] <= check["limit_s"] + 5, (name, check["seconds"])
        assert f"{name:13s} {outcome.splitlines()[0][:40]}" in proc.stdout
        if outcome != "passed" and not outcome.startswith("skipped"):
            assert check["output_tail"], name
    for name in ("qlora", "fsdp", "paper_1b", "paper_7b"):  # these run on CPU too
        assert data["checks"][name]["outcome"] == "passed", data["checks"][name]
    assert data["checks"]["flex_vs_sdpa"]["outcome"].startswith("skipped: FlexAttention has no")
    assert data["checks"]["vllm"]["outcome"] == "skipped: vLLM runs on CUDA only"
    for shape in ("1b", "7b"):
        paper = data["checks"][f"paper_{shape}"]
        assert paper["outcome"] == "passed", paper
        figures = paper["figures"]
        assert figures["shape"] == "tiny" and figures["complete"]
        assert measured(figures["runs"]["peft=none,gc=on"]["dpo"])
    assert data["passed"] == sum(c["outcome"] == "passed" for c in data["checks"].values())
