"""Raw rows (shipped sample, local file or hub dataset) -> Example records, per split.

Precedence: `dataset.path` (local file) > `dataset.sample` (shipped with the package) >
`dataset.hub_id` (the real dataset via `datasets.load_dataset`; offline it fails with a message
naming the offline alternatives, never a silent fallback). A malformed row stops the run with
its file and line (`dataset.on_bad_row=error`, default) or is skipped, counted and logged
(`dataset.on_bad_row=skip`).
"""

from __future__ import annotations

import functools
import json
import logging
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from rpo_exp.common.errors import ConfigError, DataError
from rpo_exp.common.paths import hub_reachable
from rpo_exp.data.capybara import parse_capybara
from rpo_exp.data.hh import parse_hh
from rpo_exp.data.records import BadRow, Example
from rpo_exp.data.tldr import parse_tldr
from rpo_exp.data.ultrafeedback import parse_ultrafeedback, parse_ultrafeedback_armorm

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Format:
    parse: Callable[[dict], Example]
    form: str  # paired | unpaired | grouped


FORMATS = {
    "hh": Format(parse_hh, "paired"),
    "tldr": Format(parse_tldr, "paired"),
    "capybara": Format(parse_capybara, "unpaired"),
    "ultrafeedback": Format(parse_ultrafeedback, "grouped"),
    "ultrafeedback_armorm": Format(parse_ultrafeedback_armorm, "grouped"),
}
BAD_ROW_POLICIES = ("error", "skip")
SAMPLES_DIR = Path(__file__).parent / "samples"


@dataclass
class Loaded:
    examples: list[Example]
    skipped: int  # malformed rows skipped under dataset.on_bad_row=skip


def read_rows(path: Path) -> Iterable[tuple[str, object]]:
    """(location, row) for each record of a JSONL, JSON (list of objects) or Parquet file."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        for i, row in enumerate(pq.read_table(path).to_pylist()):
            yield f"{path} row {i + 1}", row
        return
    if path.suffix == ".json":
        try:
            rows = json.loads(path.read_text())
        except json.JSONDecodeError as err:
            raise DataError(f"{path}: not valid JSON ({err})") from None
        if not isinstance(rows, list):
            raise DataError(f"{path}: a .json dataset must be a list of objects")
        yield from ((f"{path} record {i + 1}", row) for i, row in enumerate(rows))
        return
    with path.open() as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield f"{path}:{lineno}", json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(f"{path}:{lineno}: not valid JSON ({err})") from None


def parse_rows(rows: Iterable[tuple[str, object]], cfg: DictConfig, source: str) -> Loaded:
    """Parse every row in the `dataset.format` raw schema."""
    parse = FORMATS[cfg.format].parse
    examples, skipped = [], Counter()
    for where, row in rows:
        try:
            if not isinstance(row, dict):
                raise BadRow(f"expected a JSON object, got {type(row).__name__}")
            examples.append(parse(row))
        except BadRow as why:
            if cfg.on_bad_row == "error":
                raise DataError(
                    f"{where}: {why} (expected the {cfg.format} raw schema; "
                    "dataset.on_bad_row=skip skips such rows)"
                ) from None
            skipped[str(why)] += 1
    for why, count in skipped.items():
        log.warning("%s: skipped %d rows: %s", source, count, why)
    if not examples:
        raise DataError(f"{source}: no usable rows")
    return Loaded(examples, sum(skipped.values()))


def load_split(cfg: DictConfig, split: str) -> Loaded:
    """The `train` or `test` Example records that `cfg` (the dataset group) names."""
    limit = cfg.max_train_examples if split == "train" else cfg.max_test_examples
    if cfg.path:
        loaded = _local_split(cfg, split)
    elif cfg.sample:
        path = SAMPLES_DIR / cfg.sample / f"{split}.jsonl"
        loaded = parse_rows(read_rows(path), cfg, str(path))
    elif cfg.hub_id:
        loaded = _hub_split(cfg, split)
    else:
        raise ConfigError(
            "dataset: set dataset.path=<local file>, dataset.sample or dataset.hub_id"
        )
    if limit:
        loaded.examples = loaded.examples[:limit]
    return loaded


def _local_split(cfg: DictConfig, split: str) -> Loaded:
    if split == "test" and cfg.test_path:
        return _parse_file(_existing(cfg.test_path, "dataset.test_path"), cfg)
    loaded = _parse_file(_existing(cfg.path, "dataset.path"), cfg)
    if cfg.test_path:
        return loaded
    return _split_off_test(loaded, cfg, split)


def _parse_file(path: Path, cfg: DictConfig) -> Loaded:
    """A local file's Examples, parsed once per process even when both splits come from it."""
    examples, skipped = _parsed(str(path), path.stat().st_mtime_ns, cfg.format, cfg.on_bad_row)
    return Loaded(list(examples), skipped)


@functools.lru_cache(maxsize=4)
def _parsed(path: str, mtime_ns: int, fmt: str, on_bad_row: str) -> tuple[tuple[Example, ...], int]:
    cfg = OmegaConf.create({"format": fmt, "on_bad_row": on_bad_row})
    loaded = parse_rows(read_rows(Path(path)), cfg, path)
    return tuple(loaded.examples), loaded.skipped


def _split_off_test(loaded: Loaded, cfg: DictConfig, split: str) -> Loaded:
    """A seeded `dataset.test_size` share as the test split (fixed seed: a property of the
    data, not of the run). Skipped rows of the file are counted once, with the train split."""
    if not 0 < cfg.test_size < 1:
        raise ConfigError(f"dataset.test_size must be in (0, 1), got {cfg.test_size}")
    order = list(range(len(loaded.examples)))
    random.Random(0).shuffle(order)
    n_test = max(1, round(cfg.test_size * len(order)))
    chosen = sorted(order[:n_test] if split == "test" else order[n_test:])
    return Loaded([loaded.examples[i] for i in chosen], loaded.skipped if split == "train" else 0)


def _existing(path: str, key: str) -> Path:
    p = Path(path).expanduser()
    if not p.is_file():
        raise ConfigError(f"{key}={path}: no such file (expected a JSONL, JSON or Parquet file)")
    return p


def _hub_split(cfg: DictConfig, split: str) -> Loaded:
    import datasets
    from huggingface_hub import constants

    offline = (
        f"Offline, use dataset={cfg.name}_sample, dataset.path=<local JSONL in the {cfg.format} "
        "raw schema>, or HF_HUB_OFFLINE=1 to read a copy in the Hugging Face cache."
    )
    if not (hub_reachable() or constants.HF_HUB_OFFLINE):
        raise ConfigError(f"dataset={cfg.name}: the Hugging Face Hub is unreachable. {offline}")
    hub_split = cfg.hub_splits.get(split)
    try:
        rows = datasets.load_dataset(
            cfg.hub_id,
            cfg.hub_config,
            split=hub_split or cfg.hub_splits.train,
            revision=cfg.revision,
        )
    except Exception as err:  # network, auth, missing dataset: all mean "not loadable here"
        raise ConfigError(
            f"dataset={cfg.name}: could not load '{cfg.hub_id}' from the Hugging Face Hub "
            f"({err.__class__.__name__}: {str(err).splitlines()[0] if str(err) else ''}). {offline}"
        ) from None
    source = f"{cfg.hub_id}[{hub_split or cfg.hub_splits.train}]"
    loaded = parse_rows(((f"{source} row {i + 1}", r) for i, r in enumerate(rows)), cfg, source)
    return loaded if hub_split else _split_off_test(loaded, cfg, split)
