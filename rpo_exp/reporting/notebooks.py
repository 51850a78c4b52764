"""The report notebooks (`notebooks/`), executed on a sweep into HTML (`render`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rpo_exp.common.paths import NOTEBOOKS_DIR
from rpo_exp.reporting.runs import load_sweep
from rpo_exp.reporting.tables import benchmark_table

NOTEBOOKS = ("rpo_tables.ipynb", "curves.ipynb", "swepo_table.ipynb")


def run_notebook(
    notebook: Path, sweep: Sequence[str | Path], out_dir: Path, timeout: int = 600
) -> Path:
    """Execute `notebook` with `SWEEP` set (papermill-style injected cell after the cell tagged
    `parameters`); writes the executed `.ipynb` and its `.html` into `out_dir`, returns the HTML.

    The kernel is the `python3` ipykernel spec, started with this interpreter (jupyter_client
    runs `python` kernel specs with `sys.executable`). A failing cell still writes both files,
    then raises.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    value = [str(Path(p).resolve()) for p in sweep]
    source = f"# Injected by rpo_exp.report\nSWEEP = {value[0] if len(value) == 1 else value!r}"
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    nb.cells.insert(tagged[0] + 1 if tagged else 0, cell)
    out_dir.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not its local-TCP warning
        resources={"metadata": {"path": str(out_dir)}},
    )
    try:
        client.execute()
    finally:
        nbformat.write(nb, out_dir / notebook.name)
        html, _ = HTMLExporter().from_notebook_node(nb)
        (out_dir / notebook.with_suffix(".html").name).write_text(html)
    return out_dir / notebook.with_suffix(".html").name


def render(sweeps: Sequence[str], out: Path, notebooks: Sequence[str] = NOTEBOOKS) -> list[Path]:
    """Load `sweeps` (failing, naming the dir, before any kernel starts), write `runs.csv`,
    `curves.csv`, `failed.csv` and, once runs were benchmarked, `benchmarks.csv` (printed) into
    `out`, then execute each notebook (a path, or a name
    in `NOTEBOOKS_DIR`) on them; returns the HTML files."""
    sweep = load_sweep(*sweeps)
    print(sweep.describe())
    out.mkdir(parents=True, exist_ok=True)
    sweep.runs.to_csv(out / "runs.csv")
    sweep.curves.to_csv(out / "curves.csv", index=False)
    sweep.failed.to_csv(out / "failed.csv", index=False)
    benchmarks = benchmark_table(sweep.runs)
    if not benchmarks.empty:  # evaluated with benchmark=...: the paper's benchmark table
        benchmarks.to_csv(out / "benchmarks.csv")
        print(benchmarks.to_string(float_format="{:.2f}".format))
    pages = []
    for name in notebooks:
        path = Path(name) if Path(name).is_file() else NOTEBOOKS_DIR / name
        pages.append(run_notebook(path, sweeps, out))
        print(f"wrote {pages[-1]}")
    return pages
