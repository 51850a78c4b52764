"""`make bench`: step time and memory, measured side by side in one run (not timed tests).

Same model (SmolLM2-135M), same 8 HH pairs of at most 64 tokens, RMSprop, reference log-probs
precomputed for every contender:
- dpo_vs_trl:  rpo_exp DPO step / TRL `DPOTrainer` step (precompute_ref_log_probs=True);
- dpo_vs_bare: rpo_exp DPO step / a bare policy forward + backward + optimizer step on the same
  tokens (full-vocabulary fp32 log-softmax, as most trainers score);
- rpo_vs_dpo:  RPO step (embedding weights, M = N = batch) / DPO step;
- peak_rss_mib: RPO and DPO runs at batch 64 (tiny_llama; median of alternating runs), and the
  default `make train` run, each in its own process;
- sweep_*: a 9-job sweep (tau 0.25/0.5/0.75 x the 3 embedders minilm, mpnet, sre_minilm;
  fewer jobs, printed, where one is not installed) with tiny_llama, sharing one fresh
  `$RPO_EXP_CACHE`, vs the same jobs cold (an empty cache each): reference log-probs and prompt
  embeddings computed, counted from each job's log, and total seconds.
Runs on a CUDA GPU when there is one. Figures are printed and written to `bench/results.json`.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from accelerate import Accelerator
from hydra import compose, initialize_config_dir

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.paths import cache_dir
from rpo_exp.config import validate
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.modeling.embeddings import embed_prompts, embedder_source
from rpo_exp.modeling.models import load_policy, load_tokenizer
from rpo_exp.training.trainer import Split, Trainer

ROOT = Path(__file__).resolve().parents[1]
PAIRS, MAX_LENGTH, REPEATS = 8, 64, 9
RSS_REPEATS = 3
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
SWEEP_TAUS = (0.25, 0.5, 0.75)
SWEEP_EMBEDDERS = ("minilm", "mpnet", "sre_minilm")
SWEEP_STEPS = 2
# One-time install artifacts (the dequantized GGUF, unpacked embedder zips) that every run's
# cache links to, so that sweep and cold runs differ only in what a sweep shares.
SETUP_DIRS = ("models", "embedders")
# Linux keeps a process's peak RSS across exec, and a child forked from this (large) process
# starts with this process's RSS: runs go through a small shell that forks them, so that the
# peak RSS they report is their own (without it every run reported this process's peak).
OWN_RSS = ["sh", "-c", '"$0" "$@"; exit $?']
REF_LINE = re.compile(r"reference logps(?: \(\w+\))?: (\d+) computed, (\d+) from the cache")
EMBED_LINE = re.compile(r"prompt embeddings: (\d+) computed")


def sync() -> None:
    """Wait for queued GPU work, so that wall-clock time covers it."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def device_name() -> str:
    """What the in-process figures ran on, as recorded in the results."""
    if DEVICE.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(DEVICE)})"
    return f"cpu ({torch.get_num_threads()} threads)"


# `python -m rpo_exp.bench --steps-only [overrides]`: figures 1-3 only, with Hydra overrides for
# every config the bench composes (e.g. a local model dir on a GPU machine).
STEPS_ONLY = "--steps-only" in sys.argv[1:]
OVERRIDES = [arg for arg in sys.argv[1:] if arg != "--steps-only"]


def compose_cfg(*overrides: str):
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        return compose(config_name="config", overrides=[*OVERRIDES, *overrides])


def interleaved_medians(steps: dict, repeats: int = REPEATS) -> dict[str, float]:
    """Median seconds of each step function, timed in alternation (round robin after one
    warm-up each) so that drift in the machine's speed hits every contender alike."""
    for step in steps.values():
        step()
    times = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            sync()
            start = time.perf_counter()
            step()
            sync()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def short_pairs(tokenizer):
    """The first PAIRS hh_sample pairs whose prompt + response fit MAX_LENGTH untruncated."""
    examples = load_split(compose_cfg().dataset, "train").examples
    items, _ = tokenize_examples(examples, tokenizer, MAX_LENGTH - 1, MAX_LENGTH)
    keep = [
        i
        for i, it in enumerate(items)
        if max(len(it.prompt_ids) + len(r) for r in it.response_ids) < MAX_LENGTH
        and len(tokenizer(examples[i].prompt)["input_ids"]) == len(it.prompt_ids)
    ][:PAIRS]
    return [examples[i] for i in keep]


def ours(loss: str, examples, tokenizer):
    """An rpo_exp training step (loss, backward, clip, RMSprop) on the pairs, as a function."""
    cfg = compose_cfg(
        f"loss={loss}", f"trainer.batch_size={PAIRS}", f"trainer.micro_batch_size={PAIRS}"
    )
    objective, convert, layout = validate(cfg)
    torch.manual_seed(0)
    model = load_policy(cfg.model, len(tokenizer)).to(DEVICE)
    items, _ = tokenize_examples(convert(examples), tokenizer, MAX_LENGTH - 1, MAX_LENGTH)
    split = Split(items)
    if objective.needs_embeddings:
        split.embeddings = embed_prompts([it.prompt_text for it in items], cfg.embedder, DEVICE)
    trainer = Trainer(
        cfg=cfg.trainer,
        model=model,
        objective=objective,
        layout=layout,
        pad_id=tokenizer.pad_token_id,
        accelerator=Accelerator(cpu=DEVICE.type == "cpu"),
    )
    batch = list(range(len(items)))
    split.ref = trainer.reference_table(split, trainer.sequence_keys(split, [batch]), "ref")
    params = list(model.parameters())
    optimizer = torch.optim.RMSprop(params, lr=1e-7)

    def step() -> None:
        trainer.backward(split, batch)
        torch.nn.utils.clip_grad_norm_(params, 10.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return step


def bare(examples, tokenizer):
    """Policy forward + backward + RMSprop step, full-vocabulary fp32 log-softmax."""
    cfg = compose_cfg()
    torch.manual_seed(0)
    model = load_policy(cfg.model, len(tokenizer)).to(DEVICE)
    items, _ = tokenize_examples(examples, tokenizer, MAX_LENGTH - 1, MAX_LENGTH)
    sequences = [(it.prompt_ids, r) for it in items for r in it.response_ids]
    width = max(len(p) + len(r) for p, r in sequences)  # each sequence in its own padded row
    input_ids = torch.full((len(sequences), width), tokenizer.pad_token_id)
    attention_mask = torch.zeros_like(input_ids)
    response_mask = torch.zeros_like(input_ids, dtype=torch.bool)
    for row, (p, r) in enumerate(sequences):
        input_ids[row, : len(p) + len(r)] = torch.tensor(p + r)
        attention_mask[row, : len(p) + len(r)] = 1
        response_mask[row, len(p) : len(p) + len(r)] = True
    input_ids, attention_mask = input_ids.to(DEVICE), attention_mask.to(DEVICE)
    response_mask = response_mask.to(DEVICE)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-7)

    def step() -> None:
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits
        logps = torch.log_softmax(logits[:, :-1].float(), -1)
        token = logps.gather(-1, input_ids[:, 1:, None])[..., 0]
        (-(token * response_mask[:, 1:]).sum()).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return step


def trl_dpo(examples, tokenizer) -> float:
    """TRL's DPOTrainer on the same pairs: median time between its step callbacks."""
    from datasets import Dataset
    from transformers import TrainerCallback
    from trl import DPOConfig, DPOTrainer

    class StepTimes(TrainerCallback):
        def __init__(self):
            self.times: list[float] = []

        def on_step_begin(self, args, state, control, **kwargs):
            sync()
            self.start = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            sync()
            self.times.append(time.perf_counter() - self.start)

    torch.manual_seed(0)
    model = load_policy(compose_cfg().model, len(tokenizer))
    data = Dataset.from_dict(
        {
            "prompt": [e.prompt for e in examples],
            "chosen": [e.chosen for e in examples],
            "rejected": [e.rejected for e in examples],
        }
    )
    timer = StepTimes()
    with tempfile.TemporaryDirectory() as out:
        args = DPOConfig(
            output_dir=out,
            per_device_train_batch_size=PAIRS,
            max_length=MAX_LENGTH,
            precompute_ref_log_probs=True,
            optim="rmsprop",
            learning_rate=1e-7,
            max_steps=REPEATS + 1,
            report_to=[],
            save_strategy="no",
            logging_strategy="no",
            use_cpu=DEVICE.type == "cpu",
            bf16=False,  # TRL 1.16 defaults to bf16 autocast and gradient checkpointing; the
            gradient_checkpointing=False,  # comparison is fp32 without recomputation, like ours
            dataloader_num_workers=0,
        )
        trainer = DPOTrainer(
            model=model,
            args=args,
            train_dataset=data,
            processing_class=tokenizer,
            callbacks=[timer],
        )
        trainer.train()
    return statistics.median(timer.times[1:])


def train_run(*overrides: str, cache: Path | None = None) -> tuple[dict, str, float]:
    """`python -m rpo_exp.train logger=none <overrides>` in its own process (under `cache` as
    `$RPO_EXP_CACHE` if given): its summary.json, its log and its wall seconds."""
    env = os.environ | ({"RPO_EXP_CACHE": str(cache)} if cache else {})
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [
                *OWN_RSS,
                sys.executable,
                "-m",
                "rpo_exp.train",
                "logger=none",
                *overrides,
                f"hydra.run.dir={out}",
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env=env,
        )
        seconds = time.perf_counter() - start
        summary = json.loads((Path(out) / "summary.json").read_text())
        return summary, (Path(out) / "train.log").read_text(), seconds


def peak_rss_mib(loss: str, cache: Path) -> float:
    """Peak RSS of a batch-64 tiny_llama step in its own process."""
    summary, _, _ = train_run(
        "model=tiny_llama",
        f"loss={loss}",
        "trainer.batch_size=64",
        "trainer.micro_batch_size=64",
        "trainer.max_steps=1",
        "trainer.eval_max_examples=64",
        cache=cache,
    )
    return summary["peak_rss_gib"] * 1024


def batch64_rss(tmp: Path) -> dict[str, list[float]]:
    """Peak RSS (MiB) of batch-64 DPO and RPO runs, alternating, RSS_REPEATS each: one run
    varies by tens of MiB (the allocator), more than an M x N matrix. A first, unreported RPO
    run fills the cache, so that no measured run loads the embedder or the reference pass."""
    cache = fresh_cache(tmp / "rss")
    peak_rss_mib("rpo", cache)
    runs: dict[str, list[float]] = {"dpo": [], "rpo": []}
    for _ in range(RSS_REPEATS):
        for loss, values in runs.items():
            values.append(peak_rss_mib(loss, cache))
    return runs


def fresh_cache(root: Path) -> Path:
    """An empty `$RPO_EXP_CACHE` that links only the one-time install artifacts."""
    root.mkdir(parents=True)
    for name in SETUP_DIRS:
        (root / name).symlink_to(cache_dir(name), target_is_directory=True)
    return root


def default_train(tmp: Path) -> dict:
    """The default `make train` run (SmolLM2-135M, RPO), from a fresh cache, in its own process."""
    summary, _, seconds = train_run(cache=fresh_cache(tmp / "default"))
    return {"peak_rss_mib": summary["peak_rss_gib"] * 1024, "wall_seconds": seconds}


def sweep_embedders() -> tuple[list[str], dict[str, str]]:
    """The sweep's embedders that load here (unpacked once, as install artifacts), and why the
    others are skipped."""
    ready, skipped = [], {}
    for name in SWEEP_EMBEDDERS:
        try:
            embedder_source(compose_cfg(f"embedder={name}").embedder)
            ready.append(name)
        except (ConfigError, FileNotFoundError) as err:
            skipped[name] = str(err)
    return ready, skipped


def job_counts(log: str) -> dict[str, int]:
    """Reference log-probs computed and asked for, prompt embeddings computed and embedder
    loads, in one job's log."""
    refs = [tuple(map(int, m)) for m in REF_LINE.findall(log)]
    embeds = [int(m) for m in EMBED_LINE.findall(log)]
    if not refs or not embeds:
        raise RuntimeError("a sweep job logged no reference or embedding counts:\n" + log)
    return {
        "ref_computed": sum(c for c, _ in refs),
        "ref_sequences": sum(c + cached for c, cached in refs),
        "embed_computed": sum(embeds),
        "embedder_loads": log.count("Loading SentenceTransformer"),
    }


def sweep(tmp: Path) -> dict:
    """The tau x embedder sweep sharing one fresh cache vs the same jobs cold, one process per
    job on both sides (so the difference is what the cache shares); each sweep job runs next to
    its cold twin, so that drift in the machine's speed hits both sides alike."""
    load_tokenizer(compose_cfg("model=tiny_llama").model)  # dequantizes the GGUF once
    embedders, skipped = sweep_embedders()
    jobs = [(e, tau) for e in embedders for tau in SWEEP_TAUS]
    shared = fresh_cache(tmp / "sweep")
    runs: dict[str, list[tuple[str, dict, float]]] = {"sweep": [], "cold": []}
    for i, (embedder, tau) in enumerate(jobs):
        for side in runs:
            cache = shared if side == "sweep" else fresh_cache(tmp / f"cold{i}")
            _, log, seconds = train_run(
                "model=tiny_llama",
                "loss=rpo",
                f"loss.tau={tau}",
                f"embedder={embedder}",
                f"trainer.max_steps={SWEEP_STEPS}",
                cache=cache,
            )
            runs[side].append((embedder, job_counts(log), seconds))

    def total(side: str, key: str, embedder: str | None = None) -> int:
        return sum(c[key] for e, c, _ in runs[side] if embedder in (None, e))

    one_job = runs["cold"][0][1]
    seconds = {side: sum(s for _, _, s in r) for side, r in runs.items()}
    return {
        "jobs": len(jobs),
        "taus": list(SWEEP_TAUS),
        "embedders": embedders,
        "skipped_embedders": skipped,
        "steps": SWEEP_STEPS,
        "seconds": seconds,
        "job_seconds": {side: [round(s, 2) for _, _, s in r] for side, r in runs.items()},
        "ref": {
            "sweep": total("sweep", "ref_computed"),
            "cold": total("cold", "ref_computed"),
            "one_job": one_job["ref_sequences"],
        },
        "embed": {
            e: {
                "sweep": total("sweep", "embed_computed", e),
                "cold": total("cold", "embed_computed", e),
                "one_job": next(c["embed_computed"] for n, c, _ in runs["cold"] if n == e),
                "sweep_loads": total("sweep", "embedder_loads", e),
                "cold_loads": total("cold", "embedder_loads", e),
            }
            for e in embedders
        },
        "speedup": seconds["cold"] / seconds["sweep"],
    }


def step_figures(seconds: dict[str, float]) -> dict:
    """Figures 1-3: the step times and their ratios."""
    return {
        "pairs": PAIRS,
        "max_length": MAX_LENGTH,
        "step_seconds": seconds,
        "dpo_vs_trl": seconds["dpo"] / seconds["trl_dpo"],
        "dpo_vs_bare": seconds["dpo"] / seconds["bare"],
        "rpo_vs_dpo": seconds["rpo"] / seconds["dpo"],
    }


def main() -> None:
    load_start = os.getloadavg()
    tokenizer = load_tokenizer(compose_cfg().model)
    examples = short_pairs(tokenizer)
    steps = {
        "bare": bare(examples, tokenizer),
        "dpo": ours("dpo", examples, tokenizer),
        "rpo": ours("rpo", examples, tokenizer),
    }
    seconds = interleaved_medians(steps) | {"trl_dpo": trl_dpo(examples, tokenizer)}
    del steps
    if STEPS_ONLY:
        figures = {"torch": torch.__version__, "overrides": OVERRIDES} | step_figures(seconds)
        print(json.dumps({"device": device_name(), **figures}, indent=2))
        return
    with tempfile.TemporaryDirectory() as tmp:
        rss_runs = batch64_rss(Path(tmp))
        default = default_train(Path(tmp))
        swept = sweep(Path(tmp))
    rss = {loss: statistics.median(values) for loss, values in rss_runs.items()}
    results = {
        "device": device_name(),
        # 1-minute load average (this bench counts ~1-2): higher means shared cores, slower steps
        "load_average": {"start": load_start[0], "end": os.getloadavg()[0]},
        "model": "SmolLM2-135M",
        **step_figures(seconds),
        "peak_rss_mib": {
            "batch64_tiny_llama": rss,
            "batch64_tiny_llama_runs": rss_runs,
            "rpo_minus_dpo": rss["rpo"] - rss["dpo"],
            "default_train": default["peak_rss_mib"],
        },
        "default_train_seconds": default["wall_seconds"],
        "sweep": {k: swept[k] for k in ("jobs", "taus", "embedders", "skipped_embedders")}
        | {k: swept[k] for k in ("steps", "seconds", "job_seconds")},
        "sweep_ref_computations": swept["ref"],
        "sweep_embed_computations": swept["embed"],
        "sweep_speedup": swept["speedup"],
    }
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    report(results)
    print(f"written to {out}")


def report(results: dict) -> None:
    """Print every figure of `results`."""
    seconds, rss = results["step_seconds"], results["peak_rss_mib"]
    print(f"\n== make bench ({results['device']}, {PAIRS} pairs x <= {MAX_LENGTH} tokens) ==")
    load = results["load_average"]
    print(f"load average (1 min) at start {load['start']:.1f}, at end {load['end']:.1f}")
    for name, value in seconds.items():
        print(f"step seconds  {name:8s} {value:7.2f}")
    for key, target in (("dpo_vs_trl", 0.6), ("dpo_vs_bare", 1.10), ("rpo_vs_dpo", 1.02)):
        print(f"{key:12s} {results[key]:5.2f}   (target <= {target})")
    b64, runs = rss["batch64_tiny_llama"], rss["batch64_tiny_llama_runs"]
    print(
        f"peak RSS MiB, batch 64, median of {len(runs['dpo'])}: dpo {b64['dpo']:.0f}, "
        f"rpo {b64['rpo']:.0f} (rpo - dpo = {rss['rpo_minus_dpo']:.1f}; runs: "
        + ", ".join(f"{loss} {' '.join(f'{v:.0f}' for v in vs)}" for loss, vs in runs.items())
        + ")"
    )
    print(
        f"peak RSS MiB, default `make train` (fresh cache): {rss['default_train']:.0f} "
        f"({results['default_train_seconds']:.0f} s)"
    )
    sw, ref = results["sweep"], results["sweep_ref_computations"]
    print(
        f"sweep: {sw['jobs']} jobs = tau {sw['taus']} x embedders {sw['embedders']}, "
        f"tiny_llama, {sw['steps']} steps each"
    )
    for name, why in sw["skipped_embedders"].items():
        print(f"  skipped embedder {name}: {why}")
    print(
        f"  reference log-probs computed: sweep {ref['sweep']}, one job's worth "
        f"{ref['one_job']}, {sw['jobs']} cold runs {ref['cold']}"
    )
    for name, n in results["sweep_embed_computations"].items():
        print(
            f"  prompt embeddings computed by {name}: sweep {n['sweep']}, one job's worth "
            f"{n['one_job']}, cold {n['cold']}; embedder loaded {n['sweep_loads']}x in the "
            f"sweep, {n['cold_loads']}x cold"
        )
    cold, warm = sw["seconds"]["cold"], sw["seconds"]["sweep"]
    print(
        f"  total seconds: sweep {warm:.0f}, {sw['jobs']} cold runs {cold:.0f} "
        f"(speedup {results['sweep_speedup']:.2f}x)"
    )


if __name__ == "__main__":
    main()
