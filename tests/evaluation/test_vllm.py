"""`eval.engine=vllm` (docs/method.md, "Sampling engines"): refused without vLLM, naming `make
install-vllm`; an adapter run merged once for it; and, in the vLLM environment that `make
install-vllm` builds (`make test-slow` passes it as $RPO_EXP_VLLM_PYTHON), greedy generations
that agree with `eval.engine=hf` token by token."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf
from transformers import AutoModelForCausalLM

from rpo_exp.common.errors import ConfigError
from rpo_exp.data.rendering import prompt_format
from rpo_exp.evaluation.generation import check_engine, continuations, prompt_ids
from rpo_exp.evaluation.pipeline import held_out, run_policy, vllm_weights
from rpo_exp.evaluation.vllm_engine import PYTHON_ENV, VLLM, vllm_runner
from rpo_exp.modeling.models import inference_model, load_tokenizer, resolve_source
from tests.evaluation.test_judge import evaluate_cli
from tests.helpers import TINY, compose_cfg, run_train


def test_vllm_without_its_environment_is_refused_before_anything_loads(
    tmp_path: Path, monkeypatch
) -> None:
    """No vLLM environment: refused at once, naming `make install-vllm` and the fallback."""
    missing = str(tmp_path / "no-venv" / "bin" / "python")
    monkeypatch.setenv(PYTHON_ENV, missing)
    with pytest.raises(ConfigError, match=r"make install-vllm.*eval.engine=hf"):
        check_engine(OmegaConf.create({"engine": "vllm"}))
    with pytest.raises(ConfigError, match=r"eval.engine=fast: must be one of hf, vllm"):
        check_engine(OmegaConf.create({"engine": "fast"}))
    done = evaluate_cli(
        "model=tiny_llama", "dataset=hh_sample", "eval.engine=vllm", f"hydra.run.dir={tmp_path}",
        cache=tmp_path / "cache", env={PYTHON_ENV: missing},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"{PYTHON_ENV}={missing} is not a Python that imports vllm" in done.stderr
    assert "make install-vllm" in done.stderr
    assert not (tmp_path / "generations.jsonl").exists()


@pytest.fixture(scope="module")
def lora_run(tmp_path_factory) -> Path:
    """A finished tiny_llama run with a LoRA adapter as its `final/` (no `final_merged/`); one
    attention head of 64 dims, as vLLM's CPU attention has no kernel for tiny_llama's 16."""
    run_dir = tmp_path_factory.mktemp("lora_run")
    heads = ["model.init_config.num_attention_heads=1", "model.init_config.num_key_value_heads=1"]
    done = run_train(*TINY, *heads, "peft=lora", "trainer.max_steps=1", run_dir=run_dir)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (run_dir / "final" / "adapter_config.json").is_file()
    assert not (run_dir / "final_merged").exists()
    return run_dir


def test_an_adapter_run_is_merged_once_into_the_cache(lora_run, tmp_path, monkeypatch) -> None:
    """vLLM loads full weights: base + adapter merged into the cache, computing what the
    adapted policy computes, and reused by the next evaluation."""
    monkeypatch.setenv("RPO_EXP_CACHE", str(tmp_path))
    policy = run_policy(str(lora_run))[0]
    merged = Path(vllm_weights(policy))
    assert merged.parent == tmp_path / "models" / "merged"
    assert not (merged / "adapter_config.json").exists()
    ids = torch.tensor([[1, 5, 9, 200, 7]])
    adapted = inference_model(policy.model, len(load_tokenizer(policy.model)), policy.seed)
    plain = AutoModelForCausalLM.from_pretrained(merged)
    torch.testing.assert_close(plain(ids).logits, adapted(ids).logits, rtol=1e-4, atol=1e-5)
    stamp = (merged / "config.json").stat().st_mtime_ns
    assert vllm_weights(policy) == str(merged)
    assert (merged / "config.json").stat().st_mtime_ns == stamp


def test_a_randomly_initialised_model_is_refused_for_vllm() -> None:
    from rpo_exp.evaluation.pipeline import Policy

    model = compose_cfg(*TINY).model
    with pytest.raises(ConfigError, match=r"model.init_config.*eval.engine=hf"):
        vllm_weights(Policy(model, "tiny"))


# -- for real, in the vLLM environment (`make install-vllm`; `make test-slow`) ------------------


@pytest.fixture(scope="module")
def vllm_env() -> None:
    """vLLM's environment, or a skip saying how to get it; under `make test-slow`
    ($RPO_EXP_VLLM_PYTHON set) a broken one fails."""
    try:
        vllm_runner()
    except ConfigError as error:
        if os.environ.get(PYTHON_ENV):
            raise
        pytest.skip(f"no vLLM environment: {error}")


def agreement(ours: list[list[int]], theirs: list[list[int]]) -> float:
    """The fraction of token positions on which two engines agree: per prompt, the positions
    where both continuations hold the same token, over the longer continuation's length;
    summed over prompts. A greedy divergence shifts what follows, so this is about the
    common prefix, and an early EOS on one side counts every position after it as a miss."""
    same = sum(
        a == b for x, y in zip(ours, theirs, strict=True) for a, b in zip(x, y, strict=False)
    )
    return same / sum(max(len(x), len(y)) for x, y in zip(ours, theirs, strict=True))


@pytest.mark.slow
def test_vllm_and_hf_agree_on_smollm2_greedy(vllm_env, tmp_path) -> None:
    """SmolLM2-135M in fp32 (the dequantized GGUF in the cache), 16 hh_sample prompts through
    the chat template, greedy, 32 new tokens: vLLM's tokens agree with `generate`'s on at
    least 90% of positions (`agreement`)."""
    cfg = compose_cfg(
        "model=smollm2_135m", "dataset=hh_sample", "eval.num_samples=16",
        "eval.max_new_tokens=32", "eval.temperature=0", "dataset.prompt_format=chat_template",
        config_name="evaluate",
    )  # fmt: skip
    model_cfg = cfg.model
    tokenizer = load_tokenizer(model_cfg)
    prompts = [row.prompt for row in held_out(cfg.dataset, cfg.eval)]
    assert len(prompts) == 16
    fmt = prompt_format(cfg.dataset, model_cfg)
    assert fmt == "chat_template"
    encoded = [prompt_ids(p, tokenizer, cfg.eval, fmt) for p in prompts]  # for both engines
    model = inference_model(model_cfg, len(tokenizer), 0)
    assert model.dtype == torch.float32
    ours = continuations(model, tokenizer, encoded, cfg.eval)
    vllm = VLLM(resolve_source(model_cfg.name_or_path), "float32")
    theirs = continuations(vllm, tokenizer, encoded, cfg.eval)
    share = agreement(ours, theirs)
    print(f"vLLM vs hf greedy token agreement: {share:.4f} over {len(prompts)} prompts")
    assert all(ours) and all(theirs)
    assert share >= 0.90, (share, ours, theirs)


@pytest.mark.slow
def test_evaluate_with_vllm_from_an_adapter_run(vllm_env, lora_run, tmp_path) -> None:
    """`python -m rpo_exp.evaluate run_dir=<LoRA run> eval.engine=vllm` in .venv: generation
    runs in the vLLM environment on the merged weights, the rest here; the responses are
    those of `eval.engine=hf`."""
    common = [f"run_dir={lora_run}", "judge=reward", "eval.num_samples=4", "logger=none"]
    responses = {}
    for engine in ("vllm", "hf"):
        done = evaluate_cli(
            *common, f"eval.engine={engine}", "eval.regenerate=true", cache=tmp_path / "cache"
        )
        assert done.returncode == 0, done.stderr[-3000:]
        lines = (lora_run / "eval" / "generations.jsonl").read_text().splitlines()
        responses[engine] = [json.loads(line)["response"] for line in lines]
    assert len(responses["vllm"]) == 4
    assert list((tmp_path / "cache" / "models" / "merged").iterdir())
    assert responses["vllm"] == responses["hf"]
