"""Writing files and directories so that a reader never sees half of one, and stamping them.

Every file or directory the project writes for others to read (caches, checkpoints, `final/`,
metrics rewrites) is written under a temporary name beside its target and renamed into place:
a crash, a kill or a full disk leaves the old content or nothing, never a truncated file.
A full disk is reported as such, naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rpo_exp.common.errors import StorageError

NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
MANIFEST = "manifest.json"


@contextlib.contextmanager
def no_space_named(path: Path) -> Iterator[None]:
    """Turn a full disk (or quota) while writing `path` into a StorageError naming it."""
    try:
        yield
    except OSError as err:
        if err.errno in NO_SPACE:
            raise StorageError(f"no space left on {path} ({os.strerror(err.errno)})") from err
        raise


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path to write; renamed to `path` when the block ends without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with no_space_named(path):
            yield Path(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_text(path: Path, text: str) -> None:
    """`path.write_text(text)`, atomically."""
    with atomic_file(path) as tmp:
        tmp.write_text(text)


@contextlib.contextmanager
def atomic_dir(target: Path, replace: bool = False) -> Iterator[Path]:
    """A temporary directory to fill; renamed to `target` when the block ends without error.

    `replace=False`: if another process created `target` meanwhile, its copy wins and ours is
    dropped (content-addressed caches, where both are the same). `replace=True`: an existing
    `target` is replaced (a run's own `final/`, a checkpoint).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        with no_space_named(target):
            yield tmp
        if replace and target.exists():
            old = target.with_name(f".{target.name}.old{os.getpid()}")
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):  # another process finished first: use its copy
                os.rename(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def files_stamp(directory: Path) -> list[tuple[str, int, int]] | None:
    """(name, size, mtime) of the files of a directory, None if it is not one: files that are
    rewritten change the stamp (a cheap identity for saved weights)."""
    if not directory.is_dir():
        return None
    files = sorted(f for f in directory.iterdir() if f.is_file())
    return [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 24), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=4096)
def _sha256_stamped(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(Path(path))


def write_manifest(directory: Path) -> None:
    """`directory/manifest.json`: the sha256 of every file beneath it, by relative path."""
    files = sorted(p for p in directory.rglob("*") if p.is_file() and p.name != MANIFEST)
    manifest = {str(p.relative_to(directory)): sha256_file(p) for p in files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1))


def manifest_problem(directory: Path) -> str | None:
    """None if every file of `directory/manifest.json` is there with its sha256, else what is
    wrong. A file is hashed once per process while its size and mtime stay the same (a
    truncated or rewritten file is hashed again; bit rot is caught by the next process)."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as err:
        return f"no readable {MANIFEST}: {err}"
    for name, digest in manifest.items():
        file = directory / name
        if not file.is_file():
            return f"{name} is missing"
        stat = file.stat()
        if _sha256_stamped(str(file), stat.st_size, stat.st_mtime_ns) != digest:
            return f"{name} does not match its sha256"
    return None


def discard(path: Path) -> None:
    """Remove a directory at once for other processes (renamed aside, then deleted); nothing
    if it is already gone."""
    aside = path.with_name(f".{path.name}.bad{os.getpid()}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return
    shutil.rmtree(aside, ignore_errors=True)
