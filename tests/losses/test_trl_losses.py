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

trl = pytest.importorskip("trl")  # the dev extra pins trl==1.16.0

PROMPT = 3  # prompt tokens before each completion (completion_mask 0 there)


class LogProbs(torch.nn.Module):
    """A stand-in model: per-token log-probs (a parameter), zero outside the completions."""

    def __init__(self, per_token: torch.Tensor, mask: torch.Tensor):
        super().__init__()
        self.per_token = torch.nn.Parameter(per_token)
        self.mask = mask

    def forward(self, **_: object) -> SimpleNamespace:
        log_probs = self.per_token * self.mask
        zeros = torch.zeros_like(log_probs)
        return SimpleNamespace(
            log_probs=log_probs,
            entropy=zeros,
            mean_logits=zeros,
            is_top1=zeros.bool(),
            log_sum_sq_probs=zeros,
        )


def trl_trainer(model: LogProbs, loss_type: str, beta: float, **options: float | str):
    """A DPOTrainer with the attributes `_compute_loss` reads, set as its __init__ sets them
    from a DPOConfig (reference log-probs precomputed)."""
    from accelerate import Accelerator
    from trl import DPOConfig, DPOTrainer

    args = DPOConfig(
        output_dir="unused",
        beta=beta,
        loss_type=[loss_type],
        report_to=[],
        use_cpu=True,
        bf16=False,
    )
    trainer = DPOTrainer.__new__(DPOTrainer)
    trainer.args, trainer.model, trainer.accelerator = args, model, Accelerator(cpu=True)
    trainer.beta, trainer.loss_types, trainer.loss_weights = beta, [loss_type], [1.0]
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
    theirs_model = LogProbs(per_token.clone(), mask[:, 1:])
    trainer = trl_trainer(theirs_model, loss_type, beta, **options)
    inputs = {
        "input_ids": torch.zeros_like(mask, dtype=torch.long),
        "attention_mask": torch.ones_like(mask, dtype=torch.long),
        "completion_mask": mask,
        "ref_chosen_logps": ref_chosen,
        "ref_rejected_logps": ref_rejected,
    }
    theirs = trainer._compute_loss(theirs_model, inputs, return_outputs=False)
    theirs.backward()

    our_model = LogProbs(per_token.clone(), mask[:, 1:])
    logps = our_model(input_ids=None).log_probs.sum(dim=1)
    lengths = mask.sum(dim=1)
    tensors = {
        "policy_chosen_logps": logps[:n],
        "policy_rejected_logps": logps[n:],
        "ref_chosen_logps": ref_chosen,
        "ref_rejected_logps": ref_rejected,
        "chosen_lengths": lengths[:n],
        "rejected_lengths": lengths[n:],
    }
    fn = getattr(losses, ours)
    taken = fn.__code__.co_varnames[: fn.__code__.co_argcount + fn.__code__.co_kwonlyargcount]
    kwargs = {k: v for k, v in tensors.items() if k in taken}
    if "beta" in taken:
        kwargs["beta"] = beta
    mine = fn(**kwargs, **options).loss
    mine.backward()

    torch.testing.assert_close(mine, theirs, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(
        our_model.per_token.grad, theirs_model.per_token.grad, rtol=1e-6, atol=1e-6
    )
