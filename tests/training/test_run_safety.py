"""A run never gives a silently wrong result or loses another run's data: refused settings,
run-dir ownership, resume under another config, crafted checkpoints, full disks, divergence."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf, open_dict

from rpo_exp.common.errors import ConfigError, DivergenceError, StorageError
from rpo_exp.common.files import sha256_file as _sha256
from rpo_exp.config.schema import schema_defaults
from rpo_exp.config.validation import validate
from rpo_exp.evaluation.pipeline import policy_and_dataset
from rpo_exp.train import run
from rpo_exp.training.layouts import chunks
from rpo_exp.training.rundir import RunDirLock, check_resumable, run_record
from tests.helpers import NO_WEIGHTS, ROOT, TINY, compose_cfg, run_train

FAST = [*TINY, "trainer.max_steps=2", "trainer.batch_size=4", "trainer.micro_batch_size=4"]
FAST += ["trainer.eval_max_examples=8"]

REFUSED = {  # override -> what the message must say
    "trainer.max_grad_norm=-1": "trainer.max_grad_norm=-1: must be a finite number > 0",
    "trainer.max_grad_norm=0": "trainer.max_grad_norm=0: must be a finite number > 0",
    "trainer.lr=abc": "trainer.lr=abc: Value 'abc' of type 'str' could not be converted to Float",
    "trainer.lr=inf": "trainer.lr=inf: must be a finite number",
    "trainer.eval_max_examples=0": "trainer.eval_max_examples=0: must be a positive integer",
    "trainer.lr_scheduler=bogus": "trainer.lr_scheduler=bogus: must be one of .*cosine",
    "trainer.weight_decay=-1": "trainer.weight_decay=-1: must be a finite number >= 0",
    "trainer.divergence_factor=0.5": "trainer.divergence_factor=0.5: must be a finite number > 1",
    "loss.beta=inf": "loss.beta=inf: must be a finite number",
    "loss.tau=abc": "loss.tau=abc: Value .abc. of type .str. could not be converted to Float",
    "+trainer.gradient_accumulation_steps=4": "trainer.gradient_accumulation_steps: unknown key; "
    "valid: batch_size, micro_batch_size",
    "+trainer.foo=1": "trainer.foo: unknown key; valid: .*precision, gradient_checkpointing",
    "model.attn_implementation=bogus": r"model.attn_implementation=bogus: Invalid value 'bogus', "
    r"expected one of \[eager, sdpa, flex_attention, flash_attention_2\]",
    "+model.revison=main": "model.revison: unknown key; valid: name, name_or_path, tokenizer",
    "+dataset.shuffle=true": "dataset.shuffle: unknown key; valid: .*pairing",
    "+embedder.normalize=true": "embedder.normalize: unknown key; valid: name, name_or_path",
    "+peft.rank=8": "peft.rank: unknown key; valid: name, r, alpha",
    "trainer.batch_size=1.5": "trainer.batch_size=1.5: Value '1.5' of type 'float' could not be "
    "converted to Integer",
    "trainer.overwrite=maybe": "trainer.overwrite=maybe: Value 'maybe' is not a valid bool",
}


@pytest.mark.parametrize("override", list(REFUSED))
def test_bad_settings_are_refused_naming_the_key(override: str) -> None:
    with pytest.raises(ConfigError, match=REFUSED[override]):
        validate(compose_cfg(*TINY, override))


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("trainer.max_grad_norm=-1", "trainer.max_grad_norm=-1"),
        ("+trainer.foo=1", "trainer.foo: unknown key"),
        ("trainer.lr=abc", "trainer.lr=abc"),
        # Hydra itself refuses `+` on a key the schema already has, naming it
        ("+model.attn_implementation=bogus", "An item is already at 'model.attn_implementation'"),
    ],
)
def test_a_refused_setting_exits_before_weights_load(
    tmp_path: Path, override: str, named: str
) -> None:
    result = run_train(*TINY, *NO_WEIGHTS, override, run_dir=tmp_path)
    assert result.returncode != 0 and named in result.stderr, result.stderr[-2000:]
    assert "model.name_or_path" not in result.stderr  # refused before the model was looked up
    assert not (tmp_path / "metrics.jsonl").exists()


def test_without_a_refused_setting_the_missing_weights_are_what_fails(tmp_path: Path) -> None:
    """The control of the test above: NO_WEIGHTS alone fails on the model."""
    result = run_train(*TINY, *NO_WEIGHTS, run_dir=tmp_path)
    assert result.returncode != 0 and "model.name_or_path=/nonexistent" in result.stderr


def test_eval_batches_keep_every_item_once() -> None:
    """A last batch of one item joins the one before it; no item is lost or doubled."""
    for n in range(1, 23):
        for size in range(1, 9):
            batches = chunks(list(range(n)), size)
            assert sorted(i for b in batches for i in b) == list(range(n)), (n, size)
            assert all(len(b) > 1 for b in batches) or 1 in (n, size)


def tiny(*overrides: str):
    return compose_cfg(*FAST, *overrides)


def test_a_finished_run_dir_is_not_overwritten_unless_asked(tmp_path: Path) -> None:
    run(tiny(), tmp_path, "first")
    metrics = (tmp_path / "metrics.jsonl").read_text()
    weights = _sha256(tmp_path / "final" / "model.safetensors")
    with pytest.raises(ConfigError, match="holds a finished run: refusing to overwrite"):
        run(tiny("seed=1"), tmp_path, "second")
    assert (tmp_path / "metrics.jsonl").read_text() == metrics
    assert _sha256(tmp_path / "final" / "model.safetensors") == weights
    run(tiny("seed=1", "trainer.overwrite=true"), tmp_path, "second")
    rows = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if "loss" in r] == [1, 2]  # the new run only
    assert _sha256(tmp_path / "final" / "model.safetensors") != weights


def test_a_second_run_in_a_busy_run_dir_refuses_at_once(tmp_path: Path) -> None:
    """Before anything loads: the intruder has no weights (NO_WEIGHTS), so a refusal that came
    after a model load would name the model instead."""
    holder = RunDirLock(tmp_path)  # a run in progress holds the dir
    try:
        with pytest.raises(ConfigError, match="is in use by a run in progress"):
            run(tiny(*NO_WEIGHTS), tmp_path, "intruder")
        assert not (tmp_path / "metrics.jsonl").exists()
    finally:
        holder.release()
    run(tiny(), tmp_path, "after")  # released: the dir is usable again
    assert (tmp_path / "summary.json").exists()


def file_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under `root`, by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


SMALL_CLI = [*TINY, "trainer.max_steps=1", "trainer.batch_size=2", "trainer.micro_batch_size=2"]
SMALL_CLI += ["trainer.eval_max_examples=4"]


def test_a_refused_rerun_changes_no_byte_of_the_run(tmp_path: Path) -> None:
    """Refused as finished, or as in use by a live run: `.hydra/`, `train.log`, `.lock` and
    every output stay byte-identical, and evaluate reads the config the run trained with."""
    first = run_train(*SMALL_CLI, run_dir=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    before = file_hashes(tmp_path)
    record = {".hydra/config.yaml", ".hydra/hydra.yaml", ".hydra/overrides.yaml", "train.log"}
    assert record | {".lock", "summary.json"} <= set(before)
    assert "train: " in (tmp_path / "train.log").read_text()  # held lines reach the log
    again = [*SMALL_CLI, "loss=dpo", "dataset=tldr_sample"]
    refused = run_train(*again, run_dir=tmp_path)
    assert refused.returncode == 2 and "holds a finished run" in refused.stderr, refused.stderr
    assert file_hashes(tmp_path) == before
    holder = RunDirLock(tmp_path)  # a live run holds the dir
    try:
        busy = run_train(*again, "trainer.overwrite=true", run_dir=tmp_path)
    finally:
        holder.release()
    assert busy.returncode == 2 and "in use by a run in progress" in busy.stderr, busy.stderr
    assert file_hashes(tmp_path) == before
    evaluated = OmegaConf.create({"run_dir": str(tmp_path), "model": None, "dataset": None})
    policy, dataset = policy_and_dataset(evaluated)
    assert dataset.name == "hh_sample" and policy.run_dir == tmp_path


def test_overwrite_leaves_nothing_of_the_old_run(tmp_path: Path) -> None:
    """`trainer.overwrite=true` over a run with merged weights, samples, an evaluation and
    wandb files: the dir then holds what a fresh run writes, plus files no run writes."""
    old = tiny("peft=lora", "peft.merge=true", "trainer.sample_every=1", "trainer.sample_prompts=1")
    run(old, tmp_path / "run", "old")
    run_dir = tmp_path / "run"
    (run_dir / "eval").mkdir()
    (run_dir / "eval" / "win_rate.json").write_text('{"win_rate": 0.9}')  # as evaluate writes
    (run_dir / "wandb").mkdir()
    (run_dir / "wandb" / "debug.log").write_text("old run")
    (run_dir / "wandb_run_id").write_text("abc123")
    (run_dir / ".final.x.tmp").mkdir()  # a crashed write's leftover
    (run_dir / "notes.md").write_text("mine")  # no run writes it
    old_names = {p.name for p in run_dir.iterdir()}
    assert {"final_merged", "samples.jsonl", "eval"} <= old_names
    run(tiny("seed=1", "trainer.overwrite=true"), run_dir, "new")
    run(tiny("seed=1"), tmp_path / "fresh", "fresh")
    fresh = {p.name for p in (tmp_path / "fresh").iterdir()}
    assert {p.name for p in run_dir.iterdir()} == fresh | {"notes.md"}
    assert not (run_dir / "final" / "adapter_config.json").exists()


def unfinished_run_with_checkpoints(run_dir: Path, *overrides: str) -> None:
    """A 3-step run with a checkpoint after each step, its end undone as if it was killed."""
    run(tiny("trainer.max_steps=3", "trainer.checkpoint_every=1", *overrides), run_dir, "a")
    (run_dir / "summary.json").unlink()


def test_resume_under_another_config_is_refused_naming_the_keys(tmp_path: Path) -> None:
    unfinished_run_with_checkpoints(tmp_path)
    with pytest.raises(ConfigError, match=r"another config \(.*loss.fn: 'rpo_loss' -> 'dpo_loss'"):
        run(tiny("trainer.max_steps=3", "trainer.checkpoint_every=1", "loss=dpo"), tmp_path, "b")
    # logging and checkpointing settings do not change the run: resuming goes on
    run(tiny("trainer.max_steps=3", "trainer.checkpoint_every=2", "logger=none"), tmp_path, "c")
    assert (tmp_path / "summary.json").exists()


def test_a_checkpoint_older_than_a_key_resumes_while_the_key_holds_its_default() -> None:
    """A checkpoint written before a config key existed (its record lacks `loss.ld_alpha` and
    the `reference` group) resumes under that key's default, which computes what the run did,
    and is refused under any other value, naming the key."""
    cfg = tiny("loss=dpo")
    saved = run_record(cfg)
    del saved["loss"]["ld_alpha"], saved["reference"]
    check_resumable(saved, cfg, Path("ckpt"), schema_defaults(cfg))
    with pytest.raises(ConfigError, match=r"another config \(loss.ld_alpha: '<unset>' -> 0.5\)"):
        changed = tiny("loss=dpo", "loss.ld_alpha=0.5")
        check_resumable(saved, changed, Path("ckpt"), schema_defaults(changed))
    with pytest.raises(ConfigError, match=r"reference.name: '<unset>' -> 'none'"):
        changed = tiny("loss=dpo", "reference=none")
        check_resumable(saved, changed, Path("ckpt"), schema_defaults(changed))


def test_a_crafted_checkpoint_pickle_is_never_run(tmp_path: Path) -> None:
    """A custom_checkpoint pickle (which accelerate unpickles with code execution), slipped into
    a checkpoint under a rewritten manifest, is refused, and its code never runs."""
    unfinished_run_with_checkpoints(tmp_path)
    marker = tmp_path / "pwned"
    newest = max((tmp_path / "checkpoints").iterdir(), key=lambda p: p.name)

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    torch.save(Payload(), newest / "custom_checkpoint_0.pkl")  # as accelerate's own are saved
    manifest = json.loads((newest / "manifest.json").read_text())
    manifest["custom_checkpoint_0.pkl"] = _sha256(newest / "custom_checkpoint_0.pkl")
    (newest / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ConfigError, match=r"custom_checkpoint_.* refusing to resume"):
        run(tiny("trainer.max_steps=3", "trainer.checkpoint_every=1"), tmp_path, "b")
    assert not marker.exists()
    assert not list(newest.glob("scheduler*")), "the schedule is replayed, not unpickled"


def test_a_full_disk_leaves_no_partial_final_dir(tmp_path: Path, monkeypatch) -> None:
    from transformers import PreTrainedTokenizerBase

    def disk_full(self, directory, *args, **kwargs):
        (Path(directory) / "tokenizer.json").write_text('{"trunc')  # what a full disk leaves
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(PreTrainedTokenizerBase, "save_pretrained", disk_full)
    with pytest.raises(StorageError, match=f"no space left on {tmp_path / 'final'}"):
        run(tiny(), tmp_path, "full")
    assert not (tmp_path / "final").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".final")]


def test_a_diverging_run_stops_with_a_clear_message(tmp_path: Path) -> None:
    cfg = tiny("trainer.lr=10", "trainer.max_steps=12")
    with pytest.raises(DivergenceError, match=r"diverged at step \d+: .*trainer.lr"):
        run(cfg, tmp_path, "lr10")
    assert not (tmp_path / "final").exists()
    with open_dict(cfg):
        cfg.trainer.divergence_factor = None  # asked to go on: it does, as before
        cfg.trainer.max_steps = 3
    run(cfg, tmp_path / "on", "lr10")


def test_tied_groups_warn_once_that_nothing_trains(tmp_path: Path, caplog) -> None:
    rows = [
        {
            "instruction": f"Question {i}?",
            "completions": [
                {"response": f"Answer {i}.{k}", "overall_score": 5.0} for k in range(3)
            ],
        }
        for i in range(12)
    ]
    path = tmp_path / "tied.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = tiny("dataset=ultrafeedback_sample", f"dataset.path={path}", "loss=swepo")
    with caplog.at_level(logging.WARNING):
        run(cfg, tmp_path / "run", "tied")
    assert caplog.text.count("loss and gradient are exactly 0") == 1


class Payload:
    """A pickle that, unpickled with code execution, creates `marker`."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize(("planted", "replaces"), [
    ("optimizer.bin", "optimizer.bin"),
    ("pytorch_model.bin", "model.safetensors"),  # accelerate then reads the pickle
])  # fmt: skip
def test_a_planted_pickle_in_a_checkpoint_is_refused_in_one_line(
    tmp_path: Path, planted: str, replaces: str
) -> None:
    """Under a rewritten manifest: refused naming the file and the global it holds, never run,
    and without torch's advice to turn weights_only off."""
    unfinished_run_with_checkpoints(tmp_path)
    marker = tmp_path / "pwned"
    newest = max((tmp_path / "checkpoints").iterdir(), key=lambda p: p.name)
    (newest / replaces).unlink()
    torch.save(Payload(marker), newest / planted)
    manifest = json.loads((newest / "manifest.json").read_text())
    del manifest[replaces]
    manifest[planted] = _sha256(newest / planted)
    (newest / "manifest.json").write_text(json.dumps(manifest))
    refused = rf"{newest / planted} holds pickled objects beyond tensors and plain values "
    with pytest.raises(ConfigError, match=refused + r"\(Unsupported global: .*refusing to resume"):
        run(tiny("trainer.max_steps=3", "trainer.checkpoint_every=1"), tmp_path, "b")
    assert not marker.exists()


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    from omegaconf import OmegaConf

    run_dir, cfg = tmp_path_factory.mktemp("finished"), tiny()
    run(cfg, run_dir, "finished")
    (run_dir / ".hydra").mkdir()
    OmegaConf.save(cfg, run_dir / ".hydra" / "config.yaml")  # as Hydra writes it
    return run_dir


def copy_of(finished_run: Path, tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(finished_run, tmp_path / "run", ignore=shutil.ignore_patterns(".lock"))
    return tmp_path / "run"


def test_a_run_whose_final_weights_are_a_pickle_is_refused(
    finished_run: Path, tmp_path: Path
) -> None:
    from rpo_exp.evaluation.pipeline import run_policy
    from rpo_exp.modeling.models import load_policy

    run_dir = copy_of(finished_run, tmp_path)
    final = run_dir / "final"
    torch.save(Payload(tmp_path / "pwned"), final / "pytorch_model.bin")
    policy, _ = run_policy(str(run_dir))  # beside safetensors, the pickle is never read
    assert load_policy(policy.model, vocab_size=49152) is not None
    (final / "model.safetensors").unlink()  # now it would be
    with pytest.raises(ConfigError, match=rf"{final / 'pytorch_model.bin'} is a pickle: rpo_exp "
                       "loads only safetensors weights"):  # fmt: skip
        run_policy(str(run_dir))
    with pytest.raises(ConfigError, match="is a pickle"):
        load_policy(policy.model, vocab_size=49152)
    assert not (tmp_path / "pwned").exists()


def test_a_model_dir_asking_for_custom_code_is_refused_in_one_line(
    finished_run: Path, tmp_path: Path
) -> None:
    """`auto_map` in config.json: refused before anything loads, exit 2, one line; transformers
    never gets to ask whether to run the code."""
    run_dir = copy_of(finished_run, tmp_path)
    config_path = run_dir / "final" / "config.json"
    config = json.loads(config_path.read_text())
    config["auto_map"] = {"AutoModelForCausalLM": "modeling_mine.MyModel"}
    config_path.write_text(json.dumps(config))
    (run_dir / "final" / "modeling_mine.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w')\n")
    model = compose_cfg(
        *TINY, f"model.name_or_path={run_dir / 'final'}", "model.init_config=null",
        "model.tokenizer=null",
    )  # fmt: skip
    from rpo_exp.modeling.models import load_policy, load_tokenizer

    message = rf"{config_path} asks for custom code \(auto_map\): refused, rpo_exp never runs code"
    for load in (load_tokenizer, lambda m: load_policy(m, vocab_size=49152)):
        with pytest.raises(ConfigError, match=message):
            load(model.model)
    result = subprocess.run(
        [sys.executable, "-m", "rpo_exp.evaluate", f"run_dir={run_dir}",
         f"hydra.run.dir={tmp_path / 'eval'}"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: {config_path} asks for")
    assert "Traceback" not in result.stderr and not (tmp_path / "ran").exists()


def test_a_reward_model_dir_without_a_tokenizer_names_it(tiny_reward_model, tmp_path) -> None:
    import shutil

    from omegaconf import OmegaConf

    from rpo_exp.evaluation.rewards import load_reward

    bare = tmp_path / "reward"
    bare.mkdir()
    for name in ("config.json", "model.safetensors"):
        shutil.copy(tiny_reward_model / name, bare / name)
    cfg = OmegaConf.create({"name": "reward_model", "name_or_path": str(bare),
                            "dtype": "float32", "batch_size": 2, "max_length": 64})  # fmt: skip
    with pytest.raises(ConfigError, match=rf"reward\.name_or_path={bare}: no tokenizer in this "
                       "directory"):  # fmt: skip
        load_reward(cfg)
    cfg.name_or_path = str(tiny_reward_model)  # with its tokenizer: loads
    assert len(load_reward(cfg)(["Hi?"], ["Hello."])) == 1
