"""`python -m rpo_exp.report SWEEP [SWEEP ...] [--out DIR] [--notebooks a.ipynb ...]`
(`make report SWEEP=...`): the sweep's tables as CSV and the report notebooks executed on it,
as HTML, in `<first SWEEP>/report/` (the logic: `rpo_exp.reporting`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from rpo_exp.reporting.notebooks import NOTEBOOKS, render


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m rpo_exp.report", description=__doc__)
    parser.add_argument("sweep", nargs="+", help="sweep dir(s) or run dir(s)")
    parser.add_argument("--out", type=Path, help="default: <first SWEEP>/report")
    parser.add_argument("--notebooks", nargs="+", default=list(NOTEBOOKS))
    args = parser.parse_args(argv)
    render(args.sweep, args.out or Path(args.sweep[0]) / "report", args.notebooks)


if __name__ == "__main__":
    main()
