"""LD-DPO (`loss.ld_alpha`): each response's log-prob counts the tokens past its pair's shared
length alpha times, for the policy and the reference, in every packed forward; the reference
cache keeps these sums apart from the plain ones. TRL equality: tests/losses/test_trl_losses.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from accelerate import Accelerator

from rpo_exp.config.validation import validate
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.modeling.models import load_policy
from rpo_exp.training.trainer import Split, Trainer
from tests.helpers import TINY, compose_cfg, run_train

SMALL = ["trainer.batch_size=4", "trainer.micro_batch_size=4", "trainer.eval_max_examples=8"]


@torch.no_grad()
def plain_token_logps(model, prompt: tuple[int, ...], response: tuple[int, ...]) -> torch.Tensor:
    """log pi(y_t | x, y_<t) of each response token, one unpadded sequence through the model."""
    ids = torch.tensor([[*prompt, *response]])
    logps = model(ids).logits[0, :-1].float().log_softmax(-1)
    return logps.gather(-1, ids[0, 1:, None])[len(prompt) - 1 :, 0]


def trainer_on(cfg, tokenizer, n: int) -> tuple[Trainer, Split, list]:
    """(a one-process trainer of a fresh tiny policy, the dataset's first `n` train items, the
    graded keys of a batch of them: chosen 0..n-1, then rejected 0..n-1)."""
    objective, convert, layout = validate(cfg)
    examples = convert(load_split(cfg.dataset, "train").examples[:n])
    split = Split(tokenize_examples(examples, tokenizer, 32, 64)[0])
    torch.manual_seed(0)
    policy = load_policy(cfg.model, vocab_size=len(tokenizer))
    trainer = Trainer(cfg=cfg.trainer, model=policy, objective=objective, layout=layout,
                      pad_id=tokenizer.pad_token_id, accelerator=Accelerator(cpu=True))  # fmt: skip
    return trainer, split, layout.keys(split.items, list(range(n)))[0]


@pytest.mark.parametrize("ld_alpha", [0.0, 0.5])
def test_a_packed_forward_weighs_the_tail_of_each_pair(tokenizer, ld_alpha: float) -> None:
    cfg = compose_cfg(*TINY, *SMALL, "loss=dpo", f"loss.ld_alpha={ld_alpha}")
    trainer, split, keys = trainer_on(cfg, tokenizer, 6)
    policy = trainer.model
    with torch.no_grad():
        got = trainer.forward(split, keys)
    unequal = 0
    for key, value in zip(keys, got.tolist(), strict=True):
        chosen, rejected = split.items[key[1]].response_ids[:2]
        shared = min(len(chosen), len(rejected))
        unequal += len(chosen) != len(rejected)
        tokens = plain_token_logps(policy, *split.sequence(key))
        expected = tokens[:shared].sum() + ld_alpha * tokens[shared:].sum()
        assert value == pytest.approx(expected.item(), abs=2e-4), key
        if len(tokens) > shared:  # the longer response of its pair: not its plain log-prob
            assert abs(value - tokens.sum().item()) > 1e-2
    assert unequal >= 3  # the batch holds pairs of unequal lengths


def reference_counts(run_dir: Path) -> tuple[int, int]:
    """(computed, from the cache) of the run's training reference log-probs, from its log."""
    log = (run_dir / "train.log").read_text()
    found = re.search(r"reference logps: (\d+) computed, (\d+) from the cache", log)
    assert found, log[-3000:]
    return int(found[1]), int(found[2])


def test_ld_dpo_trains_and_caches_its_reference_sums_apart(tmp_path) -> None:
    env = {"RPO_EXP_CACHE": str(tmp_path / "cache")}
    args = [*TINY, *SMALL, "loss=dpo", "trainer.max_steps=2"]
    ld = run_train(*args, "loss.ld_alpha=0.5", run_dir=tmp_path / "ld", env=env)
    assert ld.returncode == 0, ld.stderr[-3000:]
    computed, cached = reference_counts(tmp_path / "ld")
    assert computed > 0 and cached == 0
    plain = run_train(*args, run_dir=tmp_path / "plain", env=env)
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert reference_counts(tmp_path / "plain") == (computed, 0)  # not LD-DPO's sums
    again = run_train(*args, "loss.ld_alpha=0.5", run_dir=tmp_path / "again", env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert reference_counts(tmp_path / "again") == (0, computed)
    assert (tmp_path / "ld" / "summary.json").is_file()
