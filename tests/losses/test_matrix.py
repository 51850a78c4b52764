"""Every loss on every data form: it trains end to end, or it fails before any weights load
with a message saying what would work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rpo_exp.common.errors import ConfigError
from rpo_exp.config.validation import validate
from tests.helpers import TINY, compose_cfg

LOSSES = ["sft", "dpo", "ipo", "kto", "rpo", "simpo", "cpo", "simpo_rpo"]
LOSSES += ["swepo", "infonca", "dpo_all_pairs", "dpo_top_vs_rest"]
DATASETS = {"paired": "hh_sample", "unpaired": "capybara_sample", "grouped": "ultrafeedback_sample"}
UNSUPPORTED = {  # (loss, form) -> what the message must point to
    **{(loss, "unpaired"): "use loss=kto or loss=rpo" for loss in ("dpo", "ipo", "simpo", "cpo")},
    **{
        (loss, form): "needs grouped data"
        for loss in ("swepo", "infonca", "dpo_all_pairs", "dpo_top_vs_rest")
        for form in ("paired", "unpaired")
    },
}
FAST = ["trainer.max_steps=2", "trainer.batch_size=4", "trainer.micro_batch_size=2"]
FAST += ["trainer.eval_max_examples=12", "dataset.max_train_examples=64"]


@pytest.mark.parametrize("form", list(DATASETS))
@pytest.mark.parametrize("loss", LOSSES)
def test_loss_on_data_form(tmp_path: Path, loss: str, form: str) -> None:
    cfg = compose_cfg(*TINY, f"loss={loss}", f"dataset={DATASETS[form]}", *FAST)
    if (loss, form) in UNSUPPORTED:
        with pytest.raises(ConfigError, match=UNSUPPORTED[(loss, form)]):
            validate(cfg)
        return
    from rpo_exp.train import run

    run(cfg, tmp_path, f"{loss}-{form}")
    rows = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    steps = [r for r in rows if "loss" in r]
    evals = [r for r in rows if "eval/loss" in r]
    assert [r["step"] for r in steps] == [1, 2] and [r["step"] for r in evals] == [0, 2]
    assert all("grad_norm" in r and {"logps/chosen", "logps/rejected"} & set(r) for r in steps)
    if loss == "swepo":
        assert "swepo/skipped_groups" in steps[0]
    if loss == "kto":
        assert "kto/z0" in steps[0]
    if loss in ("rpo", "simpo_rpo"):
        assert "rpo/weight_entropy" in steps[0]
        if form != "unpaired":  # defined for paired contrast (docs/method.md, "Metrics")
            assert "rpo/effective_beta" in steps[0]
