"""Two `gloo` processes (accelerate, DDP on CPU) give the loss and gradients of the
single-process run on the global batch (`loss.gather`; docs/method.md, "Multi-process
training"), to 1e-6."""

from __future__ import annotations

import json
import os
import socket

import pytest
import torch
import torch.multiprocessing as mp
from accelerate import Accelerator

from rpo_exp.config.validation import validate
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.modeling.adapters import attach
from rpo_exp.modeling.models import load_policy, load_tokenizer
from rpo_exp.training.reference import Reference
from rpo_exp.training.trainer import Split, Trainer
from tests.helpers import TINY, compose_cfg, run_train

WORLD = 2
# case -> (overrides, items of data, micro-batch size); batch sizes that do not split evenly
# over the ranks exercise the padded shards.
CASES = {
    "rpo_paired": (["loss=rpo", "trainer.batch_size=8"], 8),
    "rpo_paired_micro": (["loss=rpo", "trainer.batch_size=8"], 2),
    "rpo_unpaired": (["loss=rpo", "dataset=capybara_sample", "trainer.batch_size=7"], 7),
    "kto": (["loss=kto", "dataset=capybara_sample", "trainer.batch_size=5"], 5),
    "swepo": (["loss=swepo", "dataset=ultrafeedback_sample", "trainer.batch_size=3"], 3),
    "swepo_micro": (["loss=swepo", "dataset=ultrafeedback_sample", "trainer.batch_size=3"], 1),
    "rpo_local": (["loss=rpo", "loss.gather=false", "trainer.batch_size=8"], 8),
    "rpo_lora_micro": (["loss=rpo", "peft=lora", "trainer.batch_size=8"], 2),  # adapters only
    "rpo_blocks_micro": (["loss=rpo", "protocol.contrast_block=3", "trainer.batch_size=8"], 2),
    "dpo_wpo_ld_micro": (
        ["loss=dpo", "loss.wpo=true", "loss.ld_alpha=0.5", "trainer.batch_size=8"],
        2,
    ),
}


def backward(case: str, accelerator=None, batch: list[int] | None = None, cases=CASES):
    """(metrics, gradients by name) of one trainer step on the case's first batch (or `batch`),
    from a tiny LLaMA moved away from its reference. Under `trainer.strategy=fsdp` the weights
    and gradients are sharded: the noise goes into each rank's shard, and the gradients are
    gathered whole."""
    overrides, micro = cases[case]
    cfg = compose_cfg(*TINY, *overrides, f"trainer.micro_batch_size={micro}")
    objective, convert, layout = validate(cfg)
    tokenizer = load_tokenizer(cfg.model)
    examples = convert(load_split(cfg.dataset, "train").examples[:32])
    items, _ = tokenize_examples(examples, tokenizer, 24, 48)  # short: 2 ranks on 2 cores
    embeddings = torch.randn(len(items), 16, generator=torch.Generator().manual_seed(1))
    split = Split(items, embeddings=embeddings)
    torch.manual_seed(0)
    model = attach(load_policy(cfg.model, vocab_size=len(tokenizer)), cfg.peft)
    reference = Reference("initial", "tiny") if accelerator else None  # a shared fresh cache
    trainer = Trainer(
        cfg=cfg.trainer,
        model=model,
        objective=objective,
        layout=layout,
        pad_id=tokenizer.pad_token_id,
        accelerator=accelerator or Accelerator(cpu=True),
        reference=reference,
    )
    batch = batch or layout.order(items, cfg.trainer, seed=0)[0]
    split.ref = trainer.reference_table(split, trainer.sequence_keys(split, [batch]), "ref")
    noise = torch.Generator().manual_seed(2)
    with torch.no_grad():  # move away from the reference so the loss has a real gradient
        for p in model.parameters():
            p.add_(like(torch.randn(p.shape, generator=noise) * 0.02, p))
    metrics = trainer.backward(split, batch)
    grads = {n: whole(p.grad) for n, p in model.named_parameters() if p.requires_grad}
    return metrics, grads, batch


def like(full: torch.Tensor, param: torch.Tensor) -> torch.Tensor:
    """`full` placed as `param` is (an FSDP parameter: this rank's shard of it)."""
    if hasattr(param, "device_mesh"):
        from torch.distributed.tensor import distribute_tensor

        return distribute_tensor(full, param.device_mesh, param.placements)
    return full


def whole(grad: torch.Tensor) -> torch.Tensor:
    """A gradient, gathered whole if sharded."""
    return (grad.full_tensor() if hasattr(grad, "full_tensor") else grad).detach().clone()


def _worker(rank: int, port: int, out: str, cache: str) -> None:
    from accelerate import Accelerator

    os.environ |= {
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(port),
        "RANK": str(rank),
        "LOCAL_RANK": str(rank),
        "WORLD_SIZE": str(WORLD),
        "RPO_EXP_CACHE": cache,
    }
    torch.set_num_threads(1)
    accelerator = Accelerator(cpu=True)
    results = {case: backward(case, accelerator)[:2] for case in CASES}
    torch.save(results, f"{out}/rank{rank}.pt")
    accelerator.end_training()


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory) -> list[dict]:
    """Every case's (metrics, gradients) on each of two ranks."""
    out = tmp_path_factory.mktemp("ranks")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mp.spawn(_worker, args=(port, str(out), str(out / "cache")), nprocs=WORLD, join=True)
    return [torch.load(out / f"rank{r}.pt", weights_only=False) for r in range(WORLD)]


def assert_same_grads(got: dict, want: dict, atol: float = 1e-6) -> None:
    assert sum(g.abs().sum() for g in want.values()) > 0
    for name, grad in want.items():
        torch.testing.assert_close(got[name], grad, rtol=1e-5, atol=atol, msg=name)


@pytest.mark.parametrize("case", [c for c in CASES if c != "rpo_local"])
def test_two_ranks_equal_one_process_on_the_global_batch(two_ranks, case: str) -> None:
    metrics, grads, _ = backward(case)
    for rank in range(WORLD):
        rank_metrics, rank_grads = two_ranks[rank][case]
        assert rank_metrics["loss"] == pytest.approx(metrics["loss"], abs=1e-6)
        assert rank_metrics.keys() == metrics.keys()
        if "kto/z0" in metrics:  # averaged over both ranks' KL pairs
            assert rank_metrics["kto/z0"] == pytest.approx(metrics["kto/z0"], abs=1e-6)
        assert_same_grads(rank_grads, grads)


def test_without_gather_each_rank_optimises_its_own_share(two_ranks) -> None:
    """loss.gather=false: the gradient is the mean of the two local-batch gradients (every
    other item), and the local losses differ from the global one."""
    global_metrics, _, batch = backward("rpo_paired")
    halves = [backward("rpo_local", batch=batch[r::WORLD]) for r in range(WORLD)]
    mean = {n: (halves[0][1][n] + halves[1][1][n]) / 2 for n in halves[0][1]}
    for rank in range(WORLD):
        rank_metrics, rank_grads = two_ranks[rank]["rpo_local"]
        assert rank_metrics["loss"] == pytest.approx(halves[rank][0]["loss"], abs=1e-6)
        assert rank_metrics["loss"] != pytest.approx(global_metrics["loss"], abs=1e-4)
        assert_same_grads(rank_grads, mean)


def test_torchrun_trains_like_one_process(tmp_path) -> None:
    """The CLI runs unchanged under 2 CPU processes (torchrun; `accelerate launch` needs
    mpirun on CPU): the main process writes the run dir, and every logged metric equals the
    single-process run's."""
    args = [*TINY, "trainer.max_steps=2", "trainer.eval_max_examples=16"]
    rows = []
    for name, processes in (("one", 1), ("two", 2)):
        run_dir = tmp_path / name
        done = run_train(*args, run_dir=run_dir, processes=processes)
        assert done.returncode == 0, done.stderr[-3000:]
        processes = "2 process(es)" if name == "two" else "1 process(es)"
        assert processes in done.stdout + done.stderr
        assert (run_dir / "final" / "model.safetensors").exists()
        lines = (run_dir / "metrics.jsonl").read_text().splitlines()
        rows.append([{k: v for k, v in json.loads(r).items() if "perf/" not in k} for r in lines])
    assert len(rows[1]) == len(rows[0]) == 5  # skipped rows, eval, 2 steps, eval
    for got, want in zip(rows[1], rows[0], strict=True):
        assert got.keys() == want.keys()
        for key, value in want.items():
            assert got[key] == pytest.approx(value, rel=1e-5, abs=1e-6), key
