"""Peak memory of a contender: CUDA's allocator peak, or the process's peak RSS on CPU."""

from __future__ import annotations

import contextlib
import gc
import re
from pathlib import Path

import torch

from rpo_exp.benchmarks.common import DEVICE

STATUS = Path("/proc/self/status")


def rss_resettable() -> bool:
    """Whether this kernel lets a process reset its peak RSS (VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return status_bytes("VmHWM") is not None
    except OSError:
        return False


def status_bytes(field: str) -> int | None:
    """A size field of /proc/self/status (VmHWM: peak RSS, VmRSS: RSS now) in bytes."""
    with contextlib.suppress(OSError):
        found = re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.M)
        return int(found.group(1)) * 1024 if found else None
    return None


class Memory:
    """Peak memory from `reset` on: CUDA's `max_memory_allocated`, or on CPU the process's peak
    RSS (VmHWM), which includes what the process held at the reset (interpreter, libraries,
    weights); `since` says when the bench resets it."""

    def __init__(self, since: str = "per contender"):
        self.cuda = DEVICE.type == "cuda"
        self.works = self.cuda or rss_resettable()
        if self.cuda:
            self.kind = f"cuda max_memory_allocated (reset {since})"
        elif self.works:
            self.kind = f"cpu peak RSS (VmHWM reset {since}; includes the process baseline)"
        else:
            self.kind = "none: this kernel cannot reset the peak RSS"

    def reset(self) -> float | None:
        """Free what earlier contenders left and start counting; GiB still allocated (CUDA),
        None on CPU (`now_gib` reads the RSS)."""
        gc.collect()
        if self.cuda:
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
            return torch.cuda.memory_allocated() / 2**30
        if self.works:
            Path("/proc/self/clear_refs").write_text("5")
        return None

    def now_gib(self) -> float | None:
        """GiB allocated (CUDA) or resident (CPU) now."""
        if self.cuda:
            return torch.cuda.memory_allocated() / 2**30
        rss = status_bytes("VmRSS")
        return rss / 2**30 if rss is not None else None

    def peak_gib(self) -> float | None:
        if self.cuda:
            return torch.cuda.max_memory_allocated() / 2**30
        rss = status_bytes("VmHWM") if self.works else None
        return rss / 2**30 if rss is not None else None
