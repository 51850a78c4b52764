"""Raw rows (shipped sample, local file or hub dataset) -> Example records, per split.

Precedence: `dataset.path` (local file) > `dataset.sample` (shipped with the package) >
`dataset.hub_id` (the real dataset via `datasets.load_dataset`; offline it fails with a message
naming the offline alternatives, never a silent fallback).
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from omegaconf import DictConfig

from rpo_exp.data.hh import SkipRow, parse_hh
from rpo_exp.data.records import Example
from rpo_exp.errors import ConfigError, DataError
from rpo_exp.resources import hub_reachable

log = logging.getLogger(__name__)

FORMATS: dict[str, Callable[[dict], Example]] = {"hh": parse_hh}
SAMPLES_DIR = Path(__file__).parent / "samples"


def read_rows(path: Path) -> Iterable[tuple[str, dict]]:
    """(location, row) for each record of a JSONL or JSON (list of objects) file."""
    if path.suffix == ".json":
        try:
            rows = json.loads(path.read_text())
        except json.JSONDecodeError as err:
            raise DataError(f"{path}: not valid JSON ({err})") from None
        if not isinstance(rows, list):
            raise DataError(f"{path}: a .json dataset must be a list of objects")
        yield from ((f"{path} record {i}", row) for i, row in enumerate(rows))
        return
    with path.open() as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield f"{path}:{lineno}", json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(f"{path}:{lineno}: not valid JSON ({err})") from None


def parse_rows(rows: Iterable[tuple[str, dict]], fmt: str, source: str) -> list[Example]:
    """Parse every row; a malformed row is an error naming it, a row without a preference is
    skipped, counted and logged."""
    parse = FORMATS[fmt]
    examples, skipped = [], Counter()
    for where, row in rows:
        if not isinstance(row, dict):
            raise DataError(f"{where}: expected a JSON object, got {type(row).__name__}")
        try:
            examples.append(parse(row))
        except SkipRow as why:
            skipped[str(why)] += 1
        except (KeyError, TypeError) as err:
            raise DataError(f"{where}: {err.args[0]}") from None
    for why, count in skipped.items():
        log.warning("%s: skipped %d rows: %s", source, count, why)
    if not examples:
        raise DataError(f"{source}: no usable rows")
    return examples


def load_split(cfg: DictConfig, split: str) -> list[Example]:
    """The `train` or `test` Example records that `cfg` (the dataset group) names."""
    limit = cfg.max_train_examples if split == "train" else cfg.max_test_examples
    if cfg.path:
        examples = _local_split(cfg, split)
    elif cfg.sample:
        path = SAMPLES_DIR / cfg.sample / f"{split}.jsonl"
        examples = parse_rows(read_rows(path), cfg.format, str(path))
    elif cfg.hub_id:
        examples = _hub_split(cfg, split)
    else:
        raise ConfigError(
            "dataset: set dataset.path=<local file>, dataset.sample or dataset.hub_id"
        )
    return examples[:limit] if limit else examples


def _local_split(cfg: DictConfig, split: str) -> list[Example]:
    if split == "test" and cfg.test_path:
        path = _existing(cfg.test_path, "dataset.test_path")
        return parse_rows(read_rows(path), cfg.format, str(path))
    path = _existing(cfg.path, "dataset.path")
    examples = parse_rows(read_rows(path), cfg.format, str(path))
    if cfg.test_path:
        return examples
    if not 0 < cfg.test_size < 1:
        raise ConfigError(f"dataset.test_size must be in (0, 1), got {cfg.test_size}")
    order = list(range(len(examples)))
    random.Random(0).shuffle(order)  # the split is a property of the file, not of the run seed
    n_test = max(1, round(cfg.test_size * len(examples)))
    chosen = order[:n_test] if split == "test" else order[n_test:]
    return [examples[i] for i in sorted(chosen)]


def _existing(path: str, key: str) -> Path:
    p = Path(path).expanduser()
    if not p.is_file():
        raise ConfigError(f"{key}={path}: no such file (expected a JSONL or JSON file)")
    return p


def _hub_split(cfg: DictConfig, split: str) -> list[Example]:
    import datasets
    from huggingface_hub import constants

    offline = (
        f"Offline, use dataset={cfg.name}_sample, dataset.path=<local JSONL in the {cfg.format} "
        "raw schema>, or HF_HUB_OFFLINE=1 to read a copy in the Hugging Face cache."
    )
    if not (hub_reachable() or constants.HF_HUB_OFFLINE):
        raise ConfigError(f"dataset={cfg.name}: the Hugging Face Hub is unreachable. {offline}")
    try:
        rows = datasets.load_dataset(cfg.hub_id, split=split)
    except Exception as err:  # network, auth, missing dataset: all mean "not loadable here"
        raise ConfigError(
            f"dataset={cfg.name}: could not load '{cfg.hub_id}' from the Hugging Face Hub "
            f"({err.__class__.__name__}: {str(err).splitlines()[0] if str(err) else ''}). {offline}"
        ) from None
    return parse_rows(
        ((f"{cfg.hub_id}[{split}] row {i}", row) for i, row in enumerate(rows)),
        cfg.format,
        cfg.hub_id,
    )
