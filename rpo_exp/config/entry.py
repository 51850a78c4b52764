"""The commands' entry point: `rpo_exp.common.cli.command` with what the config room adds.
Importing it registers every group's base (`rpo_exp.config.schema`) before Hydra composes, and
a command-line override of a key that moved is refused naming its new name (exit 2)."""

from __future__ import annotations

from collections.abc import Callable

from omegaconf import DictConfig

from rpo_exp.common import cli
from rpo_exp.config.schema import moved_problem


def command(config_name: str) -> Callable[[Callable[[DictConfig], None]], Callable[[], None]]:
    """`@command("config")` on a command's `main(cfg)` (`rpo_exp.common.cli.command`)."""
    return cli.command(config_name, argv_checks=(moved_problem,))
