"""A loaded sweep's runs as the papers' tables: `overview`, `grid`, `method_table`, `curve`,
`benchmark_table`, and `show` (a table as notebook HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from rpo_exp.reporting.runs import Sweep, config_columns
from rpo_exp.training.rundir import REPORTED

ACCURACY, MARGIN, LOSS = (f"final/{name}" for name in REPORTED)
SHORT = {ACCURACY: "accuracy", MARGIN: "margin", LOSS: "loss"}


def overview(sweep: Sweep, metrics: Sequence[str] = (ACCURACY, MARGIN, LOSS)) -> pd.DataFrame:
    """One row per run (its label: the swept values), initial and final eval metrics."""
    columns = [
        c for m in metrics for c in (m.replace("final/", "initial/", 1), m) if c in sweep.runs
    ]
    table = sweep.runs.set_index("label")[[*columns, "run/final_step"]]
    return table.rename(columns=lambda c: c.replace("/eval/", " ").replace("rewards/", ""))


def grid(runs: pd.DataFrame, rows: str, columns: str, value: str = ACCURACY) -> pd.DataFrame:
    """`rows` x `columns` table of `value` (mean over runs sharing a cell: seeds, other axes).

    `.attrs["averaged_over"]` names the other config columns that differ inside a cell.
    """
    for key in (rows, columns, value):
        if key not in runs.columns:
            raise KeyError(f"{key}: not a column of the runs table")
    table = runs.pivot_table(
        index=rows, columns=columns, values=value, aggfunc="mean", dropna=False
    )
    table.attrs["averaged_over"] = _averaged_over(runs, [rows, columns])
    return table


def method_table(
    runs: pd.DataFrame,
    metrics: Sequence[str] = (ACCURACY, MARGIN),
    method: str = "loss.name",
    across: str = "dataset.name",
) -> pd.DataFrame:
    """Methods as rows, (`across` value, metric) as columns: the papers' comparison layout.

    Values are means over runs sharing a cell, with `runs` (their count) per `across` value;
    a metric a method does not log (SWEPO, KTO: no accuracy) is NaN.
    """
    metrics = [m for m in metrics if m in runs.columns]
    grouped = runs.groupby([method, across], dropna=False)
    table = grouped[metrics].mean().rename(columns=SHORT)
    table["runs"] = grouped.size()
    table = table.unstack(across).swaplevel(0, 1, axis=1)
    columns = [(a, m) for a in pd.unique(runs[across]) for m in table.columns.unique(1)]
    table = table.reindex(index=pd.unique(runs[method]), columns=columns)  # sweep order
    table.attrs["averaged_over"] = _averaged_over(runs, [method, across])
    return table


def _averaged_over(runs: pd.DataFrame, axes: list[str]) -> list[str]:
    """Config columns that vary inside the cells defined by `axes`; a group whose `.name`
    varies (`dataset.name`) is named by that column alone, not by the keys it sets."""
    config = [c for c in config_columns(runs) if c not in axes]
    nunique = (
        runs[config]
        .astype(str)
        .groupby([runs[a] for a in axes], dropna=False)
        .nunique(dropna=False)
    )
    varying = [c for c in config if (nunique[c] > 1).any()]
    named = {c.removesuffix("name") for c in varying if c.endswith(".name")}
    return [c for c in varying if c.endswith(".name") or not c.startswith(tuple(named))]


HEADLINES = {  # benchmark number -> its row in RPO App. B Table 5 (leaderboard tasks first)
    "bench/leaderboard/score": "Open LLM Leaderboard avg.",
    "bench/alpaca_eval2/lc_win_rate": "AlpacaEval 2 LC (%)",
    "bench/alpaca_eval2/win_rate": "AlpacaEval 2 WR (%)",
    "bench/mt_bench/score": "MT-Bench (1-10)",
    "bench/arena_hard/score": "Arena-Hard (%)",
}


def benchmark_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per benchmark number (each leaderboard task, then `HEADLINES`), one column per
    run (its label): the layout of RPO App. B Table 5. Empty when no run has been benchmarked
    (`python -m rpo_exp.evaluate run_dir=<sweep> benchmark=...`)."""
    tasks = [c for c in runs.columns if c.startswith("bench/leaderboard/tasks/")]
    rows = [c for c in [*tasks, *HEADLINES] if c in runs.columns]
    table = runs.set_index("label")[rows].T
    names = {c: c.rsplit("/", 1)[-1] for c in tasks} | HEADLINES
    return table.rename(index=names).rename_axis(index="benchmark", columns="run")


def curve(curves: pd.DataFrame, runs: pd.DataFrame, metric: str, by: str = "label") -> pd.DataFrame:
    """One metric as a step x `by` table (a runs column; mean over runs sharing a value)."""
    rows = curves[curves["metric"] == metric]
    if rows.empty:
        raise KeyError(f"{metric}: logged by no run (metrics: {sorted(set(curves['metric']))})")
    groups = rows["run"].map(runs[by])
    return rows.assign(**{by: groups}).pivot_table(index="step", columns=by, values="value")


def show(table: pd.DataFrame, caption: str = "", fmt: str = "{:.4g}") -> Any:
    """A table as notebook HTML with a fixed float format, its `averaged_over` note below it."""
    from IPython.display import HTML

    note = table.attrs.get("averaged_over")
    html = f"<h4>{caption}</h4>" if caption else ""
    html += table.to_html(float_format=fmt.format, na_rep="–")
    if note:
        html += f"<p><i>mean over runs that differ in: {', '.join(note)}</i></p>"
    return HTML(html)
