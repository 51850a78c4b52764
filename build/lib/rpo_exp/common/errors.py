"""Errors a user can fix by changing a config key or an input file."""

import importlib.util


class ConfigError(ValueError):
    """A config value is invalid; the message names the key and what is valid."""


class DataError(ValueError):
    """An input row or file is invalid; the message names the file, the row and what is valid."""


class StorageError(RuntimeError):
    """Writing failed for lack of disk space or quota; the message names the path."""


class DivergenceError(RuntimeError):
    """Training diverged (loss or gradient norm grew by orders of magnitude); the message names
    the step, the value and the setting to change."""


class NonFiniteError(RuntimeError):
    """A computed value to be cached is NaN or infinite; the message names what computed it.
    Nothing is cached, so no later run reads it."""


def unmet(cuda: bool, package: str, pip_name: str) -> str | None:
    """What of (a CUDA GPU, the package `package`) is missing, as "a CUDA GPU and the
    `pip_name` package"; None when both are there."""
    missing = [] if cuda else ["a CUDA GPU"]
    if importlib.util.find_spec(package) is None:
        missing.append(f"the {pip_name} package")
    return " and ".join(missing) or None
