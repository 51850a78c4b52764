"""`make bench`: step time and memory, measured side by side in one run (not timed tests).

Same model (SmolLM2-135M), same 8 HH pairs of at most 64 tokens, RMSprop, reference log-probs
precomputed for every contender (rpo_exp DPO and RPO: median of REPEATS rounds timed in
alternation with the bare step, which, twice as slow and far from its target, runs in every
BARE_EVERY-th round; TRL: its own loop, median of its steps after a warm-up one):
- dpo_vs_bare: rpo_exp DPO step / a bare policy forward + backward + optimizer step on the same
  tokens (full-vocabulary fp32 log-softmax, as most trainers score);
- rpo_vs_dpo:  RPO step (embedding weights, M = N = batch) / DPO step;
- dpo_vs_trl:  rpo_exp DPO step / TRL `DPOTrainer` step (precompute_ref_log_probs=True);
- peak_rss_mib: RPO and DPO runs at batch 64 (tiny_llama; median of alternating runs), and the
  default `make train` run, each in its own process;
- sweep_*: a 9-job sweep (tau 0.25/0.5/0.75 x the 3 embedders minilm, mpnet, sre_minilm;
  fewer jobs, printed, where one is not installed) with tiny_llama, sharing one fresh
  `$RPO_EXP_CACHE`, vs the same jobs cold (an empty cache each): reference log-probs and prompt
  embeddings computed, counted from each job's log, and total seconds.
Runs on a CUDA GPU when there is one. Each figure is printed on its own line (flushed) as soon
as it is measured, and `bench/results.json` is rewritten after each, with the device, the load
average, each finished phase's seconds and `complete` (false until the last figure), so that a
run cut short still reports what it measured. Some 12-15 minutes on a quiet 2-core CPU (est.).
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
from rpo_exp.common.files import write_text
from rpo_exp.common.paths import cache_dir
from rpo_exp.config.validation import validate
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.modeling.embeddings import embed_prompts, embedder_source
from rpo_exp.modeling.models import load_policy, load_tokenizer
from rpo_exp.training.trainer import Split, Trainer

ROOT = Path(__file__).resolve().parents[1]
PAIRS, MAX_LENGTH = 8, 64
# Interleaved rounds: rpo_exp DPO and RPO are timed in every one (with 5, RPO/DPO came out 0.96
# and 1.04 in two clean runs: too noisy for its 1.02 target), the bare step in rounds 0, 2, .., 8.
REPEATS, BARE_EVERY = 9, 2
TRL_STEPS = 6  # TRL's own loop: a warm-up step, then the median of 5
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
# `python -m rpo_exp.bench --paper [flags]`: the paper-shape bench, rpo_exp.bench_paper (own flags).
PAPER = "--paper" in sys.argv[1:]
STEPS_ONLY = "--steps-only" in sys.argv[1:]
OVERRIDES = [] if PAPER else [arg for arg in sys.argv[1:] if arg != "--steps-only"]


def compose_cfg(*overrides: str):
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        return compose(config_name="config", overrides=[*OVERRIDES, *overrides])


def interleaved_medians(
    steps: dict, repeats: int = REPEATS, every: dict[str, int] | None = None
) -> dict[str, float]:
    """Median seconds of each step function, timed in alternation (round robin after one
    warm-up each) so that drift in the machine's speed hits every contender alike; a contender
    named in `every` runs only in rounds 0, every, 2 * every, .. (spread over the whole phase)."""
    every = every or {}
    for step in steps.values():
        step()
    times = {name: [] for name in steps}
    for round_ in range(repeats):
        for name, step in steps.items():
            if round_ % every.get(name, 1):
                continue
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
        split.embeddings = embed_prompts([it.embedder_text for it in items], cfg.embedder, DEVICE)
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


def step_timer():
    """A transformers `TrainerCallback` whose `times` are the seconds of each optimizer step
    (forward, backward of every accumulated micro-batch, clip, update), GPU work included."""
    from transformers import TrainerCallback

    class StepTimes(TrainerCallback):
        def __init__(self):
            self.times: list[float] = []

        def on_step_begin(self, args, state, control, **kwargs):
            sync()
            self.start = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            sync()
            self.times.append(time.perf_counter() - self.start)

    return StepTimes()


def trl_dpo(examples, tokenizer) -> float:
    """TRL's DPOTrainer on the same pairs: median time between its step callbacks."""
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    torch.manual_seed(0)
    model = load_policy(compose_cfg().model, len(tokenizer))
    data = Dataset.from_dict(
        {
            "prompt": [e.prompt for e in examples],
            "chosen": [e.chosen for e in examples],
            "rejected": [e.rejected for e in examples],
        }
    )
    timer = step_timer()
    with tempfile.TemporaryDirectory() as out:
        args = DPOConfig(
            output_dir=out,
            per_device_train_batch_size=PAIRS,
            max_length=MAX_LENGTH,
            precompute_ref_log_probs=True,
            optim="rmsprop",
            learning_rate=1e-7,
            max_steps=TRL_STEPS,
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


def sweep(tmp: Path, progress=print) -> dict:
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
        progress(
            f"  sweep job {i + 1}/{len(jobs)} ({embedder}, tau {tau}): shared cache "
            f"{runs['sweep'][-1][2]:.1f} s, cold {runs['cold'][-1][2]:.1f} s"
        )

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


OUT = ROOT / "bench" / "results.json"


def merged(into: dict, new: dict) -> dict:
    """`into` with `new` merged in, nested dicts key by key."""
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merged(into[key], value)
        else:
            into[key] = value
    return into


class Results:
    """The figures so far: `add` prints a figure's line (flushed) as soon as it is measured and
    rewrites `out` (None: print only), with the device and the 1-minute load average at start
    and at the latest figure (this bench counts ~1-2: higher means shared cores, slower steps)."""

    def __init__(self, out: Path | None, title: str | None = None, **head):
        self.out = out
        start = os.getloadavg()[0]
        self.data = {"device": device_name(), "load_average": {"start": start, "end": start}}
        self.data |= {"complete": False, "phase_seconds": {}} | head
        self.phase_start = time.perf_counter()
        device = self.data["device"]
        title = title or f"make bench ({device}, {PAIRS} pairs x <= {MAX_LENGTH} tokens)"
        print(f"\n== {title} ==")
        self.line(f"load average (1 min) at start {start:.1f}")

    def line(self, text: str) -> None:
        print(text, flush=True)

    def add(self, text: str, **figures) -> None:
        merged(self.data, figures)
        self.data["load_average"]["end"] = os.getloadavg()[0]
        self.line(text)
        if self.out is not None:
            write_text(self.out, json.dumps(self.data, indent=2) + "\n")

    def phase(self, name: str) -> None:
        """Close the phase that began at the previous one (or at the start)."""
        now = time.perf_counter()
        seconds, self.phase_start = now - self.phase_start, now
        load = os.getloadavg()[0]
        self.add(
            f"-- phase {name}: {seconds:.0f} s (load average {load:.1f})",
            phase_seconds={name: round(seconds, 1)},
        )


def step_lines(results: Results, seconds: dict[str, float], counts: dict[str, int]) -> None:
    """Figures 1-3 as they come: step seconds, then each ratio whose two steps are measured."""
    for name, value in seconds.items():
        results.add(
            f"step seconds  {name:8s} {value:7.2f}   (median of {counts[name]})",
            step_seconds={name: value},
            step_repeats={name: counts[name]},
        )
    measured = results.data["step_seconds"]
    for key, (num, den), target in (
        ("dpo_vs_bare", ("dpo", "bare"), 1.10),
        ("rpo_vs_dpo", ("rpo", "dpo"), 1.02),
        ("dpo_vs_trl", ("dpo", "trl_dpo"), 0.6),
    ):
        if key not in results.data and num in measured and den in measured:
            ratio = measured[num] / measured[den]
            results.add(f"{key:12s} {ratio:5.2f}   (target <= {target})", **{key: ratio})


def main() -> None:
    results = Results(
        None if STEPS_ONLY else OUT, model="SmolLM2-135M", pairs=PAIRS, max_length=MAX_LENGTH
    )
    tokenizer = load_tokenizer(compose_cfg().model)
    examples = short_pairs(tokenizer)
    steps = {
        "bare": bare(examples, tokenizer),
        "dpo": ours("dpo", examples, tokenizer),
        "rpo": ours("rpo", examples, tokenizer),
    }
    results.phase("setup")
    every = {"bare": BARE_EVERY}
    seconds = interleaved_medians(steps, REPEATS, every)
    counts = {name: len(range(0, REPEATS, every.get(name, 1))) for name in steps}
    del steps
    step_lines(results, seconds, counts)
    results.phase("steps")
    step_lines(results, {"trl_dpo": trl_dpo(examples, tokenizer)}, {"trl_dpo": TRL_STEPS - 1})
    results.phase("trl")
    if STEPS_ONLY:
        figures = {"torch": torch.__version__, "overrides": OVERRIDES} | results.data
        figures.pop("complete")
        print(json.dumps(figures, indent=2))
        return
    with tempfile.TemporaryDirectory() as tmp:
        runs = batch64_rss(Path(tmp))
        rss = {loss: statistics.median(values) for loss, values in runs.items()}
        results.add(
            f"peak RSS MiB, batch 64, median of {len(runs['dpo'])}: dpo {rss['dpo']:.0f}, "
            f"rpo {rss['rpo']:.0f} (rpo - dpo = {rss['rpo'] - rss['dpo']:.1f}; runs: "
            + ", ".join(f"{loss} {' '.join(f'{v:.0f}' for v in vs)}" for loss, vs in runs.items())
            + ")",
            peak_rss_mib={
                "batch64_tiny_llama": rss,
                "batch64_tiny_llama_runs": runs,
                "rpo_minus_dpo": rss["rpo"] - rss["dpo"],
            },
        )
        results.phase("rss")
        default = default_train(Path(tmp))
        results.add(
            f"peak RSS MiB, default `make train` (fresh cache): {default['peak_rss_mib']:.0f} "
            f"({default['wall_seconds']:.0f} s)",
            peak_rss_mib={"default_train": default["peak_rss_mib"]},
            default_train_seconds=default["wall_seconds"],
        )
        results.phase("default_train")
        sweep_lines(results, sweep(Path(tmp), results.line))
    results.phase("sweep")
    results.add(f"complete; written to {OUT}", complete=True)


def sweep_lines(results: Results, swept: dict) -> None:
    """The sweep's figures, a line each."""
    sw = {k: swept[k] for k in ("jobs", "taus", "embedders", "skipped_embedders")}
    sw |= {k: swept[k] for k in ("steps", "seconds", "job_seconds")}
    results.add(
        f"sweep: {sw['jobs']} jobs = tau {sw['taus']} x embedders {sw['embedders']}, "
        f"tiny_llama, {sw['steps']} steps each"
        + "".join(f"; skipped embedder {n}: {why}" for n, why in sw["skipped_embedders"].items()),
        sweep=sw,
    )
    ref = swept["ref"]
    results.add(
        f"  reference log-probs computed: sweep {ref['sweep']}, one job's worth "
        f"{ref['one_job']}, {sw['jobs']} cold runs {ref['cold']}",
        sweep_ref_computations=ref,
    )
    for name, n in swept["embed"].items():
        results.add(
            f"  prompt embeddings computed by {name}: sweep {n['sweep']}, one job's worth "
            f"{n['one_job']}, cold {n['cold']}; embedder loaded {n['sweep_loads']}x in the "
            f"sweep, {n['cold_loads']}x cold",
            sweep_embed_computations={name: n},
        )
    cold, warm = sw["seconds"]["cold"], sw["seconds"]["sweep"]
    results.add(
        f"  total seconds: sweep {warm:.0f}, {sw['jobs']} cold runs {cold:.0f} "
        f"(speedup {swept['speedup']:.2f}x)",
        sweep_speedup=swept["speedup"],
    )


if __name__ == "__main__":
    if PAPER:
        from rpo_exp.bench_paper import main as paper_main

        paper_main([arg for arg in sys.argv[1:] if arg != "--paper"])
    else:
        main()
