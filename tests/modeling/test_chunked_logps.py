"""Chunked log-probs (docs/method.md, "Precision and memory"): the LM head and the fp32
log-softmax a chunk of response tokens at a time give the unchunked log-probs and gradients (fp32,
bf16 autocast, activation checkpointing, through the trainer), keep no `[tokens, vocab]` tensor
for backward, and recompute each chunk's logits in backward."""

from __future__ import annotations

import random

import pytest
import torch
from transformers import AutoConfig, AutoModelForCausalLM

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from rpo_exp.modeling.logprobs import SequenceScorer, collate_for, sequence_logps, token_logps
from tests.helpers import TINY, compose_cfg
from tests.training.test_trainer import grads_after_backward

VOCAB = 512
CHUNKS = (1, 7, 16, 10**6)  # one token, a chunk that does not divide the tokens, one chunk


def tiny_model() -> torch.nn.Module:
    torch.manual_seed(0)
    config = AutoConfig.for_model(
        model_type="llama", hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, vocab_size=VOCAB,
    )  # fmt: skip
    return AutoModelForCausalLM.from_config(config)


def sequences() -> list:
    """Three prompts, shared by pairs and a single response: ~60 scored tokens."""
    rng = random.Random(0)
    out = []
    for responses in (2, 1, 2):
        prompt = tuple(rng.randrange(1, VOCAB) for _ in range(rng.randint(3, 9)))
        for _ in range(responses):
            out.append((prompt, tuple(rng.randrange(1, VOCAB) for _ in range(rng.randint(5, 17)))))
    return out


def logps_and_grads(model, chunk: int | None, autocast: torch.dtype | None = None):
    """log pi per scored token, logp(y) per sequence (`SequenceScorer`) and the gradient of a
    weighted sum of the token log-probs, per parameter."""
    model.zero_grad(set_to_none=True)
    batch = collate_for(model, sequences(), 0)
    with torch.autocast("cpu", dtype=autocast or torch.bfloat16, enabled=autocast is not None):
        tokens = token_logps(model, batch, chunk)
    (tokens * torch.linspace(-1.0, 2.0, len(tokens))).sum().backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()}
    with torch.no_grad():
        summed = SequenceScorer(model, autocast, chunk)(batch)
    return tokens.detach(), summed, grads


def assert_equal_to_1e6(got: torch.Tensor, want: torch.Tensor, msg: str = "") -> None:
    """Equal to 1e-6 of the tensor's scale (its largest entry, at least 1): a few units of fp32
    rounding, which differs where a chunk's matrix products are shaped differently."""
    scale = max(want.abs().max().item(), 1.0)
    torch.testing.assert_close(got, want, rtol=0, atol=1e-6 * scale, msg=msg)


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("mode", ["fp32", "bf16-autocast", "activation-checkpointing"])
def test_chunked_logps_and_gradients_equal_unchunked(chunk: int, mode: str) -> None:
    """Log-probs per token and per sequence, and every gradient, to 1e-6; under bf16 autocast
    the LM head's weight gradient to bf16 rounding (each chunk's bf16 matrix product is rounded
    to bf16, as autocast rounds any, before the chunks are summed)."""
    model = tiny_model()
    autocast = torch.bfloat16 if mode == "bf16-autocast" else None
    if mode == "activation-checkpointing":
        model.gradient_checkpointing_enable({"use_reentrant": False})
    model.train()
    want, want_summed, want_grads = logps_and_grads(model, 0, autocast)
    got, got_summed, got_grads = logps_and_grads(model, chunk, autocast)
    assert_equal_to_1e6(got, want)
    assert_equal_to_1e6(got_summed, want_summed)
    assert sum(g.abs().sum() for g in want_grads.values()) > 0
    for name, grad in want_grads.items():
        if autocast is not None and name == "lm_head.weight":
            bf16 = 2**-5 * grad.abs().max().item()
            torch.testing.assert_close(got_grads[name], grad, rtol=0, atol=bf16, msg=name)
        else:
            assert_equal_to_1e6(got_grads[name], grad, msg=name)


def test_no_tokens_by_vocab_tensor_is_kept_and_backward_recomputes_each_chunk() -> None:
    """Unchunked, the `[tokens, vocab]` logits are kept for backward; chunked, nothing of vocab
    width is, and the LM head runs on each chunk once in the forward and once in backward."""
    model, chunk = tiny_model(), 16
    batch = collate_for(model, sequences(), 0)
    tokens = len(batch.labels)
    head_rows: list[int] = []
    model.get_output_embeddings().register_forward_pre_hook(
        lambda _, args: head_rows.append(args[0].shape[0])
    )

    weights = {p.untyped_storage().data_ptr() for p in model.parameters()}

    def kept_vocab_rows(chunk_tokens: int) -> list[int]:
        """Rows of every vocab-wide tensor but the weights saved for backward; then backward."""
        rows: list[int] = []

        def pack(t: torch.Tensor) -> torch.Tensor:
            if t.dim() == 2 and VOCAB in t.shape and t.untyped_storage().data_ptr() not in weights:
                rows.append(t.shape[0])
            return t

        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            logps = sequence_logps(model, batch, chunk_tokens)[0]
        logps.sum().backward()
        return rows

    assert kept_vocab_rows(0) == [tokens] and head_rows == [tokens]
    head_rows.clear()
    assert kept_vocab_rows(chunk) == []
    sizes = [min(chunk, tokens - start) for start in range(0, tokens, chunk)]
    assert tokens > 2 * chunk and head_rows[: len(sizes)] == sizes  # forward
    assert sorted(head_rows[len(sizes) :]) == sorted(sizes)  # backward, in its own order


@pytest.mark.parametrize("loss", ["rpo", "kto"])
def test_the_trainer_chunks_as_trainer_logits_chunk_tokens_says(tokenizer, loss: str) -> None:
    cfg = compose_cfg(*TINY, f"loss={loss}", "trainer.batch_size=8")
    cfg.trainer.logits_chunk_tokens = 0
    plain_metrics, plain = grads_after_backward(cfg, tokenizer, 4)
    cfg.trainer.logits_chunk_tokens = 5
    chunked_metrics, chunked = grads_after_backward(cfg, tokenizer, 4)
    assert chunked_metrics["loss"] == pytest.approx(plain_metrics["loss"], abs=1e-6)
    for name, grad in plain.items():
        torch.testing.assert_close(chunked[name], grad, rtol=0, atol=1e-6, msg=name)


def test_a_negative_chunk_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"trainer.logits_chunk_tokens=-1: must be an integer"):
        validate(compose_cfg(*TINY, "trainer.logits_chunk_tokens=-1"))
    assert compose_cfg(*TINY).trainer.logits_chunk_tokens == 1024  # the schema's default
    validate(compose_cfg(*TINY, "trainer.logits_chunk_tokens=null"))  # unchunked
