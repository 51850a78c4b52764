"""The README's default run (SmolLM2-135M, hh_sample, RPO), real size: `make test-slow`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_train


@pytest.mark.slow
def test_default_run_learns(tmp_path: Path) -> None:
    result = run_train("logger=none", run_dir=tmp_path, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    before, after = summary["before"], summary["after"]
    assert after["eval/rewards/accuracies"] > max(before["eval/rewards/accuracies"], 0.6)
    assert after["eval/rewards/margins"] > before["eval/rewards/margins"]
    assert "peak RSS" in result.stdout
