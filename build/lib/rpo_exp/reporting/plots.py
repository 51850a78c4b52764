"""A loaded sweep's curves and tables as matplotlib figures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from rpo_exp.reporting.runs import Sweep
from rpo_exp.reporting.tables import curve

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_curves(
    sweep: Sweep, metrics: Sequence[str], by: str = "label", *, ncols: int = 2
) -> Figure:
    """One panel per metric (those no run logged are skipped), one line per `by` value."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    logged = [m for m in metrics if m in set(sweep.curves["metric"])]
    if not logged:
        raise KeyError(f"none of {list(metrics)} was logged")
    nrows = math.ceil(len(logged) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(5 * ncols, 3 * nrows + 1), squeeze=False, layout="constrained"
    )
    for ax, metric in zip(axes.flat, logged, strict=False):
        curve(sweep.curves, sweep.runs, metric, by).plot(ax=ax, marker="o", legend=False)
        ax.set_title(metric)
        ax.set_xlabel("step")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes.flat[len(logged) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize="small", title=by)
    return fig


def heatmap(table: pd.DataFrame, title: str, ax: Axes | None = None, fmt: str = ".3f") -> Axes:
    """A rows x columns table as an annotated heat map (NaN cells left blank)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 + 1.3 * table.shape[1], 1.2 + 0.6 * table.shape[0]))
    image = ax.imshow(table.to_numpy(dtype=float), cmap="viridis", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
    ax.set_yticks(range(table.shape[0]), [str(i) for i in table.index])
    ax.set_xlabel(str(table.columns.name))
    ax.set_ylabel(str(table.index.name))
    ax.set_title(title)
    for (i, j), value in pd.DataFrame(table.to_numpy(dtype=float)).stack().items():
        color = "black" if image.norm(value) > 0.5 else "white"  # readable on viridis
        ax.text(j, i, format(value, fmt), ha="center", va="center", color=color)
    ax.figure.colorbar(image, ax=ax)
    return ax


def plot_ablation(table: pd.DataFrame, title: str, ylabel: str, ax: Axes | None = None) -> Axes:
    """A rows x columns table as lines: x = the row values, one line per column (SWEPO's p)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    table.plot(ax=ax, marker="o")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    return ax
