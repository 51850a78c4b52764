"""`peft=lora`: only the adapters train, the reference is the base, `final/` loads with peft
(and merged in `final_merged/`) giving the trained log-probs; `peft=qlora` is refused on CPU
before weights load (docs/method.md, "Adapters")."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch
from accelerate import Accelerator
from peft import AutoPeftModelForCausalLM
from transformers import AutoModelForCausalLM

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.modeling.adapters import attach
from rpo_exp.modeling.logprobs import score_sequences
from rpo_exp.modeling.models import load_policy, load_tokenizer
from rpo_exp.training.final import save_final
from rpo_exp.training.trainer import Split, Trainer
from tests.helpers import TINY, compose_cfg, run_train

LORA = [*TINY, "peft=lora", "peft.merge=true", "loss=dpo", "trainer.lr=1e-3", "trainer.max_steps=3"]
LORA += ["trainer.batch_size=4", "trainer.micro_batch_size=2", "trainer.eval_max_examples=8"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A LoRA policy trained 3 steps in process, its base weights before, and its final/."""
    cfg = compose_cfg(*LORA)
    objective, convert, layout = validate(cfg)
    tokenizer = load_tokenizer(cfg.model)
    splits = {}
    for name in ("train", "test"):
        examples = convert(load_split(cfg.dataset, name).examples[:16])
        splits[name] = Split(tokenize_examples(examples, tokenizer, 32, 64)[0])
    torch.manual_seed(0)
    model = attach(load_policy(cfg.model, vocab_size=len(tokenizer)), cfg.peft)
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    accelerator = Accelerator(cpu=True)
    trainer = Trainer(
        cfg=cfg.trainer,
        model=model,
        objective=objective,
        layout=layout,
        pad_id=tokenizer.pad_token_id,
        accelerator=accelerator,
    )
    trainer.fit(splits["train"], splits["test"])
    run_dir = tmp_path_factory.mktemp("lora")
    save_final(cfg, model, tokenizer, trainer.strategy.full_state_dict(), run_dir)
    sequences = [splits["test"].sequence(key) for key in list(splits["test"].ref)[:12]]
    return model, frozen, splits["train"], run_dir, sequences, tokenizer.pad_token_id


def test_only_the_adapters_train_and_the_reference_is_the_base(trained) -> None:
    model, frozen, train, _, _, pad_id = trained
    params = dict(model.named_parameters())
    assert frozen and all(params[n].equal(p) for n, p in frozen.items())  # bit-identical base
    adapters = [p for n, p in params.items() if "lora_B" in n]
    assert adapters and all(p.requires_grad and p.abs().sum() > 0 for p in adapters)  # 0 at init
    keys = list(train.ref)
    with model.disable_adapter(), torch.no_grad():
        base = score_sequences(model, [train.sequence(k) for k in keys], pad_id)
    torch.testing.assert_close(torch.tensor([train.ref[k] for k in keys]), base)


def test_final_loads_with_peft_and_gives_the_trained_log_probs(trained) -> None:
    model, _, _, run_dir, sequences, pad_id = trained
    want = score_sequences(model, sequences, pad_id)
    with model.disable_adapter():
        base = score_sequences(model, sequences, pad_id)
    assert (want - base).abs().max() > 1e-3  # the adapters changed the policy
    loaded = AutoPeftModelForCausalLM.from_pretrained(str(run_dir / "final"))
    torch.testing.assert_close(score_sequences(loaded, sequences, pad_id), want)
    merged = AutoModelForCausalLM.from_pretrained(str(run_dir / "final_merged"))
    assert not any("lora" in n for n, _ in merged.named_parameters())
    torch.testing.assert_close(score_sequences(merged, sequences, pad_id), want, atol=1e-4, rtol=0)


def test_the_cli_trains_lora_and_writes_the_adapter(tmp_path: Path) -> None:
    result = run_train(*LORA, run_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    final = tmp_path / "final"
    assert (final / "adapter_config.json").exists() and (final / "base").is_dir()
    assert (tmp_path / "final_merged" / "model.safetensors").exists()


def test_qlora_on_cpu_is_refused_before_weights_load(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"peft=qlora .* needs a CUDA GPU.*use peft=lora"):
        validate(compose_cfg(*TINY, "peft=qlora"))
    started = time.monotonic()
    result = run_train(*TINY, "peft=qlora", run_dir=tmp_path)
    assert result.returncode == 2 and "peft=qlora" in result.stderr
    assert time.monotonic() - started < 20
    assert not (tmp_path / "final").exists()


def test_lora_dropout_with_micro_batches_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"peft.dropout=0.1 with trainer.micro_batch_size=2"):
        validate(compose_cfg(*LORA, "peft.dropout=0.1"))
    validate(compose_cfg(*LORA, "peft.dropout=0.1", "trainer.micro_batch_size=4"))
