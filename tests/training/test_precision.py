"""Precision and memory settings: bf16-mixed keeps fp32 master weights that every update moves,
bf16-true rounds small updates away (and says so), final/ is written in model.dtype, and
activation checkpointing leaves loss and gradients unchanged."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from rpo_exp.train import run
from tests.helpers import TINY, compose_cfg, run_train
from tests.training.test_trainer import grads_after_backward

PAPER_LR = [*TINY, "model.dtype=bfloat16", "trainer.lr=5e-7", "trainer.max_steps=3"]
PAPER_LR += ["trainer.checkpoint_every=1", "trainer.batch_size=4", "trainer.micro_batch_size=4"]
PAPER_LR += ["trainer.eval_max_examples=8"]


def moved_between_checkpoints(run_dir: Path) -> tuple[set[str], float]:
    """(dtypes of the checkpointed weights, share of them that differ from step 1 to step 2)."""
    one = load_file(run_dir / "checkpoints" / "step-1" / "model.safetensors")
    two = load_file(run_dir / "checkpoints" / "step-2" / "model.safetensors")
    total = sum(t.numel() for t in one.values())
    moved = sum((one[k] != two[k]).sum().item() for k in one)
    return {str(t.dtype) for t in one.values()}, moved / total


def test_bf16_mixed_keeps_fp32_master_weights_that_every_update_moves(tmp_path: Path) -> None:
    run(compose_cfg(*PAPER_LR, "trainer.precision=bf16-mixed"), tmp_path, "mixed")
    dtypes, moved = moved_between_checkpoints(tmp_path)
    assert dtypes == {"torch.float32"}
    assert moved >= 0.99, f"only {moved:.1%} of the master weights moved at lr 5e-7"
    final = load_file(tmp_path / "final" / "model.safetensors")
    assert {t.dtype for t in final.values()} == {torch.bfloat16}  # model.dtype
    assert json.loads((tmp_path / "final" / "config.json").read_text())["dtype"] == "bfloat16"
    assert AutoModelForCausalLM.from_pretrained(tmp_path / "final").dtype == torch.bfloat16


def test_auto_is_bf16_mixed_for_a_bfloat16_model(tmp_path: Path) -> None:
    run(compose_cfg(*PAPER_LR), tmp_path, "auto")  # trainer.precision=auto, the default
    dtypes, moved = moved_between_checkpoints(tmp_path)
    assert dtypes == {"torch.float32"} and moved >= 0.99


def test_bf16_true_rounds_most_updates_away_and_says_so(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        run(compose_cfg(*PAPER_LR, "trainer.precision=bf16-true"), tmp_path, "true")
    dtypes, moved = moved_between_checkpoints(tmp_path)
    assert dtypes == {"torch.bfloat16"}
    assert moved < 0.5, f"{moved:.1%} moved: bf16 weights should round most updates away"
    assert caplog.text.count("precision=bf16-true: weights and updates are bf16") == 1


def test_a_bad_precision_is_refused() -> None:
    with pytest.raises(
        ConfigError,
        match=r"trainer.precision=fp8: Invalid value 'fp8', expected one of \[auto, fp32",
    ):
        validate(compose_cfg(*TINY, "trainer.precision=fp8"))


@pytest.mark.parametrize(("loss", "micro"), [("rpo", 8), ("dpo", 2)])
def test_gradient_checkpointing_gives_the_same_loss_and_gradients(
    tokenizer, monkeypatch, loss: str, micro: int
) -> None:
    from transformers.models.llama.modeling_llama import LlamaMLP

    calls = []  # MLP runs: again in backward where a layer is checkpointed (module hooks do
    mlp_forward = LlamaMLP.forward  # not fire in the recompute, so count the method)
    monkeypatch.setattr(
        LlamaMLP, "forward", lambda *a, **k: calls.append(1) or mlp_forward(*a, **k)
    )
    cfg = compose_cfg(*TINY, f"loss={loss}", "trainer.batch_size=8")
    plain_metrics, plain = grads_after_backward(cfg, tokenizer, micro)
    plain_calls = len(calls)
    cfg.trainer.gradient_checkpointing = True
    ckpt_metrics, ckpt = grads_after_backward(cfg, tokenizer, micro)
    assert len(calls) - plain_calls > plain_calls, "checkpointing recomputes each layer"
    assert ckpt_metrics["loss"] == pytest.approx(plain_metrics["loss"], abs=1e-6)
    assert sum(g.abs().sum() for g in plain.values()) > 0
    for name, grad in plain.items():
        torch.testing.assert_close(ckpt[name], grad, rtol=0, atol=1e-6, msg=name)


def torchrun_train(run_dir: Path, *overrides: str) -> str:
    """`rpo_exp.train` under torchrun, 2 gloo processes on CPU; its stdout and stderr."""
    done = run_train(*overrides, run_dir=run_dir, processes=2)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 process(es)" in done.stdout + done.stderr
    return done.stdout + done.stderr


def test_two_ranks_keep_fp32_master_weights_and_write_final_in_bfloat16(tmp_path: Path) -> None:
    """On 2 ranks (torchrun, gloo) precision is as on one: bf16-mixed checkpoints fp32 master
    weights that every lr-5e-7 update moves and writes final/ in bfloat16 (model.dtype);
    bf16-true keeps bf16 weights that most updates leave as they are, and says so on each rank."""
    mixed, true = tmp_path / "mixed", tmp_path / "true"
    torchrun_train(mixed, *PAPER_LR, "trainer.precision=bf16-mixed")
    dtypes, moved = moved_between_checkpoints(mixed)
    assert dtypes == {"torch.float32"}
    assert moved >= 0.99, f"only {moved:.1%} of the master weights moved at lr 5e-7"
    final = load_file(mixed / "final" / "model.safetensors")
    assert {t.dtype for t in final.values()} == {torch.bfloat16}
    assert json.loads((mixed / "final" / "config.json").read_text())["dtype"] == "bfloat16"
    assert AutoModelForCausalLM.from_pretrained(mixed / "final").dtype == torch.bfloat16

    logs = torchrun_train(true, *PAPER_LR, "trainer.precision=bf16-true")
    dtypes, moved = moved_between_checkpoints(true)
    assert dtypes == {"torch.bfloat16"}
    assert moved < 0.5, f"{moved:.1%} moved: bf16 weights should round most updates away"
    assert logs.count("precision=bf16-true: weights and updates are bf16") == 2  # one per rank
