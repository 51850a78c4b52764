"""Content-addressed caches shared by every run and every job of a sweep.

A `ValueStore` maps string keys (hashes of what determines a value: a prompt's text, a scored
sequence's tokens) to fp32 rows, in one file per identity (an embedder, a reference model).
Reads and writes hold a file lock, so concurrent sweep jobs wait for the one that computes and
then read its values; files are replaced atomically. A file that does not load, whose contents
do not match the sha256 stored with them, or that belongs to another identity, is reported and
rebuilt, never used. A non-finite value is never stored (`NonFiniteError`, naming the identity
that computed it): one bad run cannot poison every later one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence

import torch
from filelock import FileLock

from rpo_exp.common.errors import NonFiniteError
from rpo_exp.common.files import atomic_file
from rpo_exp.common.paths import cache_dir

log = logging.getLogger(__name__)
FORMAT = 2  # 2: a sha256 of the contents, verified on every read


def digest(*parts: object) -> str:
    """A stable hex digest of `parts` (their reprs)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


class ValueStore:
    """fp32 rows by key for one identity, in `$RPO_EXP_CACHE/<kind>/<digest(identity)>.pt`."""

    def __init__(self, kind: str, identity: str):
        self.kind, self.identity = kind, identity
        self.path = cache_dir(kind) / f"{digest(identity)}.pt"
        self.lock = FileLock(str(self.path) + ".lock")

    def _read(self) -> dict[str, torch.Tensor]:
        if not self.path.exists():
            return {}
        try:
            data = torch.load(self.path, map_location="cpu", weights_only=True)
            if data["format"] != FORMAT or data["identity"] != self.identity:
                raise ValueError(f"written for another identity: {data['identity']!r}")
            keys, values = data["keys"], data["values"]
            if len(keys) != len(values):
                raise ValueError(f"{len(keys)} keys but {len(values)} values")
            if _checksum(keys, values) != data["sha256"]:
                raise ValueError("its contents do not match their sha256")
            if len(values) and not bool(torch.isfinite(values).all()):
                raise ValueError("it holds NaN or inf (written before they were refused)")
        except Exception as err:  # any unreadable, altered or foreign file is rebuilt, never used
            log.warning("cache %s is unusable (%s): rebuilding it", self.path, err)
            return {}
        return dict(zip(keys, values, strict=True))

    @property
    def source(self) -> str:
        """What computes this store's values, for messages."""
        return f"{self.kind} values of {self.identity}"

    def _write(self, table: dict[str, torch.Tensor]) -> None:
        keys = list(table)
        values = torch.stack([table[k] for k in keys]) if keys else torch.empty(0)
        check_finite(keys, values, self.source)
        payload = {
            "format": FORMAT,
            "identity": self.identity,
            "keys": keys,
            "values": values,
            "sha256": _checksum(keys, values),
        }
        with atomic_file(self.path) as tmp:
            torch.save(payload, tmp)

    def get_or_compute(
        self, keys: Sequence[str], compute: Callable[[list[int]], torch.Tensor]
    ) -> tuple[torch.Tensor, int]:
        """Rows for `keys` (in order) and how many were computed; `compute(positions)` returns
        the rows of the missing `keys[positions]`. Holds the lock throughout, so a concurrent
        job asking for the same keys waits and then reads instead of computing."""
        with self.lock:
            table = self._read()
            added = missing_rows(table, keys, compute, self.source)
            if added:
                table |= added
                self._write(table)
        return torch.stack([table[k] for k in keys]), len(added)

    def snapshot(self) -> dict[str, torch.Tensor]:
        """Every row the store holds now (read under the lock)."""
        with self.lock:
            return self._read()

    def add(self, rows: dict[str, torch.Tensor]) -> None:
        """Store `rows`, merged with what other jobs wrote meanwhile."""
        with self.lock:
            self._write(self._read() | rows)


def _checksum(keys: list[str], values: torch.Tensor) -> str:
    """sha256 of the keys and the exact bytes of the values."""
    h = hashlib.sha256("\n".join(keys).encode())
    h.update(values.contiguous().numpy().tobytes())
    return h.hexdigest()


def check_finite(keys: Sequence[str], values: torch.Tensor, source: str) -> None:
    """Refuse rows holding NaN or inf (`NonFiniteError` naming `source` and the first key)."""
    bad = ~torch.isfinite(values.reshape(len(values), -1)).all(dim=1) if len(values) else None
    if bad is not None and bool(bad.any()):
        first = int(bad.nonzero()[0])
        raise NonFiniteError(
            f"{source}: {int(bad.sum())} of {len(values)} computed rows hold NaN or inf (the "
            f"first for key {keys[first]}: {values[first].flatten()[:4].tolist()}); nothing is "
            "cached. Check the settings that computed them (model weights, peft.*, dtype)"
        )


def missing_rows(
    table: dict[str, torch.Tensor],
    keys: Sequence[str],
    compute: Callable[[list[int]], torch.Tensor],
    source: str,
) -> dict[str, torch.Tensor]:
    """Rows computed for the distinct `keys` that `table` lacks (one computation per key);
    `NonFiniteError`, naming `source`, if any is NaN or inf."""
    first = {}
    for i, key in enumerate(keys):
        if key not in table:
            first.setdefault(key, i)
    if not first:
        return {}
    rows = compute(list(first.values())).detach().float().cpu()
    check_finite(list(first), rows, source)
    return dict(zip(first, rows, strict=True))
