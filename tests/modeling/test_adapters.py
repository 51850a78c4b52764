"""`peft=lora` and `peft=qlora` (a 4-bit NF4 base through bitsandbytes, on this CPU too): only
the adapters train, the reference is the base with the adapters disabled, `final/` loads with
peft (and merged in `final_merged/`) giving the trained log-probs; `peft=qlora` where
bitsandbytes cannot run is refused before weights load, with the reason it gave
(docs/method.md, "Adapters")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
from accelerate import Accelerator
from bitsandbytes.nn import Linear4bit
from peft import AutoPeftModelForCausalLM
from transformers import AutoModelForCausalLM

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from rpo_exp.data.loading import load_split
from rpo_exp.data.tokenization import tokenize_examples
from rpo_exp.modeling.adapters import attach, quantization
from rpo_exp.modeling.logprobs import score_sequences
from rpo_exp.modeling.models import DTYPES, load_policy, load_tokenizer, no_cpu_repacking
from rpo_exp.training.final import save_final
from rpo_exp.training.trainer import Split, Trainer
from tests.helpers import TINY, compose_cfg, run_train

ADAPTED = [*TINY, "peft.merge=true", "loss=dpo", "trainer.lr=1e-3", "trainer.max_steps=3"]
ADAPTED += ["trainer.batch_size=4", "trainer.micro_batch_size=2", "trainer.eval_max_examples=8"]
LORA, QLORA = ["peft=lora", *ADAPTED], ["peft=qlora", *ADAPTED]
# How far merged weights may score from the trained policy: a LoRA's merge is exact to float
# error, a QLoRA's merges into the unquantized base (the 4-bit rounding, ~0.1 here, is gone).
MERGED_ATOL = {"lora": 1e-4, "qlora": 0.5}


@pytest.fixture(scope="module", params=["lora", "qlora"])
def trained(request, tmp_path_factory):
    """A LoRA or QLoRA policy trained 3 steps in process, its base weights before, its final/."""
    cfg = compose_cfg(*(LORA if request.param == "lora" else QLORA))
    objective, convert, layout = validate(cfg)
    tokenizer = load_tokenizer(cfg.model)
    splits = {}
    for name in ("train", "test"):
        examples = convert(load_split(cfg.dataset, name).examples[:16])
        splits[name] = Split(tokenize_examples(examples, tokenizer, 32, 64)[0])
    torch.manual_seed(0)
    base = load_policy(cfg.model, vocab_size=len(tokenizer), quantization=quantization(cfg.peft))
    model = attach(base, cfg.peft)
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
    run_dir = tmp_path_factory.mktemp(request.param)
    save_final(cfg, model, tokenizer, trainer.strategy.full_state_dict(), run_dir)
    sequences = [splits["test"].sequence(key) for key in list(splits["test"].ref)[:12]]
    return cfg, model, frozen, splits["train"], run_dir, sequences, tokenizer.pad_token_id


def test_only_the_adapters_train_and_the_reference_is_the_base(trained) -> None:
    cfg, model, frozen, train, _, _, pad_id = trained
    params = dict(model.named_parameters())
    assert frozen and all(params[n].equal(p) for n, p in frozen.items())  # bit-identical base
    adapters = [p for n, p in params.items() if "lora_B" in n]
    assert adapters and all(p.requires_grad and p.abs().sum() > 0 for p in adapters)  # 0 at init
    four_bit = [m for m in model.modules() if isinstance(m, Linear4bit)]
    assert len(four_bit) == (14 if cfg.peft.name == "qlora" else 0)  # 7 per decoder layer
    assert all(m.weight.dtype == torch.uint8 and m.weight.quant_type == "nf4" for m in four_bit)
    keys = list(train.ref)
    with model.disable_adapter(), torch.no_grad():
        base = score_sequences(model, [train.sequence(k) for k in keys], pad_id)
    torch.testing.assert_close(torch.tensor([train.ref[k] for k in keys]), base)


def test_final_loads_with_peft_and_gives_the_trained_log_probs(trained) -> None:
    cfg, model, _, _, run_dir, sequences, pad_id = trained
    want = score_sequences(model, sequences, pad_id)
    with model.disable_adapter():
        base = score_sequences(model, sequences, pad_id)
    assert (want - base).abs().max() > 1e-3  # the adapters changed the policy
    for repacking in (False, True):  # a QLoRA's base: quantized again as it loads
        loaded = AutoPeftModelForCausalLM.from_pretrained(  # the run's dtype: transformers 4.x
            str(run_dir / "final"),  # loads a 4-bit model's other weights in float16 otherwise
            quantization_config=quantization(cfg.peft),
            dtype=DTYPES[cfg.model.dtype],
        )
        if not repacking:  # the same 4-bit weights, the same kernels: the same log-probs
            no_cpu_repacking(loaded)
        # bitsandbytes' fused CPU inference kernel (avx512_bf16) rounds otherwise
        rtol = 1e-4 if repacking and cfg.peft.name == "qlora" else 1.3e-6
        got = score_sequences(loaded, sequences, pad_id)
        torch.testing.assert_close(got, want, rtol=rtol, atol=1e-5)
    merged = AutoModelForCausalLM.from_pretrained(str(run_dir / "final_merged"))
    assert not any("lora" in n for n, _ in merged.named_parameters())
    atol = MERGED_ATOL[cfg.peft.name]
    torch.testing.assert_close(score_sequences(merged, sequences, pad_id), want, atol=atol, rtol=0)


def test_an_evaluation_leaves_the_4bit_training_path_as_it_was() -> None:
    """An eval-mode forward without gradients (a reference pass) must not switch bitsandbytes'
    4-bit layers to its fused CPU inference kernel, which has no backward: the gradients
    after it are those before, bit for bit."""
    cfg = compose_cfg(*QLORA)
    vocab = len(load_tokenizer(cfg.model))
    torch.manual_seed(0)
    model = attach(load_policy(cfg.model, vocab, quantization=quantization(cfg.peft)), cfg.peft)
    trainable = [p for p in model.parameters() if p.requires_grad]
    with torch.no_grad():
        for p in trainable:
            p.normal_(0, 0.02)  # B != 0: every adapter's gradient depends on the base below
    ids = torch.randint(0, vocab, (2, 32))

    def gradients() -> list[torch.Tensor]:
        model.train()
        model.zero_grad()
        model(ids).logits.log_softmax(-1).sum().backward()
        return [p.grad.clone() for p in trainable]

    before = gradients()
    model.eval()
    with torch.no_grad():
        model(ids)
    for got, want in zip(gradients(), before, strict=True):
        assert got.equal(want)


@pytest.mark.parametrize("overrides", [LORA, QLORA], ids=["lora", "qlora"])
def test_the_cli_trains_adapters_and_writes_them(overrides: list[str], tmp_path: Path) -> None:
    result = run_train(*overrides, run_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    final = tmp_path / "final"
    assert (final / "adapter_config.json").exists() and (final / "base").is_dir()
    assert (final / "base" / "config.json").exists()
    assert "quantization_config" not in (final / "base" / "config.json").read_text()
    assert (tmp_path / "final_merged" / "model.safetensors").exists()


def test_qlora_where_bitsandbytes_cannot_run_is_refused_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bitsandbytes absent (its import stopped), in process and in the CLI (by a
    sitecustomize that stops it before anything imports)."""
    halted = r"import of bitsandbytes halted"
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "bitsandbytes", None)
        with pytest.raises(ConfigError, match=rf"peft=qlora .* cannot run here: .*{halted}"):
            validate(compose_cfg(*TINY, "peft=qlora"))
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.modules['bitsandbytes'] = None\n")
    path = f"{site}:{Path(__file__).resolve().parents[2]}"
    run_dir = tmp_path / "run"
    result = run_train(*TINY, "peft=qlora", run_dir=run_dir, env={"PYTHONPATH": path})
    assert result.returncode == 2, result.stderr[-3000:]
    assert "peft=qlora" in result.stderr and "import of bitsandbytes halted" in result.stderr
    assert "use peft=lora" in result.stderr
    assert not (run_dir / "final").exists() and not (run_dir / "metrics.jsonl").exists()


def test_lora_dropout_with_micro_batches_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"peft.dropout=0.1 with trainer.micro_batch_size=2"):
        validate(compose_cfg(*LORA, "peft.dropout=0.1"))
    validate(compose_cfg(*LORA, "peft.dropout=0.1", "trainer.micro_batch_size=4"))
