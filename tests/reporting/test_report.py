"""rpo_exp.report (rpo_exp.reporting) and notebooks/ on two tiny real sweeps (tiny_llama, one
step per job).

One RPO sweep over tau whose third job (tau=-1) fails validation, a real refused job that leaves
its dir empty, and one SWEPO sweep over p; both run concurrently (~1 min).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rpo_exp import report
from rpo_exp.reporting import notebooks, tables
from rpo_exp.reporting.runs import RunDirError, load_sweep
from tests.helpers import ROOT, TINY

SMALL = [
    *TINY,
    "trainer.max_steps=1",
    "trainer.batch_size=2",
    "trainer.micro_batch_size=2",
    "trainer.eval_max_examples=4",
]
TAUS = (0.25, 0.5)
PS = (0, 2)


def multirun(*overrides: str, sweep_dir: Path) -> subprocess.Popen:
    """`python -m rpo_exp.train -m ...` as a user runs it, started in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "rpo_exp.train", "-m", *overrides, f"hydra.sweep.dir={sweep_dir}"],
        cwd=ROOT,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("sweeps")
    rpo, swepo = root / "rpo", root / "swepo"
    taus = ",".join(map(str, TAUS))
    procs = [
        multirun(*SMALL, f"loss.tau={taus},-1", sweep_dir=rpo),
        multirun(
            *SMALL,
            "dataset=ultrafeedback_sample",
            "loss=swepo",
            f"loss.p={','.join(map(str, PS))}",
            sweep_dir=swepo,
        ),
    ]
    (_, rpo_err), (_, swepo_err) = (p.communicate(timeout=400) for p in procs)
    assert procs[0].returncode == 2 and "loss.tau" in rpo_err, rpo_err[-3000:]  # the tau=-1 job
    assert procs[1].returncode == 0, swepo_err[-3000:]
    return rpo, swepo


def summary(run_dir: str | Path) -> dict:
    return json.loads((Path(run_dir) / "summary.json").read_text())


def test_runs_table_has_one_row_per_job_with_its_summary_metrics(sweeps: tuple[Path, Path]):
    sweep = load_sweep(sweeps[0])
    runs = sweep.runs
    assert sorted(runs["loss.tau"]) == list(TAUS)
    assert sweep.swept == ["loss.tau"]
    assert sorted(runs["label"]) == [f"loss.tau={t}" for t in TAUS]
    assert (runs["loss.name"] == "rpo").all() and (runs["run/final_step"] == 1).all()
    for name, row in runs.iterrows():
        assert name == Path(row["run/path"]).name
        expected = summary(row["run/path"])
        assert expected["after"] and expected["before"]
        for key, value in expected["after"].items():
            assert math.isfinite(row[f"final/{key}"]) and row[f"final/{key}"] == value
        for key, value in expected["before"].items():
            assert row[f"initial/{key}"] == value
        assert row["run/peak_rss_gib"] == expected["peak_rss_gib"]


def test_crashed_job_is_counted_and_named(sweeps: tuple[Path, Path]):
    sweep = load_sweep(sweeps[0])
    assert sweep.expected == 3 and sweep.missing == 0
    [failed] = sweep.failed.itertuples()
    assert failed.run.startswith("2_") and "loss.tau=-1" in failed.run
    assert failed.path in failed.reason and "refused before training" in failed.reason
    assert f"FAILED {failed.run}" in sweep.describe()
    with pytest.raises(RunDirError, match=r"loss\.tau=-1"):
        load_sweep(sweeps[0], strict=True)


def test_unfinished_and_empty_dirs_are_reported_by_name(sweeps: tuple[Path, Path], tmp_path: Path):
    good = next(p for p in sorted(sweeps[0].iterdir()) if p.name.startswith("0_"))
    stopped = tmp_path / "sweep" / "0_stopped"
    shutil.copytree(good, stopped)
    (stopped / "summary.json").unlink()  # as a job killed after its last metrics row
    with pytest.raises(RunDirError, match=r"0_stopped: no summary.json: .* after step 1"):
        load_sweep(tmp_path / "sweep")
    shutil.copytree(good, tmp_path / "sweep" / "1_good")
    sweep = load_sweep(tmp_path / "sweep")
    assert list(sweep.runs.index) == ["1_good"] and list(sweep.failed["run"]) == ["0_stopped"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(RunDirError, match=str(tmp_path / "empty")):
        load_sweep(tmp_path / "empty")


def test_curves_hold_every_logged_value(sweeps: tuple[Path, Path]):
    sweep = load_sweep(*sweeps)
    assert set(sweep.curves.columns) == {"run", "step", "metric", "value"}
    for name, path in sweep.runs["run/path"].items():
        logged = {
            (row["step"], key, value)
            for line in (Path(path) / "metrics.jsonl").read_text().splitlines()
            for row in [json.loads(line)]
            for key, value in row.items()
            if key not in ("step", "data/skipped_rows")
        }
        mine = sweep.curves[sweep.curves["run"] == name]
        assert set(mine[["step", "metric", "value"]].itertuples(index=False, name=None)) == logged
    margins = tables.curve(sweep.curves, sweep.runs, "eval/rewards/margins", by="loss.name")
    assert list(margins.index) == [0, 1] and list(margins.columns) == ["rpo", "swepo"]


def test_tables_average_the_runs_of_each_cell(sweeps: tuple[Path, Path]):
    sweep = load_sweep(*sweeps)
    runs = sweep.runs
    assert sweep.swept == ["loss.name", "loss.tau", "loss.p"]  # dataset.name: implied by loss
    grid = tables.grid(runs[runs["loss.name"] == "rpo"], "loss.tau", "embedder.name", tables.MARGIN)
    for tau in TAUS:
        [value] = runs.loc[runs["loss.tau"] == tau, tables.MARGIN]
        assert grid.loc[tau, "minilm"] == value
    table = tables.method_table(runs)
    assert list(table.index) == ["rpo", "swepo"]
    for method, dataset in (("rpo", "hh_sample"), ("swepo", "ultrafeedback_sample")):
        cell = runs[runs["loss.name"] == method]
        assert table.loc[method, (dataset, "runs")] == len(cell) == 2
        assert table.loc[method, (dataset, "margin")] == pytest.approx(cell[tables.MARGIN].mean())
    assert pd.isna(table.loc["rpo", ("ultrafeedback_sample", "margin")])
    assert {"loss.tau", "loss.p"} <= set(table.attrs["averaged_over"])


def test_notebooks_render_the_sweeps_tables(sweeps: tuple[Path, Path], tmp_path: Path):
    out = tmp_path / "report"
    report.main([str(sweeps[0]), str(sweeps[1]), "--out", str(out)])
    sweep = load_sweep(*sweeps)
    runs = sweep.runs
    assert len(pd.read_csv(out / "runs.csv")) == len(runs) == 4
    assert list(pd.read_csv(out / "failed.csv")["run"]) == list(sweep.failed["run"])
    html = {name: (out / name).with_suffix(".html").read_text() for name in notebooks.NOTEBOOKS}
    for name, page in html.items():
        assert (out / name).is_file()
        assert sweep.failed["run"].iloc[0] in page  # the crashed job, named in every report
        assert "data:image/png;base64" in page, name  # every notebook draws
        assert "Traceback" not in page, name
    rpo = runs[runs["loss.name"] == "rpo"]
    for tau, margin in zip(rpo["loss.tau"], rpo[tables.MARGIN], strict=True):
        assert f"loss.tau={tau:g}" in html["rpo_tables.ipynb"]
        assert f"{margin:.4g}" in html["rpo_tables.ipynb"]  # in the overview and in Table 2
    swepo = runs[runs["loss.name"] == "swepo"]
    assert sorted(swepo["loss.p"]) == list(PS)
    for p, margin in zip(swepo["loss.p"], swepo[tables.MARGIN], strict=True):
        assert f"loss.p={p:g}" in html["swepo_table.ipynb"]
        assert f"{margin:.4g}" in html["swepo_table.ipynb"]
    assert "final eval margin: p x variant" in html["swepo_table.ipynb"]  # output, not source
    assert "hh_sample: final eval accuracy" in html["rpo_tables.ipynb"]  # Table 2's caption
    for method in ("rpo", "swepo"):
        assert f"<th>{method}</th>" in html["curves.ipynb"]  # per-step margins table, by method


def test_a_sweep_is_benchmarked_at_once_and_reported_as_the_papers_table(
    sweeps: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture
):
    """`python -m rpo_exp.evaluate run_dir=<sweep> benchmark=mt_bench`: every finished run
    judged (the refused job named and skipped), each result in its own eval/; the report's
    benchmark table has one column per run holding that run's result."""
    from tests.evaluation.scripted_judge import scripted_judge
    from tests.evaluation.test_judge import evaluate_cli
    from tests.evaluation.test_mt_bench import bench_args, reply

    with scripted_judge(reply) as judge:
        args = [
            a
            for a in bench_args(tmp_path, judge.base_url)
            if not a.startswith(("model=", "hydra."))
        ]
        done = evaluate_cli(f"run_dir={sweeps[0]}", *args, cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{sweeps[0]}: 2 finished run(s), 1 skipped" in done.stdout
    assert "(each of 2 run(s))" in done.stdout and done.stdout.count("MT-Bench: ") == 2
    sweep = load_sweep(sweeps[0])
    assert len(sweep.runs) == 2 and len(sweep.failed) == 1  # eval/ dirs are no runs

    out = tmp_path / "report"
    notebooks.render([str(sweeps[0])], out, [])
    table = pd.read_csv(out / "benchmarks.csv", index_col=0)
    assert list(table.columns) == list(sweep.runs["label"]) and list(table.index) == [
        "MT-Bench (1-10)"
    ]
    for label, path in zip(sweep.runs["label"], sweep.runs["run/path"], strict=True):
        score = json.loads((Path(path) / "eval" / "mt_bench.json").read_text())["score"]
        assert table.loc["MT-Bench (1-10)", label] == pytest.approx(score)
    assert "MT-Bench (1-10)" in capsys.readouterr().out
