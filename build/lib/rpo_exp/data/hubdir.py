"""`dataset.hub_id=<local directory>`: a dataset laid out as a Hub dataset repo, one or more data
files per split (`train.jsonl`, `data/test-00000-of-00001.parquet`, ...), read through
`datasets.load_dataset` with its own split-name rules. No code in the directory ever runs: a
loading script is refused. A directory with a train split only is split by `dataset.test_size`
(seeded, as `dataset.path` is), and says so once.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from omegaconf import DictConfig

from rpo_exp.common.errors import DataError

log = logging.getLogger(__name__)


def expected_layout(root: Path) -> str:
    return (
        f"expected the Hub's layout: a data file per split (JSONL, JSON, Parquet or CSV), e.g. "
        f"{root}/train.jsonl and {root}/test.jsonl, or {root}/data/train-00000-of-00001.parquet"
    )


def data_splits(root: Path) -> list[str]:
    """The split names `datasets` finds in `root`; a DataError naming `root` when it holds a
    loading script or no data files."""
    from datasets.data_files import EmptyDatasetError, get_data_patterns

    scripts = sorted(p.name for p in root.glob("*.py"))
    if scripts:
        raise DataError(
            f"dataset.hub_id={root}: holds a dataset loading script ({scripts[0]}), which "
            f"rpo_exp never runs; {expected_layout(root)}"
        )
    try:
        return [str(split) for split in get_data_patterns(str(root))]
    except EmptyDatasetError:
        found = sorted(p.name for p in root.iterdir())
        held = f"it holds only {', '.join(found[:5])}" if found else "it is empty"
        raise DataError(
            f"dataset.hub_id={root}: no data files ({held}); {expected_layout(root)}"
        ) from None


@functools.lru_cache(maxsize=8)
def _say_split_off(root: Path, test: str, train: str, test_size: float, splits: tuple) -> None:
    other = [s for s in splits if s != train]
    instead = f"; dataset.hub_splits.test={other[0]} uses its '{other[0]}' split" if other else ""
    log.warning(
        "dataset.hub_id=%s has no '%s' split (it has: %s): the test split is a seeded "
        "dataset.test_size=%s share of '%s'%s",
        root, test, ", ".join(splits), test_size, train, instead,
    )  # fmt: skip


def local_dir_rows(cfg: DictConfig, split: str) -> tuple[list[dict], str, bool]:
    """(the rows of `split` in the local directory `dataset.hub_id`, their source for messages,
    whether they are the whole train split, from which the caller splits off the test share)."""
    import datasets

    root = Path(cfg.hub_id).expanduser()
    splits = data_splits(root)
    train, test = cfg.hub_splits.train, cfg.hub_splits.get("test")
    if train not in splits:
        raise DataError(
            f"dataset.hub_id={root}: no '{train}' split (it has: {', '.join(splits)}); "
            f"set dataset.hub_splits.train to one of them, or {expected_layout(root)}"
        )
    whole = test is None or test not in splits
    if test is not None and test not in splits:
        _say_split_off(root, test, train, cfg.test_size, tuple(splits))
    name = train if whole or split == "train" else test
    try:
        rows = datasets.load_dataset(str(root), cfg.hub_config, split=name)
    except Exception as err:  # an unreadable data file: name the directory, not a traceback
        first = str(err).splitlines()[0] if str(err) else ""
        raise DataError(
            f"dataset.hub_id={root}: could not read its '{name}' split "
            f"({err.__class__.__name__}: {first}); {expected_layout(root)}"
        ) from None
    return rows, f"{root}[{name}]", whole
