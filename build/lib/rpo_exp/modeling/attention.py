"""The attention mask of a packed batch for each `model.attn_implementation`
(`docs/method.md`, "Packed batches").

- `eager`, `sdpa`: a dense additive `[rows, 1, W, W]` mask (`packing.packed_attention_mask`).
- `flex_attention`: a FlexAttention `BlockMask` built from the segment layout in `W / 128`
  tiles: tiles no token may see are skipped, tiles every token sees run unmasked, and only the
  tiles in between evaluate the segment rule, so no `[W, W]` tensor exists.
- `flash_attention_2`: no mask at all: the batch is padding-free (`packing.collate` with
  `share_prompts=False`, each prompt + response its own sequence, `position_ids` restarting),
  which transformers turns into FlashAttention's varlen `cu_seqlens`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rpo_exp.common.errors import ConfigError, unmet

IMPLEMENTATIONS = ("eager", "sdpa", "flex_attention", "flash_attention_2")
BLOCK = 128  # FlexAttention's tile size


def check_available(implementation: str, cuda: bool, training: bool = True) -> None:
    """Refuse, before weights load, an attention implementation this machine cannot run."""
    key = f"model.attn_implementation={implementation}"
    if implementation not in IMPLEMENTATIONS:
        raise ConfigError(f"{key}: must be one of {', '.join(IMPLEMENTATIONS)}")
    if implementation == "flash_attention_2":
        missing = unmet(cuda, "flash_attn", "flash-attn")
        if missing:
            raise ConfigError(
                f"{key} needs {missing}; use model.attn_implementation="
                f"flex_attention{'' if cuda else ' (CUDA)'} or sdpa instead"
            )
    if implementation == "flex_attention" and training and not cuda:
        raise ConfigError(
            f"{key} trains on CUDA only: FlexAttention has no backward on CPU in torch "
            f"{torch.__version__.split('+')[0]}; use model.attn_implementation=sdpa on CPU"
        )


def shares_prompts(implementation: str) -> bool:
    """Whether batches for `implementation` encode each prompt once (all but FlashAttention,
    which takes no mask and so scores each prompt + response as its own sequence)."""
    return implementation != "flash_attention_2"


def tile_bounds(segment: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Per token, the two key intervals it may see, [0, e1) and [s2, e2): the prompt of its row
    and its own response so far (a prompt token: [0, q]; padding: itself only)."""
    rows, width = segment.shape
    q = torch.arange(width, device=segment.device).expand(rows, width)
    prompt_len = (segment == 0).sum(1, keepdim=True).expand(rows, width)
    is_prompt, is_pad = segment == 0, segment == -1
    e1 = torch.where(is_prompt, q + 1, torch.where(is_pad, 0, prompt_len))
    # a response's first position: the smallest q of its segment in its row
    big = torch.full_like(segment, width)
    owner = segment.clamp(min=0)
    starts = big.scatter_reduce(1, owner, torch.where(is_pad, big, q), "amin").gather(1, owner)
    s2 = torch.where(is_pad, q, torch.where(is_prompt, q + 1, starts))
    return e1, s2, q + 1


def block_structure(segment: Tensor, block: int = BLOCK) -> tuple[Tensor, Tensor]:
    """(partial, full) `[rows, 1, W/block, W/block]` tile maps of a packed batch: a tile is full
    when every query row of it may see every key of it, partial when some may see some."""
    rows, width = segment.shape
    tiles = -(-width // block)
    e1, s2, e2 = tile_bounds(segment)
    k = torch.arange(tiles, device=segment.device)
    lo, hi = (k * block)[None, None], ((k + 1) * block)[None, None]  # a tile's keys [lo, hi)

    def touches(start: Tensor, end: Tensor) -> Tensor:
        start, end = start[..., None], end[..., None]
        return (start < end) & (lo < end) & (start < hi)

    def covers(start: Tensor, end: Tensor) -> Tensor:
        return (start[..., None] <= lo) & (hi <= end[..., None]) & (hi <= width)

    joined = s2 <= e1  # the two intervals meet: [0, e2)
    seen = touches(torch.zeros_like(e1), e1) | touches(s2, e2)  # [rows, W, tiles]
    whole = covers(torch.zeros_like(e1), e1) | covers(s2, e2)
    whole |= covers(torch.zeros_like(e1), torch.where(joined, e2, e1))
    pad = tiles * block - width  # query rows past the end: seen by none, cover all
    seen = torch.nn.functional.pad(seen, (0, 0, 0, pad), value=False)
    whole = torch.nn.functional.pad(whole, (0, 0, 0, pad), value=True)
    seen = seen.view(rows, tiles, block, tiles).any(2)
    whole = whole.view(rows, tiles, block, tiles).all(2)
    return (seen & ~whole)[:, None], whole[:, None]


def flex_block_mask(segment: Tensor, block: int = BLOCK):
    """The FlexAttention `BlockMask` of a packed batch: the same rule as the dense mask (a token
    sees earlier tokens of the prompt and of its own segment; padding sees itself), evaluated
    only inside the partial tiles of `block_structure`."""
    from torch.nn.attention.flex_attention import BlockMask

    width = segment.shape[1]
    tiles = -(-width // block)
    seg = torch.nn.functional.pad(segment, (0, tiles * block - width), value=-1)

    def mask_mod(b: Tensor, h: Tensor, q: Tensor, kv: Tensor) -> Tensor:
        sq, sk = seg[b, q], seg[b, kv]
        return ((q >= kv) & (sk != -1) & (sq != -1) & ((sk == 0) | (sk == sq))) | (q == kv)

    def ordered(tile_map: Tensor) -> tuple[Tensor, Tensor]:
        counts = tile_map.sum(-1, dtype=torch.int32)
        indices = torch.argsort(~tile_map, dim=-1, stable=True).to(torch.int32)
        return counts, indices

    partial, full = block_structure(segment, block)
    return BlockMask.from_kv_blocks(
        *ordered(partial), *ordered(full), BLOCK_SIZE=block, mask_mod=mask_mod,
        seq_lengths=(width, width),
    )  # fmt: skip
