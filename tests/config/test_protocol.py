"""`protocol=paper|released` (docs/reproducing.md): the released protocol reproduces the released
RPO code's HH text, truncation, unpaired per-GPU matrices and warmup, each checked against an
independent transcription of that code; `python -m rpo_exp.preview` shows it; the docs' table
is the switch's."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from omegaconf import OmegaConf

from rpo_exp.config.validation import validate
from rpo_exp.data.hh import parse_hh
from rpo_exp.data.rendering import render
from rpo_exp.data.tokenization import Item, tokenize_examples
from rpo_exp.training.layouts import SeqLogps
from rpo_exp.training.trainer import lr_schedule
from tests.helpers import ROOT, TINY, compose_cfg

SAMPLE = ROOT / "rpo_exp" / "data" / "samples" / "hh_sample"


# -- the released code, transcribed (its dataloader.get_hh and Example.remove_extra_spaces) ---
def released_get_hh(chosen: str, rejected: str) -> tuple[str, str, str]:
    search_term = "\n\nAssistant: "
    search_term_idx = chosen.rfind(search_term)
    prompt = chosen[: search_term_idx + len(search_term)]
    chosen_response, rejected_response = chosen[len(prompt) :], rejected[len(prompt) :]
    chunks = []
    for chunk in re.split(r"\s*(Human:|Assistant:)\s+", prompt):
        if chunk.startswith("Human"):
            chunk = re.sub(r"\s*Human:\s*", "\n<|user|>\n", chunk) + ""
        elif chunk.startswith("Assistant"):
            chunk = re.sub(r"\s*Assistant:\s*", "\n<|assistant|>\n", chunk) + ""
        if chunk != "":
            chunks.append(chunk)
    prompt = "".join(chunks)

    def clean(x: str) -> str:
        return re.sub(r"[ \t]{2,}", " ", x)

    return clean(prompt), clean(chosen_response), clean(rejected_response)


# Whitespace and marker patterns the released split treats specially (each a chosen transcript;
# the rejected one ends in " No.").
PATTERNS = [
    "\n\nHuman: a\t\tb\n\nAssistant: x\t\ty",  # tabs collapse, in prompt and response
    "\n\nHuman: q1\nAssistant: a1\n\nHuman: q2\n\nAssistant: ok",  # a marker after one newline
    "\n\nHuman:\nnewline after marker\n\nAssistant: ok",  # a newline after the marker
    "\n\nHuman: trailing   \n\nAssistant:   three spaces",  # blanks around markers
    "\n\nHuman: I said Human: hi\n\nAssistant: ok",  # a marker inside a turn is a turn
    "\n\nHuman: Assistant:x is no marker\n\nAssistant: ok",  # no white space after: kept
    "Human: no leading newlines\n\nAssistant: ok",
    "\n\nHuman: hi\n\nAssistant: sure\n\nHuman: more\n\nAssistant:  two  spaces",
    "\n\nHuman: tabs\tand  spaces \t mixed\n\nAssistant: fine",
]


def pattern_row(chosen: str) -> dict:
    return {"chosen": chosen, "rejected": chosen[: chosen.rindex("Assistant:") + 10] + " No."}


def sample_rows() -> list[dict]:
    rows = []
    for split in ("train", "test"):
        rows += [json.loads(line) for line in (SAMPLE / f"{split}.jsonl").open()]
    return rows


def test_released_hh_text_is_the_released_codes_on_every_sample_row_and_pattern(tokenizer) -> None:
    rows = sample_rows() + [pattern_row(p) for p in PATTERNS]
    assert len(rows) > 500
    for row in rows:
        rendered = render(parse_hh(row), tokenizer, "released")
        want = released_get_hh(row["chosen"], row["rejected"])
        assert (rendered.prompt, *rendered.responses) == want, row


@pytest.mark.parametrize("adds_bos", [False, True], ids=["smollm2", "bos_like_llama2"])
def test_released_truncation_keeps_a_prompt_that_fits_and_ends_responses_with_space_eos(
    tokenizer, adds_bos: bool
) -> None:
    tokenizer = copy.deepcopy(tokenizer)
    tokenizer.add_bos_token = adds_bos
    assert (tokenizer("Hi")["input_ids"][0] == tokenizer.bos_token_id) == adds_bos
    long_prompt = "\n\nHuman: " + "word " * 300 + "\n\nAssistant:"
    example = parse_hh({"chosen": long_prompt + " Fine.", "rejected": long_prompt + " No."})
    settings = {"max_prompt_length": 256, "max_length": 512, "prompt_format": "released"}
    (paper,), _ = tokenize_examples([example], tokenizer, **settings)
    (released,), stats = tokenize_examples([example], tokenizer, **settings, truncation="released")
    assert len(paper.prompt_ids) == 256 < len(released.prompt_ids) and stats.prompts == 0
    eos = tokenizer.eos_token
    assert tokenizer.decode(released.response_ids[0]) == "Fine. " + eos
    assert tokenizer.decode(paper.response_ids[0]) == "Fine." + eos
    # too long together: the prompt is cut to max_prompt_length (from the left), as released
    (cut,), stats = tokenize_examples(
        [example], tokenizer, 256, 300, "released", truncation="released"
    )
    assert stats.prompts == 1 and len(cut.prompt_ids) == 256
    # the embedder reads the decoded, truncated prompt
    assert cut.embedder_text == tokenizer.decode(cut.prompt_ids, skip_special_tokens=True)


def test_preview_prints_the_released_strings(tmp_path: Path) -> None:
    data = tmp_path / "patterns.jsonl"
    data.write_text("".join(json.dumps(pattern_row(p)) + "\n" for p in PATTERNS))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "rpo_exp.preview",
            "dataset=hh",
            f"dataset.path={data}",
            "protocol=released",
            f"n={len(PATTERNS)}",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]  # stdout: JSON only
    assert len(records) == len(PATTERNS)
    for record, chosen in zip(records, PATTERNS, strict=True):
        prompt, good, bad = released_get_hh(**pattern_row(chosen))
        assert (record["prompt"], record["chosen"], record["rejected"]) == (prompt, good, bad)
        assert record["embedder_text"] == prompt  # the decoded prompt: the same text here
        assert record["end"].startswith(" ")  # the released " " + EOS
        assert record["truncated"] == {"prompt": 0, "responses": [0, 0], "prompt_text": ""}
    first = records[0]
    assert (first["prompt"], first["chosen"]) == ("\n<|user|>\na b\n<|assistant|>\n", "x y")
    assert (
        records[1]["prompt"] == "\n<|user|>\nq1\n<|assistant|>\na1\n<|user|>\nq2\n<|assistant|>\n"
    )
    assert records[2]["prompt"] == "\n<|user|>\nnewline after marker\n<|assistant|>\n"


def released_per_gpu_loss(
    status: list[str], policy: torch.Tensor, ref: torch.Tensor, emb: torch.Tensor, beta: float,
    tau: float,
) -> torch.Tensor:  # fmt: skip
    """The released RPOUnpairedTrainer.loss on one GPU's batch, then `losses.mean()`."""
    chosen = torch.tensor([s == "chosen" for s in status])
    logits = (policy[chosen] - ref[chosen]).view(-1, 1) - (policy[~chosen] - ref[~chosen]).view(
        1, -1
    )
    a, b = F.normalize(emb[chosen], p=2, dim=1), F.normalize(emb[~chosen], p=2, dim=1)
    weights = F.softmax(-(1 - a @ b.T) / tau, dim=1)
    return (-F.logsigmoid(beta * logits * weights).mean(-1)).mean()


def unpaired_loss(dtype: torch.dtype, *overrides: str) -> tuple[torch.Tensor, torch.Tensor, dict]:
    """(rpo_exp's loss, the released per-GPU losses' mean, rpo_exp's metrics) on one batch of
    64 unpaired HH-like items (50% desirable) under the released protocol and `overrides`, the
    released side computed in `dtype`."""
    cfg = compose_cfg(*TINY, "loss=rpo", "loss.unpaired=true", "protocol=released", *overrides)
    cfg.trainer.batch_size = 64
    objective, _, layout = validate(cfg)
    torch.manual_seed(0)
    items = [Item(i, f"p{i}", (1,), ((2,),), (float(i % 2),)) for i in range(128)]
    policy, ref, emb = torch.randn(128) * 3, torch.randn(128) * 3, torch.randn(128, 16)
    (batch,) = layout.order(items, cfg.trainer, seed=0)[:1]
    keys, _ = layout.keys(items, batch)
    rows = [k[0] for k in keys]
    tensors = layout.tensors(items, batch, SeqLogps(policy[rows], ref[rows], torch.ones(64)), None)
    tensors |= layout.prompt_embeddings(items, batch, emb)
    out = objective(tensors)
    per_gpu = []
    for gpu in range(8):  # the released loader's batch, sliced across 8 GPUs in order
        block = batch[gpu * 8 : (gpu + 1) * 8]
        status = ["chosen" if items[i].desirable else "rejected" for i in block]
        assert status.count("chosen") == 4  # d, u, d, u, ...: a 4 x 4 matrix on each GPU
        on_gpu = (policy[block].to(dtype), ref[block].to(dtype), emb[block].to(dtype))
        per_gpu.append(released_per_gpu_loss(status, *on_gpu, beta=0.1, tau=0.5))
    return out.loss, torch.stack(per_gpu).mean(), out.metrics


def test_unpaired_blocks_of_8_are_the_released_per_gpu_matrices() -> None:
    loss, released, metrics = unpaired_loss(torch.bfloat16)
    assert metrics["rpo/contrast_blocks"] == 8 and metrics["rpo/empty_blocks"] == 0
    assert loss.dtype == torch.bfloat16  # the released arithmetic: every step in bf16
    torch.testing.assert_close(loss, released, rtol=0, atol=0)
    # in fp32 (protocol.loss_dtype=float32) the same matrices give the fp32 value
    exact, released32, _ = unpaired_loss(torch.float32, "protocol.loss_dtype=float32")
    torch.testing.assert_close(exact, released32, rtol=1e-6, atol=1e-7)
    assert exact.dtype == torch.float32 and abs(exact - loss.float()) > 0


def test_released_warmup_starts_at_lr_over_warmup_plus_one() -> None:
    cfg = OmegaConf.create({"lr_scheduler": "constant_with_warmup", "warmup_steps": 150})
    lrs = {}
    for warmup in ("from_zero", "released"):
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=5e-7)
        scheduler = lr_schedule(cfg, optimizer, 300, warmup)
        lrs[warmup] = []
        for _ in range(152):
            lrs[warmup].append(scheduler.get_last_lr()[0])
            optimizer.step()
            scheduler.step()
    assert lrs["from_zero"][0] == 0.0
    assert lrs["released"][0] == pytest.approx(5e-7 / 151)
    # the released LambdaLR: min(1, (step + 1) / (warmup + 1))
    assert lrs["released"] == pytest.approx([5e-7 * min(1, (s + 1) / 151) for s in range(152)])


def test_the_switch_sets_each_setting_and_docs_table_is_the_switch() -> None:
    paper = compose_cfg(*TINY, "loss=rpo", "weighting=uniform")
    released = compose_cfg(*TINY, "loss=rpo", "weighting=uniform", "protocol=released")
    assert (paper.protocol.contrast_block, released.protocol.contrast_block) == (None, 8)
    assert (paper.loss.weight_scale, released.loss.weight_scale) == ("row", "mean_one")
    assert (paper.dataset.prompt_format, released.dataset.prompt_format) == (None, "released")
    diagonal = compose_cfg(*TINY, "loss=rpo", "weighting=diagonal", "protocol=released")
    assert diagonal.loss.weights_on == "loss"
    unpaired = compose_cfg(*TINY, "dataset=capybara_sample", "protocol=released")
    assert unpaired.loss.tau == 0.5
    assert compose_cfg(*TINY, "dataset=capybara_sample").loss.tau == 0.75
    # every key of the switch is a row of docs/reproducing.md with both values
    values = {
        n: OmegaConf.to_container(compose_cfg(*TINY, f"protocol={n}").protocol)
        for n in ("paper", "released")
    }
    assert values["paper"].keys() == values["released"].keys()
    doc = (ROOT / "docs" / "reproducing.md").read_text()
    rows = dict(
        (m.group(1), (m.group(2), m.group(3)))
        for m in re.finditer(r"^\| `protocol\.(\w+)` \| `([^`]*)` \| `([^`]*)` \|", doc, re.M)
    )
    want = {
        k: (
            str(values["paper"][k]).replace("None", "null"),
            str(values["released"][k]).replace("None", "null"),
        )
        for k in values["paper"]
        if k != "name"
    }
    assert rows == want
