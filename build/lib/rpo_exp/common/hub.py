"""Loading from a local directory or the Hugging Face Hub, with one offline behaviour.

Offline (the hub does not answer a TCP connect, `paths.hub_reachable`), a hub id is read from
the local Hugging Face cache only, so a load fails in seconds instead of after the hub client's
retries; a load that fails becomes a ConfigError naming the config key and the offline
alternatives, never a silent fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.paths import hub_reachable

T = TypeVar("T")


LOCAL_FILES_ONLY = {"local_files_only": True}  # transformers / sentence-transformers offline


def load_local_or_hub(
    loader: Callable[..., T],
    source: str,
    key: str,
    alternatives: str,
    *args,
    offline: dict | None = LOCAL_FILES_ONLY,
    errors: tuple[type[BaseException], ...] = (OSError,),
    **kwargs,
) -> T:
    """`loader(source, *args, **kwargs)`. Offline, a hub id is loaded with the `offline`
    arguments added (None: it cannot load offline, and fails at once). A failure (`errors`)
    becomes a ConfigError naming `key` and `alternatives` (what to set instead)."""
    if Path(source).is_dir():
        return loader(source, *args, **kwargs)
    if not hub_reachable():
        if offline is None:
            raise ConfigError(
                f"{key}={source}: the Hugging Face Hub is unreachable. {alternatives}"
            )
        kwargs |= offline
    try:
        return loader(source, *args, **kwargs)
    except errors as err:
        first = str(err).splitlines()[0] if str(err) else ""
        raise ConfigError(
            f"{key}={source}: could not load it from the Hugging Face Hub "
            f"({err.__class__.__name__}: {first}). {alternatives}"
        ) from None
