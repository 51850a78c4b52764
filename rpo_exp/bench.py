"""`make bench`: step time and memory, measured side by side in one run (not timed tests).

Same model (SmolLM2-135M), same 8 HH pairs of at most 64 tokens, RMSprop, reference log-probs
precomputed for every contender:
- dpo_vs_trl:  rpo_exp DPO step / TRL `DPOTrainer` step (precompute_ref_log_probs=True);
- dpo_vs_bare: rpo_exp DPO step / a bare policy forward + backward + optimizer step on the same
  tokens (full-vocabulary fp32 log-softmax, as most trainers score);
- rpo_vs_dpo:  RPO step (embedding weights, M = N = batch) / DPO step;
- peak_rss_mib: RPO and DPO runs at batch 64 (tiny_llama), in their own processes.
Figures are printed and written to `bench/results.json`.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from hydra import compose, initialize_config_dir

from rpo_exp.config import validate
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import collate, tokenize_examples
from rpo_exp.embeddings import embed_prompts
from rpo_exp.models import load_policy, load_tokenizer
from rpo_exp.trainer import Split, Trainer

ROOT = Path(__file__).resolve().parents[1]
PAIRS, MAX_LENGTH, REPEATS = 8, 64, 5


def compose_cfg(*overrides: str):
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


def interleaved_medians(steps: dict, repeats: int = REPEATS) -> dict[str, float]:
    """Median seconds of each step function, timed in alternation (round robin after one
    warm-up each) so that drift in the machine's speed hits every contender alike."""
    for step in steps.values():
        step()
    times = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
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
    objective, convert, shape = validate(cfg)
    torch.manual_seed(0)
    model = load_policy(cfg.model, len(tokenizer))
    items, _ = tokenize_examples(convert(examples), tokenizer, MAX_LENGTH - 1, MAX_LENGTH)
    split = Split(items)
    if objective.needs_embeddings:
        split.embeddings = embed_prompts([it.prompt_text for it in items], cfg.embedder)
    trainer = Trainer(cfg.trainer, model, objective, shape, tokenizer.pad_token_id, None, 0)
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
    model = load_policy(cfg.model, len(tokenizer))
    items, _ = tokenize_examples(examples, tokenizer, MAX_LENGTH - 1, MAX_LENGTH)
    batch = collate(
        [(it.prompt_ids, r) for it in items for r in it.response_ids], tokenizer.pad_token_id
    )
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-7)

    def step() -> None:
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        logps = torch.log_softmax(logits[:, :-1].float(), -1)
        token = logps.gather(-1, batch.input_ids[:, 1:, None])[..., 0]
        (-(token * batch.response_mask[:, 1:]).sum()).backward()
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
            self.start = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
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
            use_cpu=not torch.cuda.is_available(),
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


def peak_rss_mib(loss: str) -> float:
    """Peak RSS of a batch-64 tiny_llama step in its own process."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "rpo_exp.train",
                "model=tiny_llama",
                "logger=none",
                f"loss={loss}",
                "trainer.batch_size=64",
                "trainer.micro_batch_size=64",
                "trainer.max_steps=1",
                "trainer.eval_max_examples=64",
                f"hydra.run.dir={out}",
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        return json.loads((Path(out) / "summary.json").read_text())["peak_rss_gib"] * 1024


def main() -> None:
    tokenizer = load_tokenizer(compose_cfg().model)
    examples = short_pairs(tokenizer)
    steps = {
        "bare": bare(examples, tokenizer),
        "dpo": ours("dpo", examples, tokenizer),
        "rpo": ours("rpo", examples, tokenizer),
    }
    seconds = interleaved_medians(steps) | {"trl_dpo": trl_dpo(examples, tokenizer)}
    rss = {loss: peak_rss_mib(loss) for loss in ("dpo", "rpo")}
    results = {
        "device": "cuda"
        if torch.cuda.is_available()
        else f"cpu ({torch.get_num_threads()} threads)",
        "model": "SmolLM2-135M",
        "pairs": PAIRS,
        "max_length": MAX_LENGTH,
        "step_seconds": seconds,
        "dpo_vs_trl": seconds["dpo"] / seconds["trl_dpo"],
        "dpo_vs_bare": seconds["dpo"] / seconds["bare"],
        "rpo_vs_dpo": seconds["rpo"] / seconds["dpo"],
        "peak_rss_mib": {"batch64_tiny_llama": rss, "rpo_minus_dpo": rss["rpo"] - rss["dpo"]},
    }
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n== make bench ({results['device']}, {PAIRS} pairs x <= {MAX_LENGTH} tokens) ==")
    for name, value in seconds.items():
        print(f"step seconds  {name:8s} {value:7.2f}")
    for key, target in (("dpo_vs_trl", 0.6), ("dpo_vs_bare", 1.10), ("rpo_vs_dpo", 1.02)):
        print(f"{key:12s} {results[key]:5.2f}   (target <= {target})")
    print(
        f"peak RSS MiB, batch 64: dpo {rss['dpo']:.0f}, rpo {rss['rpo']:.0f} "
        f"(rpo - dpo = {rss['rpo'] - rss['dpo']:.1f})"
    )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
