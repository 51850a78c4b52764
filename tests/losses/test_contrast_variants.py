"""The released RPO code's variants as named choices: `protocol.contrast_block=k` (RPO contrasted
within consecutive blocks of k items, the mean of the block losses, as the released code
optimises with a per-GPU batch of k), `weighting=diagonal_released` and `uniform_released`
(docs/method.md, "RPO contrast matrix", "Known differences")."""

from __future__ import annotations

import pytest
import torch
from omegaconf import OmegaConf

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.schema import loss_node
from rpo_exp.config.validation import validate
from rpo_exp.losses import contrast_weights, rpo_loss
from rpo_exp.training.objective import Objective
from tests.helpers import TINY, compose_cfg
from tests.training.test_trainer import grads_after_backward


def objective(block: int | None) -> Objective:
    """loss=rpo at its defaults (the `loss/fn/rpo_loss` node), contrast blocks of `block`."""
    loss = OmegaConf.merge(loss_node("rpo_loss"), {"name": "rpo", "tau": 0.5})
    protocol = {"contrast_block": block, "loss_dtype": "float32"}
    return Objective.from_config(loss, OmegaConf.create(protocol))


def composed(*overrides: str) -> Objective:
    cfg = compose_cfg(*TINY, *overrides)
    return Objective.from_config(cfg.loss, cfg.protocol)


def batch(chosen: list[int], rejected: list[int], dim: int = 8) -> dict[str, torch.Tensor]:
    """float64 tensors of items at batch positions `chosen` and `rejected`, with gradients."""
    g = torch.Generator().manual_seed(len(chosen) * 100 + len(rejected))
    m, n = len(chosen), len(rejected)

    def rand(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=g, dtype=torch.float64)

    return {
        "policy_chosen_logps": rand(m).requires_grad_(),
        "policy_rejected_logps": rand(n).requires_grad_(),
        "ref_chosen_logps": rand(m),
        "ref_rejected_logps": rand(n),
        "chosen_prompt_emb": rand(m, dim),
        "rejected_prompt_emb": rand(n, dim),
        "chosen_positions": torch.tensor(chosen),
        "rejected_positions": torch.tensor(rejected),
    }


def by_hand(t: dict[str, torch.Tensor], size: int) -> torch.Tensor:
    """The mean over blocks of Eq. 14 on each block's own M_b x N_b matrix."""
    losses = []
    for b in range(0, int(max(t["chosen_positions"].max(), t["rejected_positions"].max())) + 1):
        rows = (t["chosen_positions"] // size) == b
        cols = (t["rejected_positions"] // size) == b
        if not rows.any() or not cols.any():
            continue
        w = contrast_weights(
            "embedding",
            chosen_prompt_emb=t["chosen_prompt_emb"][rows],
            rejected_prompt_emb=t["rejected_prompt_emb"][cols],
            tau=0.5,
        )
        out = rpo_loss(
            t["policy_chosen_logps"][rows], t["policy_rejected_logps"][cols],
            t["ref_chosen_logps"][rows], t["ref_rejected_logps"][cols], w, beta=0.1,
        )  # fmt: skip
        losses.append(out.loss)
    return torch.stack(losses).mean()


@pytest.mark.parametrize(
    ("chosen", "rejected", "size"),
    [
        (list(range(8)), list(range(8)), 2),  # paired: 4 blocks of 2 x 2
        (list(range(8)), list(range(8)), 3),  # a short last block
        ([0, 2, 3, 6, 7], [1, 4, 5, 8], 3),  # unpaired: M_b x N_b differ; block 1 is 2 x 1
        ([0, 1, 2, 6], [3, 4, 5, 7], 3),  # unpaired: block 0 all chosen, block 1 all rejected
    ],
)
def test_blocks_give_the_mean_of_per_block_losses_and_gradients(chosen, rejected, size) -> None:
    t = batch(chosen, rejected)
    got = objective(size)(t)
    want = by_hand(t, size)
    assert abs(got.loss.item() - want.item()) < 1e-9
    inputs = (t["policy_chosen_logps"], t["policy_rejected_logps"])
    got_grads = torch.autograd.grad(got.loss, inputs)
    want_grads = torch.autograd.grad(want, inputs)
    for g, w in zip(got_grads, want_grads, strict=True):
        torch.testing.assert_close(g, w, atol=1e-9, rtol=0)
    assert got.metrics["rpo/contrast_blocks"].item() >= 1
    if chosen == [0, 1, 2, 6]:  # blocks 0 and 1 have no contrast
        assert got.metrics["rpo/empty_blocks"] == 2


def test_a_block_of_the_whole_batch_is_todays_loss() -> None:
    t = batch(list(range(8)), list(range(8)))
    assert abs(objective(8)(t).loss.item() - objective(None)(t).loss.item()) < 1e-12
    assert abs(objective(100)(t).loss.item() - objective(None)(t).loss.item()) < 1e-12
    assert objective(2)(t).loss.item() != pytest.approx(objective(None)(t).loss.item())


def test_micro_batching_stays_exact_with_blocks(tokenizer) -> None:
    cfg = compose_cfg(*TINY, "loss=rpo", "protocol.contrast_block=4", "trainer.batch_size=8")
    full_metrics, full = grads_after_backward(cfg, tokenizer, micro=8)
    micro_metrics, micro = grads_after_backward(cfg, tokenizer, micro=2)
    assert micro_metrics["loss"] == pytest.approx(full_metrics["loss"], rel=1e-6)
    assert full_metrics["rpo/contrast_blocks"] == 2
    for name, grad in full.items():
        torch.testing.assert_close(micro[name], grad, rtol=1e-4, atol=1e-7, msg=name)


@pytest.mark.parametrize("value", [0, -1, 1.5, "abc"])
def test_a_bad_block_is_refused(value) -> None:
    with pytest.raises(ConfigError, match=rf"protocol.contrast_block={value}: must be a positive"):
        objective(value)


def paired(m: int = 6) -> dict[str, torch.Tensor]:
    return {k: v for k, v in batch(list(range(m)), list(range(m))).items() if "emb" not in k}


def released_objective(option: str) -> Objective:
    return composed("loss=rpo", f"weighting={option}")


def test_diagonal_released_weights_the_pair_losses_outside_the_log_sigmoid() -> None:
    """(1/M) sum_i [alpha l_ii + (1 - alpha) mean_{j != i} l_ij], l_ij = -logsig(beta L_ij)."""
    t, alpha, beta = paired(), 0.8, 0.1
    chosen = t["policy_chosen_logps"] - t["ref_chosen_logps"]
    rejected = t["policy_rejected_logps"] - t["ref_rejected_logps"]
    pair = -torch.nn.functional.logsigmoid(beta * (chosen[:, None] - rejected[None, :]))
    m = len(chosen)
    off = (pair.sum(1) - pair.diagonal()) / (m - 1)
    want = (alpha * pair.diagonal() + (1 - alpha) * off).mean()
    got = released_objective("diagonal_released")(t).loss
    assert abs(got.item() - want.item()) < 1e-9
    paper = composed("loss=rpo", "weighting=diagonal")
    assert abs(paper(t).loss.item() - want.item()) > 1e-4  # Eq. 13-14 is another objective


def test_uniform_released_weights_every_entry_one() -> None:
    """-(1/MN) sum_ij logsig(beta L_ij): weights of 1, not the paper's 1/N."""
    t, beta = paired(), 0.1
    chosen = t["policy_chosen_logps"] - t["ref_chosen_logps"]
    rejected = t["policy_rejected_logps"] - t["ref_rejected_logps"]
    want = -torch.nn.functional.logsigmoid(beta * (chosen[:, None] - rejected[None, :])).mean()
    assert abs(released_objective("uniform_released")(t).loss.item() - want.item()) < 1e-9


def test_weights_on_is_checked_and_rpo_only() -> None:
    with pytest.raises(ConfigError, match=r"loss.weights_on=inside: Invalid value 'inside', "):
        validate(compose_cfg(*TINY, "loss=rpo", "loss.weights_on=inside"))
    with pytest.raises(ConfigError, match=r"loss.weights_on=loss .* exists for loss=rpo only"):
        composed("loss=simpo_rpo", "weighting=diagonal_released")
    # weighting=diagonal under the paper protocol sets weights_on=logit: simpo_rpo takes it
    paper = composed("loss=simpo_rpo", "weighting=diagonal")
    assert "weights_on" not in paper.kwargs
    with pytest.raises(ConfigError, match=r"loss.weights_on=loss"):  # released: rpo only
        composed("loss=simpo_rpo", "weighting=diagonal", "protocol=released")
