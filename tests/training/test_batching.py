"""Batch layouts: epochs, M/N/K, KTO's mismatched pairs, and grouped -> pairs conversion."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from rpo_exp.common.choice import distinct_choice, numpy_permutation
from rpo_exp.common.errors import ConfigError
from rpo_exp.data.conversions import pair_groups, to_unpaired
from rpo_exp.data.records import Example
from rpo_exp.data.tokenization import Item
from rpo_exp.training.layouts import (
    KTO,
    Grouped,
    Paired,
    SeqLogps,
    UnpairedContrast,
    shuffled_batches,
)
from tests.helpers import TINY, run_cli


def trainer_cfg(batch_size: int, epochs: int = 1, max_steps: int | None = None):
    return OmegaConf.create({"batch_size": batch_size, "epochs": epochs, "max_steps": max_steps})


def labelled(n_good: int, n_bad: int) -> list[Item]:
    return [
        Item(i, f"prompt {i}", (1, 2), ((3, 4),), (1.0 if i < n_good else 0.0,))
        for i in range(n_good + n_bad)
    ]


def test_paired_epochs_see_every_item_once() -> None:
    order = shuffled_batches(24, trainer_cfg(6, epochs=2), seed=1)
    assert len(order) == 8 and all(len(b) == 6 for b in order)
    for epoch in (order[:4], order[4:]):
        assert sorted(itertools.chain(*epoch)) == list(range(24))
    assert order[:4] != order[4:]  # a new permutation each epoch


def test_unpaired_contrast_is_stratified_m_by_n() -> None:
    items = labelled(30, 20)
    layout = UnpairedContrast()
    order = layout.order(items, trainer_cfg(10, epochs=2), seed=0)
    assert len(order) == 10
    for epoch in (order[:5], order[5:]):
        assert sorted(itertools.chain(*epoch)) == list(range(50))  # each item once per epoch
    for batch in order:
        graded, frozen = layout.keys(items, batch)
        assert frozen == [] and len(graded) == 10
        n = len(graded)
        out = layout.tensors(
            items, batch, SeqLogps(torch.arange(n * 1.0), None, torch.ones(n)), None
        )
        assert len(out["policy_chosen_logps"]) == 6 and len(out["policy_rejected_logps"]) == 4
        emb = layout.prompt_embeddings(items, batch, torch.eye(50))
        # row r of the chosen embeddings is the prompt of the r-th chosen sequence
        chosen_items = [k[0] for k in graded[:6]]
        assert torch.equal(emb["chosen_prompt_emb"].argmax(1), torch.tensor(chosen_items))
        assert all(items[i].desirable for i in chosen_items)


def test_unpaired_contrast_needs_both_labels() -> None:
    with pytest.raises(ConfigError, match="needs >= 1 desirable and >= 1 undesirable"):
        UnpairedContrast().order(labelled(10, 0), trainer_cfg(4), seed=0)


def test_unpaired_eval_batches_hold_both_labels() -> None:
    items = labelled(7, 5)
    batches = UnpairedContrast().eval_order(items, list(range(12)), size=4)
    assert sorted(itertools.chain(*batches)) == list(range(12))
    assert all({items[i].desirable for i in b} == {True, False} for b in batches)


def test_kto_pairs_never_meet_their_own_prompt() -> None:
    pairs = [Example.pair(f"p{i}", f"good {i}", f"bad {i}") for i in range(6)]
    examples = to_unpaired(pairs)
    items = [Item(i, str(e.prompt), (i,), ((100 + i,),), e.scores) for i, e in enumerate(examples)]
    layout = KTO()
    for batch in [*layout.order(items, trainer_cfg(4, epochs=3), seed=0), [0, 1, 2, 3]]:
        graded, frozen = layout.keys(items, batch)
        assert [k[0] for k in frozen] == batch and len(frozen) == len(graded)
        for prompt, response, _ in frozen:
            assert (
                response != prompt and items[prompt].embedder_text != items[response].embedder_text
            )


def test_grouped_batches_count_prompts_and_keep_k() -> None:
    items = [
        Item(i, f"p{i}", (1,), tuple((j,) for j in range(k)), tuple(float(j) for j in range(k)))
        for i, k in enumerate([2, 4, 3, 5])
    ]
    layout = Grouped()
    graded, _ = layout.keys(items, [1, 3])
    assert len(graded) == 4 + 5
    n = len(graded)
    out = layout.tensors(
        items, [1, 3], SeqLogps(torch.zeros(n), torch.zeros(n), torch.ones(n)), None
    )
    assert out["group_ids"].tolist() == [1] * 4 + [3] * 5
    assert out["scores"].tolist() == [0, 1, 2, 3, 0, 1, 2, 3, 4]


def test_groups_to_pairs() -> None:
    groups = [
        Example("a", ("r0", "r1", "r2", "r3"), (2.0, 9.0, 5.0, 9.0)),
        Example("b", ("s0", "s1"), (3.0, 3.0)),  # all equal: no preference, dropped
    ]
    worst, dropped = pair_groups(groups, "best_vs_worst")
    assert worst == [Example.pair("a", "r1", "r0")]  # first best vs the worst
    assert dropped == 1
    randoms = {pair_groups(groups, "best_vs_random", seed=s)[0][0].rejected for s in range(20)}
    assert randoms == {"r0", "r2"}  # never the tied best "r3"
    assert pair_groups(groups, "best_vs_random") == pair_groups(groups, "best_vs_random")


def test_paired_sft_scores_chosen_only() -> None:
    graded, frozen = Paired(with_rejected=False).keys(labelled(4, 0), [2, 0])
    assert graded == [(2, 2, 0), (0, 0, 0)] and frozen == []


def test_paired_data_as_unpaired_contrast() -> None:
    from rpo_exp.config.validation import validate
    from tests.helpers import TINY, compose_cfg

    cfg = compose_cfg(*TINY, "loss=rpo", "loss.unpaired=true")
    _, convert, layout = validate(cfg)
    assert isinstance(layout, UnpairedContrast) and cfg.loss.tau == 0.75  # RPO paper Table 6
    pairs = [Example.pair("p", "good", "bad")]
    assert [e.responses for e in convert(pairs)] == [("good",), ("bad",)]
    assert compose_cfg(*TINY, "loss=rpo").loss.tau == 0.5


def test_kto_on_one_prompt_is_refused_before_weights_load(tmp_path: Path) -> None:
    """Every batch of one prompt leaves KTO no KL partner: exit 2 naming the dataset, before the
    run dir is written or a weight loads (it was a ValueError at the first step)."""
    rows = [{"prompt": "Same?", "completion": f"answer {i}", "label": i % 2 == 0} for i in range(8)]
    data = tmp_path / "one_prompt.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    run_dir = tmp_path / "run"
    done = run_cli(
        "rpo_exp.train",
        *TINY,
        "dataset=unpaired_preference",
        f"dataset.path={data}",
        f"dataset.test_path={data}",
        "loss=kto",
        "trainer.batch_size=4",
        "trainer.micro_batch_size=4",
        "trainer.max_steps=1",
        f"hydra.run.dir={run_dir}",
    )
    assert done.returncode == 2, done.stderr[-2000:]
    error = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert error and "dataset=unpaired_preference" in error[0] and "two different" in error[0]
    assert "Traceback" not in done.stderr
    assert not (run_dir / "metrics.jsonl").exists()


def test_distinct_choice_is_seeded_and_skips_repeats() -> None:
    keys = ["a", "b", "a", None, "c", "d", "b"]
    assert distinct_choice(keys, None, seed=None) == [0, 1, 4, 5]  # first of each key
    assert distinct_choice(keys, 2, seed=None) == [0, 1]
    picked = distinct_choice(keys, 2, seed=0)
    assert picked == distinct_choice(keys, 2, seed=0) and len(picked) == 2
    assert set(picked) <= {0, 1, 4, 5} and picked == sorted(picked)
    # distinct keys: the first `count` of torch's seeded permutation, as eval subsets always were
    perm = torch.randperm(10, generator=torch.Generator().manual_seed(0))
    assert distinct_choice(range(10), 4, seed=0) == sorted(perm[:4].tolist())


def test_evaluate_draws_its_held_out_prompts_as_it_always_did() -> None:
    """`evaluate`'s prompts: numpy's seeded permutation of the usable prompts, its first
    `eval.num_samples` in index order (earlier win rates stay comparable)."""
    keys = ["p0", None, "p2", "p0", "p4", "p5", "p6", "p7", "p8", "p9", "p10"]
    rows = [0, 2, 4, 5, 6, 7, 8, 9, 10]  # usable and distinct
    order = np.random.default_rng(3).permutation(len(rows))[:4]
    expected = [rows[i] for i in sorted(order)]
    assert distinct_choice(keys, 4, 3, numpy_permutation) == expected
    assert distinct_choice(keys, 4, 3) != expected  # the training side's draw differs here
