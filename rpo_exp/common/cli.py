"""The commands' Hydra entry point: one place that turns a mistake the user can fix into
`error: ...` on stderr and exit status 2.

Exit 2 for: a `ConfigError`/`DataError`/... raised by the command; a Hydra composition error
(`loss=bogus`, `reward@judge.reward=bogus`, an unknown key without `+`: Hydra's own one-line
message, or its traceback under `HYDRA_FULL_ERROR=1`); a `hydra.run.dir`/`hydra.sweep.dir`
that is an existing file; an override of a key that moved (the command's `moved` table). A
crash inside the command keeps Hydra's report and exit status 1.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import hydra
from omegaconf import DictConfig

from rpo_exp.common.errors import (
    ConfigError,
    DataError,
    DivergenceError,
    NonFiniteError,
    StorageError,
)
from rpo_exp.common.paths import CONF_DIR

USER_ERRORS = (ConfigError, DataError, DivergenceError, NonFiniteError, StorageError)
OUTPUT_DIRS = ("hydra.run.dir", "hydra.sweep.dir")


def command(
    config_name: str, argv_checks: Sequence[Callable[[str], str | None]] = ()
) -> Callable[[Callable[[DictConfig], None]], Callable[[], None]]:
    """`@command("config")` on a command's `main(cfg)`: Hydra's `@hydra.main` with
    `conf/<config_name>.yaml`, and the exit statuses of the module docstring. Each of
    `argv_checks` says what is wrong with a command-line argument (else None), before Hydra
    reads it."""

    def decorate(task: Callable[[DictConfig], None]) -> Callable[[], None]:
        entered = []  # Hydra composed the config and called the task

        @functools.wraps(task)
        def body(cfg: DictConfig) -> None:
            entered.append(True)
            try:
                task(cfg)
            except USER_ERRORS as err:
                refuse(str(err))

        conf = str(CONF_DIR)
        run = hydra.main(config_path=conf, config_name=config_name, version_base="1.3")(body)

        @functools.wraps(task)
        def main() -> None:
            for check in (output_dir_problem, *argv_checks):
                for problem in map(check, sys.argv[1:]):
                    if problem:
                        refuse(problem)
            try:
                run()
            except SystemExit as exit:  # Hydra reports its errors, then exits 1
                if exit.code == 1 and not entered:
                    sys.exit(2)
                raise
            except Exception:  # HYDRA_FULL_ERROR=1: Hydra re-raises instead
                if entered:
                    raise
                traceback.print_exc()
                sys.exit(2)

        return main

    return decorate


def refuse(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def output_dir_problem(override: str) -> str | None:
    """What is wrong with a `hydra.run.dir=PATH` (or `hydra.sweep.dir=`) override: PATH or a
    folder above it is an existing file, where Hydra must make a directory; else None."""
    key, _, value = override.lstrip("+~").partition("=")
    if key not in OUTPUT_DIRS or not value:
        return None
    path = Path(value).expanduser()
    for part in (path, *path.parents):
        if part.exists() and not part.is_dir():
            return (
                f"{key}={value}: {part} is an existing file, not a directory; give a directory "
                "(a new one, or a run's to resume it)"
            )
    return None
