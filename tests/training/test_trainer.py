"""The loop's own guarantees: exact micro-batching and a deterministic data order."""

from __future__ import annotations

import json

import pytest
import torch
from accelerate import Accelerator

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.modeling.models import load_policy
from rpo_exp.training.layouts import shuffled_batches
from rpo_exp.training.trainer import Split, Trainer
from tests.helpers import TINY, compose_cfg


def grads_after_backward(cfg, tokenizer, micro: int):
    torch.manual_seed(0)
    model = load_policy(cfg.model, vocab_size=len(tokenizer))
    objective, convert, layout = validate(cfg)
    examples = convert(load_split(cfg.dataset, "train").examples[:8])
    items, _ = tokenize_examples(examples, tokenizer, 64, 128)
    emb = torch.randn(len(items), 16, generator=torch.Generator().manual_seed(1))
    split = Split(items, embeddings=emb)
    trainer_cfg = cfg.trainer.copy()
    trainer_cfg.micro_batch_size = micro
    trainer = Trainer(
        cfg=trainer_cfg,
        model=model,
        objective=objective,
        layout=layout,
        pad_id=tokenizer.pad_token_id,
        accelerator=Accelerator(cpu=True),
    )
    indices = list(range(len(items)))
    split.ref = trainer.logps_table(split, trainer.sequence_keys(split, [indices]), "ref")
    with torch.no_grad():  # move away from the reference so the loss has a real gradient
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    metrics = trainer.backward(split, indices)
    return metrics, {n: p.grad.clone() for n, p in model.named_parameters()}


@pytest.mark.parametrize("loss", ["rpo", "dpo", "sft", "ipo", "simpo", "simpo_rpo", "kto"])
def test_micro_batching_equals_full_batch(tokenizer, loss: str) -> None:
    cfg = compose_cfg(*TINY, f"loss={loss}", "trainer.batch_size=8")
    full_metrics, full = grads_after_backward(cfg, tokenizer, micro=8)
    micro_metrics, micro = grads_after_backward(cfg, tokenizer, micro=2)
    assert micro_metrics["loss"] == pytest.approx(full_metrics["loss"], rel=1e-5)
    assert full_metrics["loss"] != pytest.approx(0.6931471, abs=1e-6) or loss == "sft"
    assert sum(g.abs().sum() for g in full.values()) > 0
    for name, grad in full.items():
        torch.testing.assert_close(micro[name], grad, rtol=1e-4, atol=1e-7, msg=name)


def test_batch_order_is_seeded_full_batches() -> None:
    cfg = compose_cfg(*TINY, "trainer.batch_size=4", "trainer.max_steps=7").trainer
    order = shuffled_batches(10, cfg, seed=3)
    assert len(order) == 7 and all(len(b) == 4 for b in order)
    assert order == shuffled_batches(10, cfg, seed=3) and order != shuffled_batches(10, cfg, seed=4)
    assert len(set(order[0] + order[1])) == 8  # no repeats within an epoch
    cfg.max_steps = None
    cfg.epochs = 2
    assert len(shuffled_batches(10, cfg, seed=3)) == 4
    with pytest.raises(ConfigError, match=r"trainer\.batch_size=4 is larger than the 3 training"):
        shuffled_batches(3, cfg, seed=0)


def test_runs_are_deterministic_on_cpu(tmp_path) -> None:
    from rpo_exp.train import run

    cfg = compose_cfg(*TINY, "trainer.max_steps=2", "trainer.eval_max_examples=16")
    first, second = tmp_path / "a", tmp_path / "b"
    for run_dir in (first, second):
        run_dir.mkdir()
        run(cfg, run_dir, "determinism")
    rows = [
        [{k: v for k, v in r.items() if not k.startswith("perf/")} for r in map(json.loads, lines)]
        for lines in ((d / "metrics.jsonl").read_text().splitlines() for d in (first, second))
    ]
    assert rows[0] == rows[1]
    evals = [r["eval/loss"] for r in rows[0] if "eval/loss" in r]
    assert len(evals) == 2 and evals[0] != evals[1]  # it trained


@pytest.mark.parametrize(
    ("overrides", "effective_beta"),
    [
        (["weighting=uniform"], 0.1 / 8),
        (["weighting=diagonal", "loss.alpha=0.8"], 0.1 * 0.8),
        (["weighting=identity"], 0.1),
        (["weighting=uniform", "loss.weight_scale=mean_one"], 0.1),
        (["loss=simpo_rpo", "weighting=uniform"], 2.0 / 8),
    ],
)
def test_weightings_train_and_log_effective_beta(tmp_path, overrides, effective_beta) -> None:
    from rpo_exp.train import run

    cfg = compose_cfg(*TINY, *overrides, "trainer.max_steps=2", "trainer.eval_max_examples=16")
    run(cfg, tmp_path, "weighting")
    rows = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    steps = [r for r in rows if "loss" in r]
    assert len(steps) == 2
    for row in steps:  # rpo/effective_beta = beta * mean_i w_ii, with batch size 8
        assert row["rpo/effective_beta"] == pytest.approx(effective_beta, rel=1e-6)
