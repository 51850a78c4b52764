"""The run dirs of a sweep (`find_run_dirs`): what `rpo_exp.evaluate` evaluates and
`rpo_exp.reporting` reads, in job order."""

from __future__ import annotations

import re
import sys
from pathlib import Path

JOB_DIR = re.compile(r"^(\d+)(_|$)")


class RunDirError(ValueError):
    """A run dir that cannot be read; the message names the directory and what is missing."""


def find_run_dirs(path: str | Path) -> list[Path]:
    """`path` itself if it is a run dir, else the run dirs beneath it, in job order.

    A run dir holds `.hydra/config.yaml`, at any depth (a sweep subdir with a `/` nests it). A
    subdirectory named like a job (`<n>_...`) with no run dir in it is returned too, so that it
    is reported as failed.
    """
    path = Path(path)
    if not path.is_dir():
        raise RunDirError(f"{path}: no such directory")
    if (path / ".hydra" / "config.yaml").is_file():
        return [path]
    found = {config.parent.parent for config in path.rglob(".hydra/config.yaml")}
    found = {run for run in found if not any(other in run.parents for other in found)}
    for sub in path.iterdir():
        if sub.is_dir() and JOB_DIR.match(sub.name) and not any(sub in r.parents for r in found):
            found.add(sub)
    if not found:
        raise RunDirError(
            f"{path}: neither a run dir nor a sweep dir (no .hydra/config.yaml in it or in any "
            "subdirectory)"
        )
    return sorted(found, key=lambda run: _job_order(run.relative_to(path).parts[0]))


def _job_order(name: str) -> tuple[int, str]:
    match = JOB_DIR.match(name)
    return (int(match.group(1)) if match else sys.maxsize, name)
