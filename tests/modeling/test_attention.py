"""Every `model.attn_implementation` scores packed batches as the dense-mask path does, the
FlexAttention path without a `[W, W]` tensor (docs/method.md, "Packed batches")."""

from __future__ import annotations

import random

import pytest
import torch
from torch.profiler import ProfilerActivity, profile
from transformers import AutoConfig, AutoModelForCausalLM

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from rpo_exp.modeling.attention import block_structure, check_available
from rpo_exp.modeling.logprobs import collate_for, sequence_logps, token_logps
from rpo_exp.modeling.packing import collate, packed_attention_mask, padding_free
from tests.helpers import TINY, compose_cfg

VOCAB = 64  # small, so that the logits are not the largest tensor of a forward


def random_sequences(rng: random.Random, prompts: int, prompt_len: tuple, response_len: tuple):
    """Prompts shared by 1 to 4 responses (pairs, SWEPO-like groups) of uneven lengths (rows
    padded), each (prompt ids, response ids)."""
    sequences = []
    for _ in range(prompts):
        prompt = tuple(rng.randrange(1, VOCAB) for _ in range(rng.randint(*prompt_len)))
        for _ in range(rng.choice([1, 2, 2, 4])):
            response = tuple(rng.randrange(1, VOCAB) for _ in range(rng.randint(*response_len)))
            sequences.append((prompt, response))
    return sequences


def allowed(segment: torch.Tensor) -> torch.Tensor:
    """The dense boolean rule, from the additive mask of today's path."""
    return packed_attention_mask(segment, torch.float32)[:, 0] == 0


@pytest.mark.parametrize("block", [4, 8, 16])
def test_the_tile_maps_are_exactly_the_dense_mask_at_tile_level(block: int) -> None:
    """A tile is skipped only if no query of it sees any key of it, and runs unmasked only if
    every query sees every key (the last tile of a row, past W, is never unmasked)."""
    rng = random.Random(block)
    for _ in range(40):
        segment = collate(random_sequences(rng, rng.randint(1, 4), (1, 20), (1, 15)), 0).segment
        dense = allowed(segment)
        partial, full = block_structure(segment, block)
        rows, _, tiles, _ = partial.shape
        assert not (partial & full).any()
        for row in range(rows):
            for i in range(tiles):
                for j in range(tiles):
                    tile = dense[row, i * block : (i + 1) * block, j * block : (j + 1) * block]
                    inside = (j + 1) * block <= segment.shape[1]
                    assert bool(partial[row, 0, i, j] | full[row, 0, i, j]) == bool(tile.any())
                    assert bool(full[row, 0, i, j]) == (bool(tile.all()) and inside)


def tiny_model(implementation: str) -> torch.nn.Module:
    torch.manual_seed(0)
    config = AutoConfig.for_model(
        model_type="llama", hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, vocab_size=VOCAB,
    )  # fmt: skip
    return AutoModelForCausalLM.from_config(config, attn_implementation=implementation).eval()


@pytest.fixture(scope="module")
def long_batch() -> list:
    """Three tiles wide (W > 256): prompts shared by pairs and groups, padded rows."""
    return random_sequences(random.Random(0), 5, (60, 200), (10, 120))


@pytest.mark.parametrize("implementation", ["eager", "sdpa", "flex_attention"])
def test_every_implementation_gives_todays_log_probs(implementation: str, long_batch) -> None:
    """Per token to 1e-5; per sequence (sums of ~100 tokens, |logp| ~ 400) to fp32 rounding."""
    today = tiny_model("sdpa")  # the dense additive mask
    model = tiny_model(implementation)
    batch = collate_for(model, long_batch, 0)
    with torch.no_grad():
        want = token_logps(today, collate(long_batch, 0))
        got = token_logps(model, batch)
        torch.testing.assert_close(got, want, atol=1e-5, rtol=0)
        want, got = (sequence_logps(m, batch)[0] for m in (today, model))
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-6)
    assert batch.segment.shape[1] > 256 and (batch.segment == -1).any()


def in_sequence_order(tokens: torch.Tensor, batch) -> torch.Tensor:
    """Token log-probs ordered by sequence, then position (layouts order them differently)."""
    return tokens[torch.argsort(batch.sequence, stable=True)]


@pytest.mark.parametrize("implementation", ["eager", "sdpa"])
def test_the_padding_free_layout_of_flash_attention_gives_todays_log_probs(
    implementation: str, long_batch
) -> None:
    """flash_attention_2 needs a GPU; its layout (one row, position_ids restarting, no mask) is
    checked through the kernels that run here, to which transformers gives the same
    block-diagonal attention."""
    model = tiny_model(implementation)
    shared, batch = collate(long_batch, 0), padding_free(long_batch)
    with torch.no_grad():
        want, got = (in_sequence_order(token_logps(model, b), b) for b in (shared, batch))
    assert batch.input_ids.shape[0] == 1 and batch.padding_free
    torch.testing.assert_close(got, want, atol=1e-5, rtol=0)


def largest_allocation(model: torch.nn.Module, sequences: list) -> tuple[int, int]:
    """(bytes of the largest single CPU allocation of one forward, rows * W * W)."""
    batch = collate_for(model, sequences, 0)
    rows, width = batch.segment.shape
    with torch.no_grad():
        sequence_logps(model, batch)  # compiles flex_attention (once per shape)
        with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            sequence_logps(model, batch)
    sizes = [event.cpu_memory_usage for event in prof.events()]
    return max(sizes), rows * width * width


def test_the_flex_path_allocates_no_width_by_width_mask() -> None:
    """No tensor as large as a boolean [rows, W, W] mask (one byte an entry) is allocated:
    at W ~ 800 every other tensor of the tiny model's forward is smaller; the dense path,
    measured the same way, allocates its mask."""
    sequences = random_sequences(random.Random(1), 3, (500, 600), (100, 200))
    flex, dense_mask = largest_allocation(tiny_model("flex_attention"), sequences)
    assert dense_mask > 0 and flex < dense_mask
    dense, _ = largest_allocation(tiny_model("sdpa"), sequences)
    assert dense >= dense_mask


def test_flash_attention_is_refused_without_its_package_or_a_gpu() -> None:
    with pytest.raises(ConfigError, match=r"model.attn_implementation=flash_attention_2 needs "):
        check_available("flash_attention_2", cuda=False)
    cfg = compose_cfg(*TINY, "model.attn_implementation=flash_attention_2")
    with pytest.raises(ConfigError, match=r"flex_attention .CUDA. or sdpa instead"):
        validate(cfg)


def test_flex_attention_training_on_cpu_is_refused_naming_what_to_use() -> None:
    cfg = compose_cfg(*TINY, "model.attn_implementation=flex_attention")
    with pytest.raises(ConfigError, match=r"trains on CUDA only.*model.attn_implementation=sdpa"):
        validate(cfg)
    check_available("flex_attention", cuda=False, training=False)  # scoring on CPU is fine
    check_available("flex_attention", cuda=True)
