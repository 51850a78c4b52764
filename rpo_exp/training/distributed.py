"""Multi-process training (`accelerate launch`, torchrun): which rank scores which sequences,
and the gathers that give every rank the log-probs of the whole global batch.

With `loss.gather=true` (docs/method.md, "Multi-process training") each rank scores a
contiguous shard of the global batch's sequences; a gradient-preserving all-gather gives every
rank all of them, so every rank computes the single-process loss of the global batch: RPO's rows
meet all N_global columns, KTO's z0 averages every rank's KL pairs, SWEPO normalises over all
groups. Prompt embeddings need no gather: every rank holds the embedding of every prompt (one
shared cache).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import Tensor

from rpo_exp.common.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True)
class Ranks:
    """This process's rank in a world of `world` processes (1: a plain single-process run)."""

    rank: int = 0
    world: int = 1

    @classmethod
    def current(cls) -> Ranks:
        if dist.is_available() and dist.is_initialized():
            return cls(dist.get_rank(), dist.get_world_size())
        return cls()

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def _size(self, n: int) -> int:
        return -(-n // self.world)

    def shard(self, items: list[T]) -> list[T]:
        """This rank's contiguous share of `items`, padded with the last item to ceil(n/world),
        so that every rank runs the same forwards (FSDP and DDP need lockstep); `gather` drops
        the padding."""
        if self.world == 1:
            return items
        size = self._size(len(items))
        part = items[self.rank * size : (self.rank + 1) * size]
        return part + [items[-1]] * (size - len(part))

    def gather(self, local: Tensor, total: int) -> Tensor:
        """The first `total` values of all ranks' `shard`s, in order (padding sits only after
        them). Gradient-preserving: backward sums every rank's gradient into the shard's owner,
        so a loss computed identically on W ranks sends W times its gradient to each shard."""
        if self.world == 1:
            return local
        from torch.distributed._functional_collectives import all_gather_single_autograd

        return all_gather_single_autograd(local.contiguous(), 0, dist.group.WORLD)[:total]

    def local_part(self, full: Tensor) -> Tensor:
        """This rank's `shard` of a gathered vector, zeros on its padding."""
        if self.world == 1:
            return full
        size = self._size(len(full))
        part = full[self.rank * size : (self.rank + 1) * size]
        return F.pad(part, (0, size - len(part)))

    def broadcast(self, obj: T) -> T:
        """The main process's `obj` on every rank."""
        if self.world == 1:
            return obj
        box = [obj]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def mean(self, metrics: dict[str, float]) -> dict[str, float]:
        """Each metric averaged over the ranks that report it."""
        if self.world == 1:
            return metrics
        every: list[dict[str, float]] = [{} for _ in range(self.world)]
        dist.all_gather_object(every, metrics)
        keys = dict.fromkeys(k for m in every for k in m)
        return {k: float(torch.tensor([m[k] for m in every if k in m]).mean()) for k in keys}


def on_main(fn: Callable[[], T], main: bool) -> T | None:
    """`fn()` on the main process, whose ConfigError (a refusal) every process then raises, so
    that no rank waits on a collective the main process left."""
    result, problem = None, None
    if main:
        try:
            result = fn()
        except ConfigError as err:
            problem = str(err)
    problem = Ranks.current().broadcast(problem)
    if problem is not None:
        raise ConfigError(problem)
    return result


def leave_together() -> None:
    """The end of a multi-process run: every rank waits for the others (the main process's
    final save), then leaves the process group. A rank that exits while the group is still
    live elsewhere can abort in the backend's teardown (gloo: `terminate called without an
    active exception`), failing the launcher on a run that had finished."""
    if Ranks.current().world > 1:
        dist.barrier()
        dist.destroy_process_group()
