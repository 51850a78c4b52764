"""Errors a user can fix by changing a config key or an input file."""


class ConfigError(ValueError):
    """A config value is invalid; the message names the key and what is valid."""


class DataError(ValueError):
    """An input row or file is invalid; the message names the file, the row and what is valid."""


class StorageError(RuntimeError):
    """Writing failed for lack of disk space or quota; the message names the path."""


class DivergenceError(RuntimeError):
    """Training diverged (loss or gradient norm grew by orders of magnitude); the message names
    the step, the value and the setting to change."""
