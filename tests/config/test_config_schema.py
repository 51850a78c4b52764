"""Every config group and each command's top level typed; impossible values refused before any
weights load, naming the key and what is valid; the commands exit 2 on what the user can fix
(Hydra's composition errors included)."""

from __future__ import annotations

import subprocess
from dataclasses import asdict, fields
from pathlib import Path

import pytest
import torch
import yaml
from omegaconf import OmegaConf
from transformers import get_scheduler

from rpo_exp import losses
from rpo_exp.common.errors import ConfigError
from rpo_exp.config.schema import GROUPS, JudgeSchema, MixSchema, TrainerSchema, base_node
from rpo_exp.config.validation import check_evaluation, check_sampling_command, schedulers, validate
from rpo_exp.losses.contrast import WEIGHTING_OPTIONS, contrast_weights
from rpo_exp.training.objective import MIX, hyperparameters
from tests.helpers import CONF, TINY, compose_cfg, finished, run_cli, run_train, start_cli

LORA = "peft=lora"
UNPAIRED = "dataset=capybara_sample"
GROUPED = "dataset=ultrafeedback_sample"

TRAIN_REFUSED = {  # overrides (space-separated) -> what the message must say
    "+weighting.tau=0.1": r"weighting: unknown top-level key: the weighting keys live under "
    r"loss\. \(e\.g\. loss\.tau=0\.1",
    "+foo=1": "foo: unknown top-level key; valid top-level keys: model, dataset, loss",
    "seed=abc": "seed=abc: Value 'abc' of type 'str' could not be converted to Integer",
    "reference.sync_steps=x": "reference.sync_steps=x: Value 'x' of type 'str'",
    "reference=none reference.mixup_alpha=2": r"reference.mixup_alpha=2: must be in \(0, 1\]",
    "protocol.contrast_block=abc": "protocol.contrast_block=abc: Value 'abc' of type 'str' could",
    "protocol.contrast_block=0": "protocol.contrast_block=0: must be a positive integer",
    # moved keys, set without Hydra's `+` check (a YAML of one's own, `+key=`): the new key named
    "+contrast_block=4": "contrast_block is protocol.contrast_block now: set "
    "protocol.contrast_block=4",
    "+loss.contrast_block=4": "loss.contrast_block is protocol.contrast_block now",
    "+dataset.unpaired=true": "dataset.unpaired is loss.unpaired now: set loss.unpaired=true",
    "+loss.foo=1": r"loss=rpo: unknown keys \['foo'\] for rpo_loss; valid: \['alpha', 'beta'",
    "loss.weight_scale=bogus": r"loss.weight_scale=bogus: Invalid value 'bogus', expected one "
    r"of \[row, mean_one\]",
    "loss=ipo loss.length_normalize=maybe": "loss.length_normalize=maybe: Value 'maybe' is not a "
    "valid bool",
    f"loss=swepo {GROUPED} loss.variant=bogus": r"loss.variant=bogus: Invalid value 'bogus', "
    r"expected one of \[dynamic, one_vs_k\]",
    f"loss=swepo {GROUPED} loss.p=-1": r"loss.p=-1: must be >= 0",
    f"loss=infonca {GROUPED} loss.reward_temperature=0": "loss.reward_temperature=0: must be > 0",
    "loss=dpo loss.label_smoothing=0.7": r"loss.label_smoothing=0.7: must be in \[0, 0.5\)",
    "loss=dpo loss.label_smoothing=0.5": r"loss.label_smoothing=0.5: must be in \[0, 0.5\)",
    "loss=dpo loss.label_smoothing=-0.1": r"loss.label_smoothing=-0.1: must be in \[0, 0.5\)",
    f"loss=dpo_all_pairs {GROUPED} loss.label_smoothing=0.7": "loss.label_smoothing=0.7: must",
    "logger=wandb logger.mode=bogus": r"logger.mode=bogus: Invalid value 'bogus', expected "
    r"one of \[offline",
    "+logger.foo=1": "logger.foo: unknown key; valid: name, mode, project",
    f"{LORA} peft.r=0": "peft.r=0: the adapters' rank must be a positive integer",
    f"{LORA} peft.r=-4": "peft.r=-4: the adapters' rank must be a positive integer",
    f"{LORA} peft.alpha=0": r"peft.alpha=0: must be a finite number > 0 .*0 trains nothing",
    f"{LORA} peft.alpha=nan": "peft.alpha=nan: must be a finite number > 0",
    f"{LORA} peft.alpha=inf": "peft.alpha=inf: must be a finite number > 0",
    f"{LORA} peft.dropout=1": r"peft.dropout=1: must be in \[0, 1\)",
    f"{LORA} peft.dropout=-0.1": r"peft.dropout=-0.1: must be in \[0, 1\)",
    f"{LORA} peft.target_modules=[nonexistent]": r"peft.target_modules: \['nonexistent'\] name no "
    "module of model=tiny_llama; its linear modules: down_proj, gate_proj, k_proj, lm_head, "
    "o_proj, q_proj, up_proj, v_proj",
    f"{LORA} peft.target_modules=[q_proj,c_attn]": r"peft.target_modules: \['c_attn'\] name no",
    f"{LORA} peft.target_modules=attn_.*": r"peft.target_modules: \['attn_.\*'\] name no module",
    f"{LORA} peft.target_modules=[]": r"peft.target_modules=\[\]: give a list of module names",
    f"weighting=diagonal {UNPAIRED}": r"loss.weighting=diagonal .* dataset=capybara_sample gives "
    "unpaired data .* use weighting=embedding or weighting=uniform",
    f"weighting=diagonal_released {UNPAIRED}": "loss.weighting=diagonal .* gives unpaired data",
    "weighting=diagonal loss.unpaired=true": "loss.unpaired=true makes the pairs of "
    "dataset=hh_sample independent items",
    "loss.tau=0": r"loss.tau=0: must be > 0 \(weighting=embedding\)",
    "loss.tau=inf": "loss.tau=inf: must be a finite number",
    f"weighting=identity {UNPAIRED}": "loss.weighting=identity .* gives unpaired data",
    f"loss=simpo_rpo weighting=diagonal {UNPAIRED}": "loss.weighting=diagonal .* unpaired data",
    "trainer.lr_scheduler=reduce_lr_on_plateau": "trainer.lr_scheduler=reduce_lr_on_plateau: "
    "steps on a validation metric, which the trainer does not pass; must be one of linear",
    "trainer.lr_scheduler=greedy": "trainer.lr_scheduler=greedy: steps on a validation metric",
    "trainer.lr_scheduler=cosine_with_min_lr": "trainer.lr_scheduler=cosine_with_min_lr: needs a "
    "min_lr, which no trainer key sets; must be one of",
    "trainer.lr_scheduler=warmup_stable_decay": "warmup_stable_decay: needs num_decay_steps",
    "+trainer.eval_batch_size=64": "trainer.eval_batch_size is trainer.forward_batch_size now",
    "dataset.on_bad_row=bogus": r"dataset.on_bad_row=bogus: Invalid value 'bogus', expected one "
    r"of \[error, skip\]",
    f"{GROUPED} dataset.pairing=bogus": r"dataset.pairing=bogus: Invalid value 'bogus', expected "
    r"one of \[best_vs_random, best_vs_worst\]",
}

TRAIN_ACCEPTED = [  # what users set today keeps validating
    "",
    f"weighting=embedding {UNPAIRED}",
    f"weighting=uniform {UNPAIRED}",
    "weighting=uniform_released loss.unpaired=true",
    "weighting=diagonal",
    "weighting=diagonal_released",
    "weighting=identity",
    "loss=dpo loss.label_smoothing=0.3",
    f"{LORA}",
    f"{LORA} peft.target_modules=all-linear",
    f"{LORA} peft.target_modules=.*_proj",
    f"{LORA} peft.target_modules=[q_proj,v_proj] peft.r=4 peft.alpha=8 peft.dropout=0.1 "
    "trainer.micro_batch_size=8",
    "protocol.contrast_block=4",
    "loss=simpo_rpo loss.unpaired=true protocol.contrast_block=4",
    "experiment=rpo_weighting",
    "trainer.lr_scheduler=cosine",
]

EVAL_REFUSED = {  # python -m rpo_exp.evaluate overrides -> message
    "eval.temperature=-0.5": "eval.temperature=-0.5: must be a finite number >= 0",
    "eval.temperature=nan": "eval.temperature=nan: must be a finite number >= 0",
    "eval.num_samples=0": "eval.num_samples=0: must be a positive integer",
    "eval.judge_repeats=0": "eval.judge_repeats=0: must be a positive integer",
    "eval.bootstrap=0": "eval.bootstrap=0: must be a positive integer",
    "eval.top_p=0": "eval.top_p=0: must be a finite number > 0",
    "eval.top_p=1.5": r"eval.top_p=1.5: must be in \(0, 1\]",
    "judge=reward eval.kl=true": "eval.kl=true with eval.temperature=0: .* set eval.temperature=1",
    "eval.kl=true eval.temperature=1": "eval.kl=true is estimated by judge=reward only",
    "eval.split=bogus": r"eval.split=bogus: Invalid value 'bogus', expected one of \[train, test\]",
    "eval.task=bogus": r"eval.task=bogus: Invalid value 'bogus', expected one of \[auto, dialogue, "
    r"summarization\]",
    "eval.engine=fast": r"eval.engine=fast: Invalid value 'fast', expected one of \[hf, vllm\]",
    "+eval.foo=1": "eval.foo: unknown key; valid: num_samples, split, engine",
    "+foo=1": "foo: unknown top-level key; valid top-level keys: benchmark, eval, judge, model",
    "+reward=sentiment": "reward: unknown top-level key: the reward of judge=reward is "
    "judge.reward",
    "judge.verdict=bogus": r"judge.verdict=bogus: Invalid value 'bogus', expected one of \[text",
    "judge.concurrency=0": "judge.concurrency=0: must be a positive integer",
    "judge.timeout=0": "judge.timeout=0: must be a finite number > 0",
    "+judge.foo=1": "judge.foo: unknown key; valid: name, base_url, model",
    "judge=local +judge.server.foo=1": "judge.server.foo: unknown key; valid: model, n_ctx",
    "judge=local judge.server.n_ctx=0": "judge.server.n_ctx=0: must be a positive integer",
    "judge=reward +judge.reward.foo=1": "judge.reward.foo: unknown key; valid: name, name_or_path",
    "judge=reward reward@judge.reward=reward_model judge.reward.batch_size=0": "judge.reward."
    "batch_size=0: must be a positive integer",
    "judge=reward reward@judge.reward=reward_model judge.reward.dtype=int8": r"judge.reward.dtype="
    r"int8: Invalid value 'int8', expected one of \[float32, bfloat16, float16\]",
    "model=tiny_llama +model.foo=1": "model.foo: unknown key; valid: name, name_or_path",
}

EVAL_ACCEPTED = [
    "",
    "judge=local",
    "judge=reward",
    "judge=reward reward@judge.reward=reward_model",
    "judge=reward eval.kl=true eval.temperature=1 eval.against=initial",
    "model=tiny_llama dataset=hh_sample eval.split=train eval.task=summarization",
]

SAMPLING_REFUSED = {  # (config, overrides) -> message
    ("onpolicy", "onpolicy.k=1"): r"onpolicy.k=1: must be an integer >= 2",
    ("onpolicy", "onpolicy.temperature=0"): r"onpolicy.temperature=0: must be > 0",
    ("onpolicy", "onpolicy.temperature=nan"): "onpolicy.temperature=nan: must be a finite number",
    ("onpolicy", "onpolicy.max_prompts=0"): "onpolicy.max_prompts=0: must be a positive integer",
    ("onpolicy", "+onpolicy.foo=1"): "onpolicy.foo: unknown key; valid: k, max_prompts",
    ("onpolicy", "+reward.foo=1"): "reward.foo: unknown key; valid: name, name_or_path",
    ("onpolicy", "+eval.num_samples=4"): "eval: unknown top-level key; valid top-level keys: "
    "model, dataset, reward, onpolicy",
    ("study", "eval.temperature=0"): "eval.kl=true with eval.temperature=0",
    ("study", "study.steps=abc"): "study.steps=abc: Value 'abc' of type 'str' could not be",
    ("study", "+study.foo=1"): "study.foo: unknown key; valid: losses, betas, seeds",
    ("study", "+study.batch_size=2"): "study.batch_size is study.prompts_per_step now",
    ("iterate", "iterate.reference=last"): "iterate.reference=last: Invalid value 'last'",
    ("iterate", "iterate.steps=0"): r"iterate.steps=0: must be a positive integer or null",
    ("iterate", "rounds=0"): r"rounds=0: must be a positive integer",
    ("iterate", "onpolicy.engine=tgi"): "onpolicy.engine=tgi: Invalid value 'tgi'",
}


@pytest.mark.parametrize(
    ("config", "group", "schema"),
    [
        ("config", g, s)
        for g, s in GROUPS.items()
        if g not in ("eval", "benchmark", "reward", "onpolicy", "study", "iterate")
    ]
    + [("study", g, GROUPS[g]) for g in ("eval", "reward", "onpolicy", "study")]
    + [("iterate", "iterate", GROUPS["iterate"])]
    + [("evaluate", "judge", JudgeSchema), ("evaluate", "benchmark", GROUPS["benchmark"])],
)
def test_every_key_of_the_schema_is_in_the_composed_config(
    config: str, group: str, schema: type
) -> None:
    """The schema's defaults are the defaults: the group YAMLs extend them, so every key can be
    overridden without `+` (`trainer.warmup_steps=10`), though no YAML spells it."""
    cfg = compose_cfg(f"{group}.{fields(schema)[-1].name}=null", config_name=config)
    assert set(cfg[group]) == {f.name for f in fields(schema)}


def test_the_default_run_sets_only_what_differs_from_the_schema() -> None:
    """`trainer=default` is the schema's trainer with the CPU run's steps and eval subset."""
    trainer = compose_cfg("trainer.warmup_steps=10").trainer
    expected = OmegaConf.to_container(base_node(TrainerSchema))
    expected |= {"max_steps": 16, "eval_max_examples": 48, "warmup_steps": 10}
    assert OmegaConf.to_container(trainer) == expected


def overrides(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("case", list(TRAIN_REFUSED))
def test_train_refuses_naming_the_key_and_what_is_valid(case: str) -> None:
    with pytest.raises(ConfigError, match=TRAIN_REFUSED[case]):
        validate(compose_cfg(*TINY, *overrides(case)))


@pytest.mark.parametrize("case", TRAIN_ACCEPTED)
def test_train_settings_of_today_still_validate(case: str) -> None:
    validate(compose_cfg(*TINY, *overrides(case)))


@pytest.mark.parametrize("path", sorted((CONF / "loss").glob("*.yaml")), ids=lambda p: p.stem)
def test_each_loss_default_is_written_once_in_its_signature(path: Path) -> None:
    """A loss YAML names the loss and pulls in its function's keys (`loss/fn/<fn>`); the composed
    group holds every key at the signature's default, so `loss.<key>=...` needs no `+`."""
    assert set(yaml.safe_load(path.read_text())) == {"defaults", "name"}
    loss = compose_cfg(*TINY, f"loss={path.stem}").loss
    if loss.fn == MIX:  # a weighted sum of loss functions: MixSchema's keys
        defaults = {k: v for k, v in asdict(MixSchema()).items() if k not in ("name", "fn")}
    else:
        defaults = hyperparameters(getattr(losses, loss.fn))
    if "weighting" in loss:
        defaults |= hyperparameters(contrast_weights, WEIGHTING_OPTIONS) | {"unpaired": False}
        defaults["tau"] = 0.5  # RPO's default on paired data (default_tau)
    assert OmegaConf.to_container(loss, resolve=True) == {"name": path.stem, "fn": loss.fn} | {
        **defaults,
        "gather": True,
        "sft_weight": 0.0,
        "ld_alpha": None,
        "wpo": False,
    }


def test_target_modules_are_checked_against_a_gguf_models_architecture() -> None:
    """The shipped SmolLM2 GGUF: its architecture from its config, no weights loaded."""
    cfg = compose_cfg("model=smollm2_135m", LORA, "peft.target_modules=[c_attn]", "logger=none")
    with pytest.raises(ConfigError, match=r"\['c_attn'\] name no module of model=smollm2_135m"):
        validate(cfg)


@pytest.mark.parametrize("name", schedulers())
def test_every_scheduler_the_message_lists_runs(name: str) -> None:
    """As the trainer builds and steps it (rpo_exp/training/trainer.py)."""
    validate(compose_cfg(*TINY, f"trainer.lr_scheduler={name}"))
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = get_scheduler(name, optimizer, num_warmup_steps=1, num_training_steps=4)
    for _ in range(4):
        optimizer.step()
        scheduler.step()


@pytest.mark.parametrize("case", list(EVAL_REFUSED))
def test_evaluate_refuses_naming_the_key_and_what_is_valid(case: str) -> None:
    with pytest.raises(ConfigError, match=EVAL_REFUSED[case]):
        check_evaluation(compose_cfg(*overrides(case), config_name="evaluate"))


@pytest.mark.parametrize("case", EVAL_ACCEPTED)
def test_evaluate_settings_of_today_still_validate(case: str) -> None:
    check_evaluation(compose_cfg(*overrides(case), config_name="evaluate"))


@pytest.mark.parametrize("case", list(SAMPLING_REFUSED))
def test_onpolicy_and_study_refuse_naming_the_key(case: tuple[str, str]) -> None:
    command, text = case
    with pytest.raises(ConfigError, match=SAMPLING_REFUSED[case]):
        check_sampling_command(compose_cfg(*overrides(text), config_name=command), command)


@pytest.mark.parametrize("command", ["onpolicy", "study", "iterate"])
def test_onpolicy_and_study_defaults_validate(command: str) -> None:
    check_sampling_command(compose_cfg(config_name=command), command)


CLI_REFUSED = [  # (module, arguments, what stderr says): each exits 2
    ("rpo_exp.train", ["loss=bogus"], "Could not find 'loss/bogus'"),
    ("rpo_exp.train", ["weighting.tau=0.1"], "Could not override 'weighting.tau'"),
    ("rpo_exp.evaluate", ["reward@judge.reward=bogus"], "Could not override 'reward@judge.reward'"),
    ("rpo_exp.onpolicy", ["reward=bogus"], "Could not find 'reward/bogus'"),
    ("rpo_exp.evaluate", ["judge=reward", "eval.kl=true"], "error: eval.kl=true with eval.temp"),
    ("rpo_exp.evaluate", ["eval.split=bogus"], "error: eval.split=bogus: Invalid value 'bogus'"),
    ("rpo_exp.onpolicy", ["onpolicy.k=1"], "error: onpolicy.k=1: must be an integer >= 2"),
    # keys that moved (rpo_exp.config.schema.MOVED): Hydra would only say "not in struct"
    ("rpo_exp.train", ["contrast_block=4"], "error: contrast_block is protocol.contrast_block now"),
    ("rpo_exp.train", ["-m", "loss.contrast_block=2,4"], "error: loss.contrast_block is protocol"),
    ("rpo_exp.train", ["dataset.unpaired=true"], "error: dataset.unpaired is loss.unpaired now"),
    ("rpo_exp.preview", ["+contrast_block=4"], "error: contrast_block is protocol.contrast_block"),
    (
        "rpo_exp.train",
        ["trainer.eval_batch_size=64"],
        "error: trainer.eval_batch_size is trainer.forward_batch_size now",
    ),
    (
        "rpo_exp.study",
        ["+study.batch_size=2"],
        "error: study.batch_size is study.prompts_per_step now",
    ),
]


@pytest.fixture(scope="module")
def refusals(tmp_path_factory: pytest.TempPathFactory) -> list[subprocess.Popen]:
    """Every command of CLI_REFUSED, started at once: each spends its seconds importing, which
    two cores do two at a time."""
    root = tmp_path_factory.mktemp("refused")
    return [
        start_cli(module, *args, f"hydra.run.dir={root / str(i)}")
        for i, (module, args, _) in enumerate(CLI_REFUSED)
    ]


@pytest.mark.parametrize(
    "case", range(len(CLI_REFUSED)), ids=[f"{m}-{' '.join(a)}" for m, a, _ in CLI_REFUSED]
)
def test_the_commands_exit_2_on_what_the_user_can_fix(
    refusals: list[subprocess.Popen], case: int
) -> None:
    said = CLI_REFUSED[case][2]
    result = finished(refusals[case], timeout=300)
    assert result.returncode == 2, result.stderr[-2000:]
    assert said in result.stderr, result.stderr[-2000:]


def test_a_composition_error_exits_2_with_the_full_error_too(tmp_path: Path) -> None:
    import os

    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        result = run_cli("rpo_exp.train", "loss=bogus", f"hydra.run.dir={tmp_path}")
    finally:
        del os.environ["HYDRA_FULL_ERROR"]
    assert result.returncode == 2 and "Traceback" in result.stderr, result.stderr[-2000:]
    assert "Could not find 'loss/bogus'" in result.stderr


@pytest.mark.parametrize("where", ["file", "file/sub"])
def test_a_run_dir_that_is_a_file_is_refused(tmp_path: Path, where: str) -> None:
    (tmp_path / "file").write_text("not a directory")
    result = run_train(*TINY, run_dir=tmp_path / where)
    assert result.returncode == 2, result.stderr[-2000:]
    said = f"error: hydra.run.dir={tmp_path / where}: {tmp_path / 'file'} is an existing file"
    assert said in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["+weighting.tau=0.1"], "error: weighting: unknown top-level key: the weighting keys"),
        ([LORA, "peft.target_modules=[nonexistent]"], "error: peft.target_modules: ['nonexi"),
        ([f"weighting=diagonal_released {UNPAIRED}"], "error: loss.weighting=diagonal"),
    ],
)
def test_train_refusals_exit_2_before_weights_load(
    tmp_path: Path, args: list[str], said: str
) -> None:
    result = run_train(*TINY, *[a for arg in args for a in arg.split()], run_dir=tmp_path)
    assert result.returncode == 2 and said in result.stderr, result.stderr[-2000:]
    assert not (tmp_path / "metrics.jsonl").exists()
