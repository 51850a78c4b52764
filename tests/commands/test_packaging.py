"""A built wheel is the whole project a user runs: its configs and notebooks inside, so an
installed rpo_exp trains from any directory, not only from a checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import CONF, ROOT, TINY


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"  # a copy: setuptools writes build/ beside the sources
    skip = (".venv", ".git", "build", "outputs", "multirun", "wandb", "studies", "*.egg-info")
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(*skip))
    build = ["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)]
    subprocess.run(
        [sys.executable, "-m", "pip", *build],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("rpo_exp-*.whl"))


def test_the_wheel_holds_every_config_and_notebook(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    configs = {f"rpo_exp/conf/{p.relative_to(CONF)}" for p in CONF.rglob("*.yaml")}
    notebooks = {f"rpo_exp/notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert len(configs) > 50 and len(notebooks) >= 4
    assert configs | notebooks <= names, sorted((configs | notebooks) - names)[:5]


def test_the_installed_package_composes_and_trains_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    """The wheel unpacked as site-packages (first on the path), run from an empty directory: the
    checkout's conf/ is nowhere to be found, and `train` still composes, validates and trains."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "work"
    work.mkdir()
    env = os.environ | {"PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import rpo_exp; print(rpo_exp.__file__)"],
        capture_output=True, text=True, cwd=work, env=env, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(site)), where.stdout
    bench = subprocess.Popen(  # beside the training run: two cores
        [sys.executable, "-m", "rpo_exp.bench", "--help"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=work, env=env,
    )  # fmt: skip
    short = ["trainer.max_steps=1", "trainer.eval_max_examples=4", "hydra.run.dir=run"]
    run = subprocess.run(
        [sys.executable, "-m", "rpo_exp.train", *TINY, *short],
        capture_output=True, text=True, cwd=work, env=env, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert (work / "run" / "final").is_dir() and (work / "run" / "metrics.jsonl").is_file()
    said, error = bench.communicate(timeout=120)
    assert bench.returncode == 0 and "--paper" in said, error[-2000:]
