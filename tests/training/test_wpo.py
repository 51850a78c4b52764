"""WPO (`loss.wpo=true`): the policy's forward gives each sequence's WPO log-weight beside its
log-prob, from each token's log sum_v pi(v)^2 over the real vocabulary; micro-batches give the
one-batch gradients; every pairwise loss WPO accepts returns its per-pair losses; it trains from
the command line. TRL equality: tests/losses/test_trl_losses.py."""

from __future__ import annotations

import json
import math

import pytest
import torch

from rpo_exp import losses
from rpo_exp.training.objective import LOSS_FUNCTIONS, WPO_REFUSED, batch_tensors, loss_kind
from tests.helpers import TINY, compose_cfg, run_train
from tests.training.test_distributed import backward
from tests.training.test_ld_dpo import SMALL, trainer_on


@torch.no_grad()
def plain_weight_terms(model, prompt, response) -> tuple[float, float]:
    """(logp(y), mean_t [log pi(y_t) - log sum_v pi(v)^2]) of one unpadded sequence."""
    ids = torch.tensor([[*prompt, *response]])
    logps = model(ids).logits[0, :-1].float().log_softmax(-1)[len(prompt) - 1 :]
    tokens = logps.gather(-1, ids[0, len(prompt) :, None])[:, 0]
    squares = (2 * logps).logsumexp(-1)
    return tokens.sum().item(), (tokens - squares).mean().item()


def test_the_policy_forward_gives_each_sequence_its_wpo_log_weight(tokenizer) -> None:
    cfg = compose_cfg(*TINY, *SMALL, "loss=dpo", "loss.wpo=true", "trainer.logits_chunk_tokens=7")
    trainer, split, keys = trainer_on(cfg, tokenizer, 4)
    policy = trainer.model
    with torch.no_grad():
        got = trainer.forward(split, keys, weights=True)
        plain = trainer.forward(split, keys)
    assert got.shape == (8, 2)
    torch.testing.assert_close(got[:, 0], plain, rtol=0, atol=0)  # the same log-probs
    for key, (logp, log_weight) in zip(keys, got.tolist(), strict=True):
        want = plain_weight_terms(policy, *split.sequence(key))
        assert (logp, log_weight) == pytest.approx(want, abs=2e-4), key


def test_micro_batches_give_the_one_batch_loss_and_gradients() -> None:
    base = ["loss=dpo", "loss.wpo=true", "loss.ld_alpha=0.5", "trainer.batch_size=8"]
    cases = {"whole": (base, 8), "micro": (base, 2), "plain": (["loss=dpo", base[-1]], 8)}
    whole, micro, plain = (backward(case, cases=cases)[:2] for case in cases)
    assert whole[0]["loss"] == pytest.approx(micro[0]["loss"], rel=1e-6)
    assert whole[0]["wpo/weight"] == pytest.approx(micro[0]["wpo/weight"], rel=1e-6)
    for name, grad in whole[1].items():
        torch.testing.assert_close(micro[1][name], grad, rtol=1e-5, atol=1e-6)
    assert abs(whole[0]["loss"] - plain[0]["loss"]) > 1e-4


def test_every_pairwise_loss_wpo_accepts_returns_its_per_pair_losses() -> None:
    n = 5
    g = torch.Generator().manual_seed(0)
    tensors = {
        "policy_chosen_logps": -torch.rand(n, generator=g) * 9,
        "policy_rejected_logps": -torch.rand(n, generator=g) * 9,
        "ref_chosen_logps": -torch.rand(n, generator=g) * 9,
        "ref_rejected_logps": -torch.rand(n, generator=g) * 9,
        "chosen_lengths": torch.randint(1, 9, (n,), generator=g),
        "rejected_lengths": torch.randint(1, 9, (n,), generator=g),
    }
    accepted = [
        name
        for name in LOSS_FUNCTIONS
        if loss_kind(batch_tensors(getattr(losses, name))) == "pairwise" and name not in WPO_REFUSED
    ]
    assert {"dpo_loss", "ipo_loss", "hinge_loss", "rdpo_loss"} <= set(accepted)
    for name in accepted:
        fn = getattr(losses, name)
        out = fn(**{k: tensors[k] for k in batch_tensors(fn)})
        assert out.per_item is not None and out.per_item.shape == (n,), name
        assert out.loss.item() == pytest.approx(out.per_item.mean().item(), rel=1e-6), name


def test_wpo_trains_from_the_command_line(tmp_path) -> None:
    args = [*TINY, *SMALL, "loss=dpo", "loss.wpo=true", "trainer.max_steps=2"]
    done = run_train(*args, run_dir=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    steps = [r for r in rows if "loss" in r]
    assert [r["step"] for r in steps] == [1, 2]
    weights = [r["wpo/weight"] for r in steps] + [
        r["eval/wpo/weight"] for r in rows if "eval/loss" in r
    ]
    assert len(weights) == 4 and all(math.isfinite(w) and w > 0 for w in weights)
