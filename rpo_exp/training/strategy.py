"""How the policy is spread over the processes of a run (`trainer.strategy`; docs/method.md,
"Multi-process training"): the one place that wraps the model, skips or runs the gradient
reduction, clips, saves and restores the training state and gathers the final weights.

- `ddp` (`Replicated`): accelerate's wrapping: a plain module in one process, DDP under
  `torchrun`/`accelerate launch` (gloo on CPU, NCCL on GPUs). Every rank holds all weights.
- `fsdp` (`FullyShard`): FSDP2 (`torch.distributed.fsdp.fully_shard`), driven here so that the
  same code runs on a CPU mesh (gloo) and on GPUs (NCCL): each decoder layer is a unit, the
  root (embeddings, final norm, LM head) one more; parameters, gradients and optimizer state
  are sharded over the ranks. Under `bf16-mixed` the sharded masters stay fp32 and FSDP's
  mixed-precision policy gathers them in bf16 for the compute and reduces gradients in fp32.
  Checkpoints hold each rank's shards (`shards-<rank>-of-<world>.safetensors`, no pickle) and
  resume on the same number of ranks; `final/` is gathered whole onto the main process.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import torch
import torch.distributed as dist
from accelerate import Accelerator
from safetensors.torch import load_file, save_file

from rpo_exp.common.errors import ConfigError
from rpo_exp.training.distributed import Ranks

STRATEGIES = ("ddp", "fsdp")
MakeOptimizer = Callable[[list[torch.nn.Parameter]], torch.optim.Optimizer]


class Strategy(Protocol):
    accelerator: Accelerator

    def prepare(self, module: torch.nn.Module, make_optimizer: MakeOptimizer) -> tuple:
        """(the wrapped module, its optimizer over the trainable parameters)."""

    def no_sync(self, sync: bool) -> contextlib.AbstractContextManager:
        """A context in which backward reduces gradients over ranks only if `sync`."""

    def clip_grad_norm(self, params: list[torch.Tensor], clip: float) -> torch.Tensor: ...

    def save_state(self, directory: Path) -> None:
        """Model, optimizer and RNG states into `directory` (every rank calls it)."""

    def load_state(self, directory: Path) -> None: ...

    def gathered(self) -> contextlib.AbstractContextManager:
        """A context in which the unwrapped model runs on its own (`generate`)."""

    def full_state_dict(self) -> dict[str, torch.Tensor]:
        """The whole weights of the wrapped module (every rank calls it; complete on the main
        process)."""

    def wait_for_everyone(self) -> None: ...


def strategy_for(name: str, accelerator: Accelerator, compute: torch.dtype | None) -> Strategy:
    """The `trainer.strategy` named `name`; `compute`: the mixed-precision compute dtype."""
    if accelerator.distributed_type.name in ("FSDP", "DEEPSPEED"):
        raise ConfigError(
            f"accelerate's own {accelerator.distributed_type.name} is not used: rpo_exp shards "
            "the model itself under trainer.strategy=fsdp. Launch with a plain multi-GPU "
            "accelerate config (launch/accelerate/fsdp.yaml) or torchrun"
        )
    if name == "ddp":
        return Replicated(accelerator)
    if name == "fsdp":
        return FullyShard(accelerator, compute)
    raise ConfigError(f"trainer.strategy={name}: must be one of {', '.join(STRATEGIES)}")


class Replicated:
    """`trainer.strategy=ddp`: accelerate prepares model and optimizer (DDP when several
    processes); checkpoints are accelerate's `save_state`."""

    def __init__(self, accelerator: Accelerator):
        self.accelerator = accelerator
        self.module: torch.nn.Module | None = None

    def prepare(self, module: torch.nn.Module, make_optimizer: MakeOptimizer) -> tuple:
        optimizer = make_optimizer([p for p in module.parameters() if p.requires_grad])
        self.module, optimizer = self.accelerator.prepare(module, optimizer)
        return self.module, optimizer

    def no_sync(self, sync: bool) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext() if sync else self.accelerator.no_sync(self.module)

    def clip_grad_norm(self, params: list[torch.Tensor], clip: float) -> torch.Tensor:
        return self.accelerator.clip_grad_norm_(params, clip)

    def save_state(self, directory: Path) -> None:
        self.accelerator.save_state(str(directory))

    def load_state(self, directory: Path) -> None:
        self.accelerator.load_state(str(directory))

    def gathered(self) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()

    def full_state_dict(self) -> dict[str, torch.Tensor]:
        return self.accelerator.get_state_dict(self.module)

    def wait_for_everyone(self) -> None:
        self.accelerator.wait_for_everyone()


class FullyShard:
    """`trainer.strategy=fsdp`: FSDP2 over every process (one is a world of one)."""

    def __init__(self, accelerator: Accelerator, compute: torch.dtype | None):
        self.accelerator, self.compute = accelerator, compute
        self.module: torch.nn.Module | None = None
        self.optimizer: torch.optim.Optimizer | None = None

    def prepare(self, module: torch.nn.Module, make_optimizer: MakeOptimizer) -> tuple:
        from torch.distributed.device_mesh import init_device_mesh
        from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard

        device = self.accelerator.device
        _ensure_process_group(device)
        module.to(device)
        mesh = init_device_mesh(device.type, (dist.get_world_size(),))
        policy = MixedPrecisionPolicy()
        if self.compute is not None:  # fp32 sharded masters, gathered in bf16, fp32 reduction
            policy = MixedPrecisionPolicy(param_dtype=self.compute, reduce_dtype=torch.float32)
        layers = decoder_layers(module)
        if not layers:
            raise ConfigError(
                "trainer.strategy=fsdp shards each decoder layer, and this model names none in "
                "`_no_split_modules`: use trainer.strategy=ddp"
            )
        for layer in layers:
            fully_shard(layer, mesh=mesh, mp_policy=policy)
        # the root too: a no-grad forward (reference, eval) would otherwise leave its gathered
        # copy in place, stale once the shards change (a restore, an update in a test)
        fully_shard(module, mesh=mesh, mp_policy=policy, reshard_after_forward=True)
        self.module = module
        self.optimizer = make_optimizer([p for p in module.parameters() if p.requires_grad])
        return module, self.optimizer

    def no_sync(self, sync: bool) -> contextlib.AbstractContextManager:
        return _gradient_sync(self.module, sync)

    def clip_grad_norm(self, params: list[torch.Tensor], clip: float) -> torch.Tensor:
        norm = torch.nn.utils.clip_grad_norm_(params, clip)
        return norm.full_tensor() if hasattr(norm, "full_tensor") else norm

    def save_state(self, directory: Path) -> None:
        from torch.distributed.checkpoint.state_dict import get_state_dict

        ranks = Ranks.current()
        model_state, optim_state = get_state_dict(self.module, self.optimizer)
        tensors = {f"model/{k}": _local(v) for k, v in model_state.items()}
        groups = optim_state["param_groups"]
        for name, state in optim_state["state"].items():
            tensors |= {f"optim/{name}/{k}": _local(v) for k, v in state.items()}
        tensors |= {f"rng/{k}": v for k, v in _rng_states().items()}
        directory.mkdir(parents=True, exist_ok=True)
        save_file(tensors, directory / _shard_name(ranks))
        if ranks.is_main:
            (directory / "optimizer_groups.json").write_text(json.dumps(groups))

    def load_state(self, directory: Path) -> None:
        from torch.distributed.checkpoint.state_dict import get_model_state_dict, set_state_dict

        ranks = Ranks.current()
        path = directory / _shard_name(ranks)
        if not path.exists():
            found = sorted(p.name for p in directory.glob("shards-*.safetensors"))
            raise ConfigError(
                f"{directory}: no {path.name} to resume with trainer.strategy=fsdp on "
                f"{ranks.world} process(es); it holds {', '.join(found) or 'no shards'} "
                "(resume with the number of processes that wrote it)"
            )
        saved = load_file(path)
        model_state = get_model_state_dict(self.module)
        model_state = {k: _like(saved[f"model/{k}"], v) for k, v in model_state.items()}
        state = {}
        for name in {k.split("/")[1] for k in saved if k.startswith("optim/")}:
            like = model_state[name]
            prefix = f"optim/{name}/"
            state[name] = {
                k.removeprefix(prefix): _like(v, like) if v.dim() else v
                for k, v in saved.items()
                if k.startswith(prefix)
            }
        groups = json.loads((directory / "optimizer_groups.json").read_text())
        set_state_dict(
            self.module,
            self.optimizer,
            model_state_dict=model_state,
            optim_state_dict={"state": state, "param_groups": groups},
        )
        _set_rng_states({k.removeprefix("rng/"): v for k, v in saved.items() if "rng/" in k})

    @contextlib.contextmanager
    def gathered(self):
        """The root unit's parameters (embeddings, norm, LM head) gathered, as the root's
        forward would; each layer gathers its own when it runs."""
        self.module.unshard()
        try:
            yield
        finally:
            self.module.reshard()

    def full_state_dict(self) -> dict[str, torch.Tensor]:
        from torch.distributed.checkpoint.state_dict import (
            StateDictOptions,
            get_model_state_dict,
        )

        options = StateDictOptions(full_state_dict=True, cpu_offload=True)
        return get_model_state_dict(self.module, options=options)

    def wait_for_everyone(self) -> None:
        dist.barrier()


def decoder_layers(module: torch.nn.Module) -> list[torch.nn.Module]:
    """The model's decoder layers: the modules whose class its `_no_split_modules` names
    (LLaMA's and Mistral's decoder layers), each an FSDP unit."""
    names = set(getattr(module, "_no_split_modules", None) or ())
    return [m for m in module.modules() if type(m).__name__ in names]


def _ensure_process_group(device: torch.device) -> None:
    """A process group for FSDP: torchrun's (accelerate starts it), else a world of one."""
    if dist.is_initialized():
        return
    backend = "nccl" if device.type == "cuda" else "gloo"
    dist.init_process_group(backend, store=dist.HashStore(), rank=0, world_size=1)


@contextlib.contextmanager
def _gradient_sync(module, sync: bool):
    """FSDP2 reduce-scatters gradients in backward only where `sync` (the last micro-batch)."""
    module.set_requires_gradient_sync(sync)
    try:
        yield
    finally:
        module.set_requires_gradient_sync(True)


def _shard_name(ranks: Ranks) -> str:
    return f"shards-{ranks.rank}-of-{ranks.world}.safetensors"


def _local(value) -> torch.Tensor:
    """This rank's part of a (possibly sharded) tensor, as a plain contiguous CPU tensor."""
    local = value.to_local() if hasattr(value, "to_local") else value
    if not isinstance(local, torch.Tensor):
        local = torch.tensor(local)
    return local.detach().cpu().contiguous().clone()


def _like(local: torch.Tensor, current) -> torch.Tensor:
    """`local` (this rank's saved part) placed as `current` is: a DTensor on its mesh."""
    if hasattr(current, "to_local"):
        from torch.distributed.tensor import DTensor

        local = local.to(current.device)
        return DTensor.from_local(
            local,
            current.device_mesh,
            current.placements,
            shape=current.shape,
            stride=current.stride(),
        )
    return local.to(current.device)


def _rng_states() -> dict[str, torch.Tensor]:
    states = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        states["cuda"] = torch.cuda.get_rng_state()
    return states


def _set_rng_states(states: dict[str, torch.Tensor]) -> None:
    torch.set_rng_state(states["torch"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state(states["cuda"])
