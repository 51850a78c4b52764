"""The figures of one bench run, printed as measured and written to its mode's results file."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from rpo_exp.benchmarks.common import device_name
from rpo_exp.common.files import write_text

# One results file per mode: `make bench` (all figures, CPU or GPU), `--steps-only` (figures
# 1-3), `--paper` (the paper shapes) and `--gpu-check`, the last three per device
# (`common.this_device`); `--vocab-memory` writes its figures into `make bench`'s file, as its
# `vocab_memory` section.
FILES = {
    "default": "results.json",
    "vocab": "results.json",
    "steps": "results_steps_{device}.json",
    "paper": "results_paper_{device}.json",
    "gpu": "results_gpu_{device}.json",
}


def results_path(mode: str, device: str) -> Path:
    """bench/<the mode's file> for a device slug ("cpu", "h100", ..), below the working
    directory (`make bench` runs in the checkout: its bench/)."""
    return Path("bench") / FILES[mode].format(device=device)


def merged(into: dict, new: dict) -> dict:
    """`into` with `new` merged in, nested dicts key by key."""
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merged(into[key], value)
        else:
            into[key] = value
    return into


class Results:
    """The figures so far: `add` prints a figure's line (flushed) as soon as it is measured and
    rewrites `out`, with the device and the 1-minute load average at start and at the latest
    figure (a bench counts ~1-2: higher means shared cores, slower steps). With a `section`,
    all of that is `out`'s key `section`, and the rest of the file stays as it was."""

    def __init__(self, out: Path, title: str, section: str | None = None, **head):
        self.out, self.section = out, section
        self.kept = json.loads(out.read_text()) if section and out.is_file() else {}
        start = os.getloadavg()[0]
        self.data = {"device": device_name(), "load_average": {"start": start, "end": start}}
        self.data |= {"complete": False, "phase_seconds": {}} | head
        self.phase_start = time.perf_counter()
        print(f"\n== {title} ({self.data['device']}) ==")
        self.line(f"load average (1 min) at start {start:.1f}")

    def line(self, text: str) -> None:
        print(text, flush=True)

    def add(self, text: str, **figures) -> None:
        merged(self.data, figures)
        self.data["load_average"]["end"] = os.getloadavg()[0]
        self.line(text)
        content = self.data if self.section is None else self.kept | {self.section: self.data}
        write_text(self.out, json.dumps(content, indent=2) + "\n")

    def phase(self, name: str) -> None:
        """Close the phase that began at the previous one (or at the start)."""
        now = time.perf_counter()
        seconds, self.phase_start = now - self.phase_start, now
        load = os.getloadavg()[0]
        self.add(
            f"-- phase {name}: {seconds:.0f} s (load average {load:.1f})",
            phase_seconds={name: round(seconds, 1)},
        )

    def finish(self) -> None:
        self.add(f"complete; written to {self.out}", complete=True)
