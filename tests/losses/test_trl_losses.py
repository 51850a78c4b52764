"""Each DPO-family loss equals TRL 1.16's own computation (`DPOTrainer._compute_loss`, its
`loss_type`, `label_smoothing`, `f_divergence_type` and `discopop_tau`) on the same random
log-probs, loss and gradients, for several batch sizes and betas. TRL's trainer runs as it is;
the model under it is a stand-in that returns the random per-token log-probs (TRL reads
`log_probs` from its fused LM head), so both sides differentiate the same leaf tensor."""

from __future__ import annotations

import collections
from types import SimpleNamespace

import pytest
import torch

from rpo_exp import losses
from rpo_exp.training.objective import Objective
from tests.helpers import TINY, compose_cfg

trl = pytest.importorskip("trl")  # the dev extra pins trl==1.16.0

PROMPT = 3  # prompt tokens before each completion (completion_mask 0 there)


class LogProbs(torch.nn.Module):
    """A stand-in model: per-token log-probs (a parameter), zero outside the completions."""

    is_gradient_checkpointing = False  # read by TRL's reference forward

    def __init__(self, per_token: torch.Tensor, mask: torch.Tensor, squares=None):
        """`squares`: each position's log sum_v pi(v)^2 (WPO's), zero by default."""
        super().__init__()
        self.per_token = torch.nn.Parameter(per_token)
        self.mask = mask
        self.squares = torch.zeros_like(per_token) if squares is None else squares

    def forward(self, **_: object) -> SimpleNamespace:
        log_probs = self.per_token * self.mask
        zeros = torch.zeros_like(log_probs)
        return SimpleNamespace(
            log_probs=log_probs,
            entropy=zeros,
            mean_logits=zeros,
            is_top1=zeros.bool(),
            log_sum_sq_probs=self.squares * self.mask,
        )


def trl_trainer(
    model: LogProbs,
    loss_type: str | list[str],
    beta: float,
    weights: list[float] | None = None,
    **options: float | str,
):
    """A DPOTrainer with the attributes `_compute_loss` reads, set as its __init__ sets them
    from a DPOConfig (reference log-probs precomputed; a list of loss types with
    `loss_weights`, as MPO)."""
    from accelerate import Accelerator
    from trl import DPOConfig, DPOTrainer

    types = [loss_type] if isinstance(loss_type, str) else loss_type
    weights = weights or [1.0] * len(types)
    args = DPOConfig(
        output_dir="unused", beta=beta, loss_type=types, loss_weights=weights, report_to=[],
        use_cpu=True, bf16=False,
    )  # fmt: skip
    trainer = DPOTrainer.__new__(DPOTrainer)
    trainer.args, trainer.model, trainer.accelerator = args, model, Accelerator(cpu=True)
    trainer.beta, trainer.loss_types, trainer.loss_weights = beta, types, weights
    trainer.label_smoothing = options.get("label_smoothing", 0.0)
    trainer.f_divergence_type = options.get("f_divergence", "reverse_kl")
    trainer.f_alpha_divergence_coef = options.get("f_alpha", 1.0)
    args.discopop_tau = options.get("discopop_tau", args.discopop_tau)
    trainer.ld_alpha, trainer.use_weighting, trainer.aux_loss_enabled = None, False, False
    trainer.precompute_ref_logps = True
    trainer._metrics = {"train": collections.defaultdict(list)}
    trainer._total_train_tokens, trainer._tp_size = 0, 1
    return trainer


def batch(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(per-token log-probs (2n x L-1), completion mask (2n x L), reference chosen, rejected):
    chosen rows first, as TRL concatenates them; completions of different lengths."""
    g = torch.Generator().manual_seed(seed)
    length = PROMPT + 6
    lengths = torch.randint(1, 7, (2 * n,), generator=g)
    mask = torch.zeros(2 * n, length)
    for i, k in enumerate(lengths):
        mask[i, PROMPT : PROMPT + k] = 1
    per_token = -torch.rand(2 * n, length - 1, generator=g, dtype=torch.float32) * 2
    ref = -torch.rand(2, n, generator=g, dtype=torch.float32) * 6
    return per_token, mask, ref[0], ref[1]


CASES = [  # (rpo_exp loss function, TRL loss_type, options)
    ("dpo_loss", "sigmoid", {}),
    ("dpo_loss", "sigmoid", {"f_divergence": "forward_kl"}),
    ("dpo_loss", "sigmoid", {"f_divergence": "js_divergence"}),
    ("dpo_loss", "sigmoid", {"f_divergence": "alpha_divergence", "f_alpha": 0.5}),
    ("ipo_loss", "ipo", {}),
    ("hinge_loss", "hinge", {}),
    ("hinge_loss", "hinge", {"f_divergence": "js_divergence"}),
    ("robust_loss", "robust", {"label_smoothing": 0.2}),
    ("exo_pair_loss", "exo_pair", {"label_smoothing": 1e-3}),
    ("nca_pair_loss", "nca_pair", {}),
    ("bco_pair_loss", "bco_pair", {}),
    ("sppo_hard_loss", "sppo_hard", {}),
    ("aot_loss", "aot", {}),
    ("aot_loss", "aot", {"label_smoothing": 0.1}),
    ("aot_unpaired_loss", "aot_unpaired", {}),
    ("apo_zero_loss", "apo_zero", {}),
    ("apo_down_loss", "apo_down", {}),
    ("discopop_loss", "discopop", {}),
    ("discopop_loss", "discopop", {"discopop_tau": 0.5, "f_divergence": "forward_kl"}),
    ("sigmoid_norm_loss", "sigmoid_norm", {}),
    ("sigmoid_norm_loss", "sigmoid_norm", {"f_divergence": "alpha_divergence", "f_alpha": 2.0}),
    ("sft_loss", "sft", {}),
]


@pytest.mark.parametrize(("n", "beta"), [(1, 0.1), (4, 0.5), (7, 2.0)])
@pytest.mark.parametrize(
    ("ours", "loss_type", "options"),
    CASES,
    ids=[f"{t}-{'-'.join(f'{k}={v}' for k, v in o.items()) or 'default'}" for _, t, o in CASES],
)
def test_equals_trls_loss_and_gradients(
    ours: str, loss_type: str, options: dict, n: int, beta: float
) -> None:
    per_token, mask, ref_chosen, ref_rejected = batch(n, seed=n * 31 + int(beta * 10))
    theirs, their_grad = trl_loss(
        per_token, mask, ref_chosen, ref_rejected, loss_type, beta, None, **options
    )
    our_model, tensors = our_tensors(per_token, mask, ref_chosen, ref_rejected)
    fn = getattr(losses, ours)
    taken = fn.__code__.co_varnames[: fn.__code__.co_argcount + fn.__code__.co_kwonlyargcount]
    kwargs = {k: v for k, v in tensors.items() if k in taken}
    if "beta" in taken:
        kwargs["beta"] = beta
    mine = fn(**kwargs, **options).loss
    mine.backward()
    torch.testing.assert_close(mine, theirs, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(our_model.per_token.grad, their_grad, rtol=1e-6, atol=1e-6)


def trl_inputs(mask, ref_chosen=None, ref_rejected=None) -> dict:
    """TRL's batch of the completions `mask` marks, with precomputed reference log-probs when
    given."""
    inputs = {
        "input_ids": torch.zeros_like(mask, dtype=torch.long),
        "attention_mask": torch.ones_like(mask, dtype=torch.long),
        "completion_mask": mask,
    }
    if ref_chosen is not None:
        inputs |= {"ref_chosen_logps": ref_chosen, "ref_rejected_logps": ref_rejected}
    return inputs


def packed_like(lengths: torch.Tensor):
    """A packed batch of responses of `lengths` tokens (distinct prompts: its tokens come in
    the rows' order, as `LogProbs`' masked tokens)."""
    from rpo_exp.modeling.packing import collate

    return collate([((100 + i, 1, 2), (5,) * int(k)) for i, k in enumerate(lengths)], pad_id=0)


def trl_loss(per_token, mask, ref_chosen, ref_rejected, loss_type, beta, weights=None, **options):
    """TRL's loss on the batch, and its gradient with respect to the per-token log-probs."""
    model = LogProbs(per_token.clone(), mask[:, 1:])
    trainer = trl_trainer(model, loss_type, beta, weights, **options)
    inputs = trl_inputs(mask, ref_chosen, ref_rejected)
    loss = trainer._compute_loss(model, inputs, return_outputs=False)
    loss.backward()
    return loss, model.per_token.grad


def our_tensors(per_token, mask, ref_chosen, ref_rejected) -> tuple[LogProbs, dict]:
    """The same batch as this project's losses take it: sequence log-probs and lengths."""
    model = LogProbs(per_token.clone(), mask[:, 1:])
    logps = model(input_ids=None).log_probs.sum(dim=1)
    return model, pair_tensors(logps, ref_chosen, ref_rejected, mask.sum(dim=1))


def pair_tensors(logps, ref_chosen, ref_rejected, lengths) -> dict:
    """A paired batch's loss inputs from the 2n sequences' log-probs and lengths (chosen
    first)."""
    n = len(ref_chosen)
    return {
        "policy_chosen_logps": logps[:n],
        "policy_rejected_logps": logps[n:],
        "ref_chosen_logps": ref_chosen,
        "ref_rejected_logps": ref_rejected,
        "chosen_lengths": lengths[:n],
        "rejected_lengths": lengths[n:],
    }


PAIR = ("policy_chosen_logps", "policy_rejected_logps", "ref_chosen_logps", "ref_rejected_logps")


@pytest.mark.parametrize(("n", "beta"), [(3, 0.1), (6, 0.5)])
def test_sft_weight_equals_trls_sft_term(n: int, beta: float) -> None:
    """`loss=dpo loss.sft_weight=1`: TRL 1.16's `loss_type=[sigmoid, sft]` (its rpo_alpha=1 of
    earlier versions: the NLL of the chosen responses beside DPO)."""
    per_token, mask, ref_chosen, ref_rejected = batch(n, seed=7 * n)
    theirs, their_grad = trl_loss(
        per_token, mask, ref_chosen, ref_rejected, ["sigmoid", "sft"], beta, [1.0, 1.0]
    )
    cfg = compose_cfg(*TINY, "loss=dpo", f"loss.beta={beta}", "loss.sft_weight=1")
    model, tensors = our_tensors(per_token, mask, ref_chosen, ref_rejected)
    out = Objective.from_config(cfg.loss, cfg.protocol)(tensors)
    out.loss.backward()
    torch.testing.assert_close(out.loss, theirs, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(model.per_token.grad, their_grad, rtol=1e-6, atol=1e-6)
    dpo = losses.dpo_loss(*(tensors[k] for k in PAIR), beta=beta).loss
    nll = losses.sft_loss(tensors["policy_chosen_logps"], tensors["chosen_lengths"]).loss
    assert out.metrics["loss/preference"].item() == pytest.approx(dpo.item())
    assert out.metrics["loss/sft"].item() == pytest.approx(nll.item())


def test_a_mix_is_the_weighted_sum_of_its_terms_and_trls_mpo() -> None:
    """`loss=mix loss.terms=[dpo,bco_pair,sft] loss.weights=[0.8,0.2,1.0]`: the weighted sum of
    the three losses, each logged, and TRL's `loss_type=[sigmoid, bco_pair, sft]` with those
    `loss_weights` (MPO)."""
    per_token, mask, ref_chosen, ref_rejected = batch(5, seed=11)
    weights = [0.8, 0.2, 1.0]
    theirs, their_grad = trl_loss(
        per_token, mask, ref_chosen, ref_rejected, ["sigmoid", "bco_pair", "sft"], 0.3, weights
    )
    cfg = compose_cfg(
        *TINY, "loss=mix", "loss.terms=[dpo,bco_pair,sft]", "loss.weights=[0.8,0.2,1.0]",
        "loss.beta=0.3",
    )  # fmt: skip
    model, tensors = our_tensors(per_token, mask, ref_chosen, ref_rejected)
    out = Objective.from_config(cfg.loss, cfg.protocol)(tensors)
    out.loss.backward()
    torch.testing.assert_close(out.loss, theirs, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(model.per_token.grad, their_grad, rtol=1e-6, atol=1e-6)
    pair = [tensors[k] for k in PAIR]
    parts = {
        "dpo": losses.dpo_loss(*pair, beta=0.3).loss.item(),
        "bco_pair": losses.bco_pair_loss(*pair, beta=0.3).loss.item(),
        "sft": losses.sft_loss(
            tensors["policy_chosen_logps"], tensors["chosen_lengths"]
        ).loss.item(),
    }
    total = sum(w * v for w, v in zip(weights, parts.values(), strict=True))
    assert out.loss.item() == pytest.approx(total)
    for name, part in parts.items():
        assert out.metrics[f"loss/{name}"].item() == pytest.approx(part)


@pytest.mark.parametrize(("n", "beta"), [(1, 0.1), (4, 0.5), (7, 2.0)])
@pytest.mark.parametrize("ld_alpha", [0.0, 0.3, 1.0])
@pytest.mark.parametrize(("ours", "loss_type"), [("dpo_loss", "sigmoid"), ("hinge_loss", "hinge")])
def test_ld_alpha_equals_trls_ld_dpo(
    ours: str, loss_type: str, ld_alpha: float, n: int, beta: float
) -> None:
    """`loss.ld_alpha` (LD-DPO): each sequence's log-prob as a packed batch gives it
    (`SequenceBatch.desensitize`, `desensitized_sums`) equals TRL 1.16's with `ld_alpha`, for
    the policy and for the reference (TRL's reference forward, not precomputed), loss and
    gradients."""
    from rpo_exp.modeling.logprobs import desensitized_sums

    per_token, mask, _, _ = batch(n, seed=n * 17 + int(beta * 10))
    ref_per_token = -torch.rand(per_token.shape, generator=torch.Generator().manual_seed(n)) * 2
    shift = mask[:, 1:]
    model = LogProbs(per_token.clone(), shift)
    trainer = trl_trainer(model, loss_type, beta)
    trainer.ld_alpha, trainer.precompute_ref_logps = ld_alpha, False
    trainer.ref_model = LogProbs(ref_per_token, shift).requires_grad_(False)
    inputs = trl_inputs(mask)
    theirs = trainer._compute_loss(model, inputs, return_outputs=False)
    theirs.backward()

    lengths = mask.sum(dim=1).long()  # the same responses as sequences of a packed batch
    packed = packed_like(lengths)
    packed.desensitize(torch.minimum(lengths[:n], lengths[n:]).repeat(2), ld_alpha)
    ours_model = LogProbs(per_token.clone(), shift)
    logps = [
        desensitized_sums(t[shift.bool()], packed.sequence, packed.size, packed.tail, ld_alpha)
        for t in (ours_model(input_ids=None).log_probs, ref_per_token)
    ]
    mine = getattr(losses, ours)(logps[0][:n], logps[0][n:], logps[1][:n], logps[1][n:], beta=beta)
    mine.loss.backward()
    torch.testing.assert_close(mine.loss, theirs, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(
        ours_model.per_token.grad, model.per_token.grad, rtol=1e-6, atol=1e-6
    )


WPO_CASES = [  # (our overrides, TRL loss types, TRL loss weights)
    (["loss=dpo"], ["sigmoid"], None),
    (["loss=ipo"], ["ipo"], None),
    (["loss=apo_zero"], ["apo_zero"], None),
    (["loss=bco_pair"], ["bco_pair"], None),
    (["loss=robust", "loss.label_smoothing=0.2"], ["robust"], None),
    (["loss=dpo", "loss.sft_weight=1"], ["sigmoid", "sft"], [1.0, 1.0]),
    (["loss=mix", "loss.terms=[dpo,nca_pair,sft]", "loss.weights=[0.5,0.3,1.0]"],
     ["sigmoid", "nca_pair", "sft"], [0.5, 0.3, 1.0]),
    (["loss=dpo", "loss.ld_alpha=0.4"], ["sigmoid"], None),
]  # fmt: skip


# TRL 1.16 weighs each term's per-pair losses in place: its backward fails for `hinge` (relu
# keeps its output), and its `sft` term, an expanded tensor, fails for more than one pair, so
# those are compared on one pair and `hinge` not at all (its weighting is the same code).
WPO_SIZES = [
    (*case, n, beta)
    for case in WPO_CASES
    for n, beta in ([(1, 0.1), (1, 0.5)] if "sft" in case[1] else [(1, 0.1), (5, 0.5)])
]


@pytest.mark.parametrize(("overrides", "types", "weights", "n", "beta"), WPO_SIZES)
def test_wpo_equals_trls_use_weighting(overrides, types, weights, n: int, beta: float) -> None:
    """`loss.wpo=true` (WPO): each pair's loss times exp(lw(y_w) + lw(y_l)), with the
    log-weights as `sequence_logps` forms them from each token's log-prob and
    log sum_v pi(v)^2 (`wpo_log_weights`), equals TRL 1.16's `use_weighting`, loss and
    gradients: single losses, DPO + SFT, a mix (each term weighted) and with LD-DPO."""
    from rpo_exp.modeling.logprobs import desensitized_sums, wpo_log_weights

    per_token, mask, ref_chosen, ref_rejected = batch(n, seed=n * 13 + int(beta * 10))
    generator = torch.Generator().manual_seed(n)
    squares = -torch.rand(per_token.shape, generator=generator) * 3  # log sum p^2 in (-3, 0)
    shift = mask[:, 1:]
    cfg = compose_cfg(*TINY, *overrides, f"loss.beta={beta}", "loss.wpo=true")
    ld_alpha = cfg.loss.ld_alpha
    model = LogProbs(per_token.clone(), shift, squares)
    smoothing = (
        {"label_smoothing": cfg.loss.label_smoothing} if "label_smoothing" in cfg.loss else {}
    )
    trainer = trl_trainer(model, types, beta, weights, **smoothing)
    trainer.use_weighting, trainer.ld_alpha = True, ld_alpha
    inputs = trl_inputs(mask, ref_chosen, ref_rejected)
    theirs = trainer._compute_loss(model, inputs, return_outputs=False)
    theirs.backward()

    ours_model = LogProbs(per_token.clone(), shift)
    tokens = ours_model(input_ids=None).log_probs[shift.bool()]
    lengths = mask.sum(dim=1).long()
    packed = packed_like(lengths)
    logps = torch.zeros(2 * n).index_add(0, packed.sequence, tokens)
    if ld_alpha is not None:
        packed.desensitize(torch.minimum(lengths[:n], lengths[n:]).repeat(2), ld_alpha)
        logps = desensitized_sums(tokens, packed.sequence, packed.size, packed.tail, ld_alpha)
    log_weights = wpo_log_weights(tokens.detach(), squares[shift.bool()], packed.sequence, lengths)
    tensors = pair_tensors(logps, ref_chosen, ref_rejected, lengths)
    tensors |= {"chosen_log_weights": log_weights[:n], "rejected_log_weights": log_weights[n:]}
    out = Objective.from_config(cfg.loss, cfg.protocol)(tensors)
    out.loss.backward()
    torch.testing.assert_close(out.loss, theirs, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(
        ours_model.per_token.grad, model.per_token.grad, rtol=1e-6, atol=1e-6
    )
    unweighted = Objective.from_config(*(compose_cfg(*TINY, *overrides, f"loss.beta={beta}")[k]
                                         for k in ("loss", "protocol")))(tensors)  # fmt: skip
    assert abs(unweighted.loss.item() - out.loss.item()) > 1e-4  # the weights did something
