"""Hydra run dirs -> a `Sweep` of pandas DataFrames (`load_sweep`).

`load_sweep(path, ...)` reads a multirun dir (`<sweep>/<job>_<overrides>/`) or single run dirs:
- `runs`: one row per complete run (index: the run dir's name): its flattened config
  (`.hydra/config.yaml`: `loss.tau`, `embedder.name`, ...), `initial/<eval key>` and
  `final/<eval key>` (first and last `eval/...` rows of `metrics.jsonl`, checked against
  `summary.json`), `run/...` (final step, summed step seconds, peak RSS, path), `data/...`
  and `label` (its swept values); config columns are those without a `/` (but `label`);
- `curves`: long format, one row per (run, step, metric, value); eval metrics keep `eval/`;
- `failed`: every job dir that cannot be read and why (no metrics, no summary: crashed), so a
  crashed job is counted and reported, never silently dropped.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from rpo_exp.common.rundirs import RunDirError, find_run_dirs
from rpo_exp.common.trees import flatten

BENCHMARKS = ("leaderboard", "alpaca_eval2", "mt_bench", "arena_hard")  # eval/<name>.json


@dataclass
class Sweep:
    """A loaded sweep; `describe()` says what was found, including failed and missing jobs."""

    paths: list[Path]
    runs: pd.DataFrame
    curves: pd.DataFrame
    failed: pd.DataFrame
    swept: list[str]
    expected: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """Jobs the multirun.yaml asked for that left no dir (the multirun stopped early)."""
        if self.expected is None:
            return 0
        return max(0, self.expected - len(self.runs) - len(self.failed))

    def describe(self) -> str:
        where = ", ".join(str(p) for p in self.paths)
        lines = [f"{where}: {len(self.runs)} complete run(s), {len(self.failed)} failed"]
        if self.expected is not None:
            lines[0] += f", {self.expected} expected ({self.missing} never started)"
        lines.append(f"swept: {', '.join(self.swept) or 'nothing (one configuration)'}")
        if "experiment" in self.runs and self.runs["experiment"].notna().any():
            lines.append(f"experiment: {', '.join(map(str, self.runs['experiment'].unique()))}")
        lines += [f"FAILED {row.run}: {row.reason}" for row in self.failed.itertuples()]
        return "\n".join(lines + self.notes)


def load_config(run_dir: Path) -> dict[str, Any]:
    """The run's `.hydra/config.yaml`, flattened, interpolations resolved where possible."""
    path = run_dir / ".hydra" / "config.yaml"
    if not path.is_file():
        if not [p for p in run_dir.iterdir() if p.name != ".lock"]:  # the run writes nothing
            raise RunDirError(  # into its dir before every refusal is past
                f"{run_dir}: empty: the job was refused before training (its `error:` line is "
                "in the sweep's output)"
            )
        raise RunDirError(f"{run_dir}: no .hydra/config.yaml (not a Hydra run dir)")
    cfg = OmegaConf.load(path)
    try:
        tree = OmegaConf.to_container(cfg, resolve=True)
    except OmegaConfBaseException:
        with warnings.catch_warnings():  # tqdm.auto warns in a kernel without ipywidgets
            warnings.simplefilter("ignore")
            import rpo_exp.config.validation  # noqa: F401  registers the project's resolvers (default_tau)

        try:
            tree = OmegaConf.to_container(cfg, resolve=True)
        except OmegaConfBaseException:
            tree = OmegaConf.to_container(cfg, resolve=False)
    return flatten(tree)


def load_overrides(run_dir: Path) -> list[str]:
    """The run's command-line overrides (`.hydra/overrides.yaml`), [] if absent."""
    path = run_dir / ".hydra" / "overrides.yaml"
    return [str(o) for o in OmegaConf.load(path)] if path.is_file() else []


def read_metrics(run_dir: Path) -> list[dict[str, float]]:
    """The rows of `metrics.jsonl`; a missing, empty or corrupt file raises naming `run_dir`."""
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        raise RunDirError(
            f"{run_dir}: no metrics.jsonl: the job failed before training (see its train.log)"
        )
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as err:
            raise RunDirError(f"{path}, line {number}: not JSON ({err.msg})") from err
    if not rows:
        raise RunDirError(f"{run_dir}: metrics.jsonl is empty: the job failed before step 0")
    return rows


def load_run(run_dir: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One complete run: its table row and its curve records (run, step, metric, value)."""
    run_dir = Path(run_dir)
    config = load_config(run_dir)
    rows = read_metrics(run_dir)
    evals = [r for r in rows if any(k.startswith("eval/") for k in r)]
    train = [r for r in rows if "loss" in r]
    last_step = max(int(r["step"]) for r in rows)
    summary_path = run_dir / "summary.json"
    if not summary_path.is_file():
        raise RunDirError(
            f"{run_dir}: no summary.json: the run stopped after step {last_step} of "
            f"{config.get('trainer.max_steps')} (crashed, killed or still running)"
        )
    if not evals:
        raise RunDirError(f"{run_dir}: metrics.jsonl has no eval/ rows")
    summary = json.loads(summary_path.read_text())
    final = evals[-1]
    for key, value in summary.get("after", {}).items():
        if not math.isclose(final.get(key, math.nan), value, rel_tol=1e-9, abs_tol=1e-12):
            raise RunDirError(
                f"{run_dir}: summary.json says {key}={value} after training but the last eval "
                f"row of metrics.jsonl says {final.get(key)}"
            )
    row = dict(config)
    row |= {f"initial/{k}": v for k, v in evals[0].items() if k.startswith("eval/")}
    row |= {f"final/{k}": v for k, v in final.items() if k.startswith("eval/")}
    row |= {
        "run/final_step": int(final["step"]),
        "run/train_seconds": sum(r.get("perf/step_seconds", 0.0) for r in train),
        "run/peak_rss_gib": summary.get("peak_rss_gib", math.nan),
        "run/path": str(run_dir),
    }
    row |= {k: v for r in rows for k, v in r.items() if k.startswith("data/")}
    row |= benchmark_results(run_dir)
    name = run_dir.name
    curves = [
        {"run": name, "step": int(r["step"]), "metric": key, "value": float(value)}
        for r in rows
        for key, value in r.items()
        if key not in ("step", "data/skipped_rows")
    ]
    return row, curves


def benchmark_results(run_dir: Path) -> dict[str, float]:
    """`bench/<benchmark>/<key>` for the numbers of each `eval/<benchmark>.json` the run has
    (`python -m rpo_exp.evaluate benchmark=...`; a leaderboard's tasks as `tasks/<task>`)."""
    row = {}
    for name in BENCHMARKS:
        path = run_dir / "eval" / f"{name}.json"
        if not path.is_file():
            continue
        result = json.loads(path.read_text())
        numbers = result | {f"tasks/{k}": v for k, v in result.get("tasks", {}).items()}
        row |= {
            f"bench/{name}/{key}": float(value)
            for key, value in numbers.items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
    return row


def expected_jobs(sweep_dir: Path) -> int | None:
    """How many jobs `<sweep_dir>/multirun.yaml` asked for, or None where that is unknown.

    As Hydra's basic sweeper: `hydra.sweeper.params` then the command line's overrides, a later
    one replacing an earlier of the same key; glob sweeps (`glob(*)`) are not counted.
    """
    path = sweep_dir / "multirun.yaml"
    if not path.is_file():
        return None
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import ValueType

    cfg = OmegaConf.load(path)
    params = OmegaConf.select(cfg, "hydra.sweeper.params", default=None) or {}
    task = [f"{k}={v}" for k, v in params.items()]
    task += [str(o) for o in OmegaConf.select(cfg, "hydra.overrides.task", default=[]) or []]
    try:
        overrides = OverridesParser.create().parse_overrides(task)
    except Exception:  # an override syntax this Hydra version cannot parse: count unknown
        return None
    counts: dict[str, int] = {}
    for override in overrides:
        if override.value_type == ValueType.GLOB_CHOICE_SWEEP:
            return None  # expanding it needs the config groups
        sweep = override.is_sweep_override()
        counts[override.get_key_element()] = (
            len(list(override.sweep_string_iterator())) if sweep else 1
        )
    return math.prod(counts.values())


def swept_keys(runs: pd.DataFrame, overrides: Iterable[list[str]]) -> list[str]:
    """The config columns that tell the runs apart, without the ones they imply.

    Candidates are the columns that differ between runs: first `loss.name` (the method), then
    those the overrides name (a group override `embedder=mpnet` names `embedder.name`), then
    the `.name` columns, then the rest in config order. A candidate that the ones kept before
    it determine (`embedder.name_or_path` given `embedder.name`, `loss.beta` given
    `loss.name`) is left out, so an option of a group that sets several keys
    (`experiment/arm=swepo_dynamic_p0`) shows as the keys it sets (`loss.p`, `loss.variant`).
    """
    values = runs[config_columns(runs)].astype(str)
    varying = [c for c in values.columns if values[c].nunique(dropna=False) > 1]
    named: list[str] = []
    for override_list in overrides:
        for override in override_list:
            key = override.split("=", 1)[0].lstrip("+~")
            key = key if key in runs.columns else f"{key}.name"
            if key in varying and key not in named:
                named.append(key)
    names = [c for c in varying if c.endswith(".name") and c not in named]
    rest = [c for c in varying if c not in named and c not in names]
    kept: list[str] = []
    for column in dict.fromkeys([c for c in ("loss.name",) if c in varying] + named + names + rest):
        if not kept or (values.groupby(kept, dropna=False)[column].nunique(dropna=False) > 1).any():
            kept.append(column)
    return kept


def config_columns(runs: pd.DataFrame) -> list[str]:
    """The runs table's config columns (every other column but `label` has a `/`)."""
    return [c for c in runs.columns if "/" not in c and c != "label"]


def load_sweep(*paths: str | Path, strict: bool = False) -> Sweep:
    """Sweep dirs and/or run dirs -> `Sweep`; `strict=True` raises on any failed job."""
    if not paths:
        raise ValueError("load_sweep needs at least one sweep or run dir")
    rows: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    overrides: list[list[str]] = []
    expected: int | None = 0
    for path in map(Path, paths):
        count = expected_jobs(path)
        expected = None if count is None or expected is None else expected + count
        for run_dir in find_run_dirs(path):
            try:
                row, curves = load_run(run_dir)
            except (RunDirError, OSError, OmegaConfBaseException) as err:
                failed.append({"run": run_dir.name, "path": str(run_dir), "reason": str(err)})
                continue
            rows.append(row | {"run": run_dir.name})
            records += curves
            overrides.append(load_overrides(run_dir))
    if strict and failed:
        raise RunDirError("; ".join(f["reason"] for f in failed))
    if not rows:
        reasons = "; ".join(f["reason"] for f in failed)
        raise RunDirError(f"{', '.join(map(str, paths))}: no complete run ({reasons})")
    runs = pd.DataFrame(rows).set_index("run")
    swept = swept_keys(runs, overrides)
    runs["label"] = [  # from the raw rows: no NaN for keys a run lacks, no int -> float
        ", ".join(f"{k}={row[k]}" for k in swept if row.get(k) is not None) or row["run"]
        for row in rows
    ]
    curves_df = pd.DataFrame(records, columns=["run", "step", "metric", "value"])
    curves_df = curves_df.drop_duplicates(["run", "step", "metric"], keep="last")
    failed_df = pd.DataFrame(failed, columns=["run", "path", "reason"])
    return Sweep([Path(p) for p in paths], runs, curves_df, failed_df, swept, expected or None)


def open_sweep(sweep: str | Path | Sequence[str | Path]) -> Sweep:
    """`load_sweep` for a notebook's `SWEEP` parameter: one path or a list of them."""
    paths = [sweep] if isinstance(sweep, str | Path) else list(sweep)
    if not paths or not all(str(p) for p in paths):
        raise ValueError("SWEEP is not set: pass it (make report SWEEP=<dir>) or export SWEEP")
    return load_sweep(*paths)
