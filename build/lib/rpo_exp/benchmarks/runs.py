"""Whole training runs, each in its own process: batch-64 and default-run peak RSS, and a
tau x embedder sweep sharing one `$RPO_EXP_CACHE` against the same jobs cold."""

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

from rpo_exp.benchmarks.common import compose_cfg
from rpo_exp.benchmarks.results import Results
from rpo_exp.common.errors import ConfigError
from rpo_exp.common.paths import cache_dir
from rpo_exp.modeling.embeddings import embedder_source
from rpo_exp.modeling.models import load_tokenizer

RSS_REPEATS = 3
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


def sweep_embedders(overrides: list[str]) -> tuple[list[str], dict[str, str]]:
    """The sweep's embedders that load here (unpacked once, as install artifacts), and why the
    others are skipped."""
    ready, skipped = [], {}
    for name in SWEEP_EMBEDDERS:
        try:
            embedder_source(compose_cfg(overrides, f"embedder={name}").embedder)
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


def sweep(tmp: Path, overrides: list[str], progress=print) -> dict:
    """The tau x embedder sweep sharing one fresh cache vs the same jobs cold, one process per
    job on both sides (so the difference is what the cache shares); each sweep job runs next to
    its cold twin, so that drift in the machine's speed hits both sides alike."""
    load_tokenizer(compose_cfg(overrides, "model=tiny_llama").model)  # dequantizes the GGUF once
    embedders, skipped = sweep_embedders(overrides)
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


def rss_lines(results: Results, tmp: Path) -> None:
    """Batch-64 peak RSS of DPO and RPO, then the default run's, a line each."""
    runs = batch64_rss(tmp)
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
    default = default_train(tmp)
    results.add(
        f"peak RSS MiB, default `make train` (fresh cache): {default['peak_rss_mib']:.0f} "
        f"({default['wall_seconds']:.0f} s)",
        peak_rss_mib={"default_train": default["peak_rss_mib"]},
        default_train_seconds=default["wall_seconds"],
    )
    results.phase("default_train")


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
