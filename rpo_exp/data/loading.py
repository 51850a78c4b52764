"""Raw rows (shipped sample, local file or hub dataset) -> Example records, per split.

Precedence: `dataset.path` (local file) > `dataset.sample` (shipped with the package) >
`dataset.hub_id` (the real dataset via `datasets.load_dataset`; offline it fails with a message
naming the offline alternatives, never a silent fallback; a local directory must hold data files
per split, `hubdir.py`). A malformed row stops the run with its file and line
(`dataset.on_bad_row=error`, default) or is skipped, counted and logged
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
from rpo_exp.common.hub import load_local_or_hub
from rpo_exp.data.capybara import parse_capybara
from rpo_exp.data.hh import parse_hh
from rpo_exp.data.hubdir import local_dir_rows
from rpo_exp.data.records import BadRow, Example, IdenticalPair
from rpo_exp.data.standard import parse_preference, parse_scored, parse_unpaired_preference
from rpo_exp.data.tldr import parse_tldr
from rpo_exp.data.ultrafeedback import parse_ultrafeedback, parse_ultrafeedback_armorm

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Format:
    parse: Callable[[dict], Example]
    form: str  # paired | unpaired | grouped
    columns: tuple[str, ...]  # the schema's top-level columns (the keys of dataset.columns)


FORMATS = {
    "hh": Format(parse_hh, "paired", ("chosen", "rejected")),
    "tldr": Format(parse_tldr, "paired", ("info", "summaries", "choice")),
    "capybara": Format(parse_capybara, "unpaired", ("prompt", "completion", "label")),
    "ultrafeedback": Format(parse_ultrafeedback, "grouped", ("instruction", "completions")),
    "ultrafeedback_armorm": Format(
        parse_ultrafeedback_armorm,
        "grouped",
        ("prompt", "all_generated_responses", "all_rm_scores"),
    ),
    # TRL's standard formats (rpo_exp.data.standard): a researcher's own data
    "preference": Format(parse_preference, "paired", ("prompt", "chosen", "rejected")),
    "unpaired_preference": Format(
        parse_unpaired_preference, "unpaired", ("prompt", "completion", "label")
    ),
    "scored": Format(parse_scored, "grouped", ("prompt", "completions", "scores")),
}
BAD_ROW_POLICIES = ("error", "skip")
SAMPLES_DIR = Path(__file__).parent / "samples"


@dataclass
class Loaded:
    examples: list[Example]
    skipped: int  # malformed rows skipped under dataset.on_bad_row=skip (+ dropped groups)
    source: str = ""  # the file (or hub dataset) the examples came from, for messages


def read_rows(path: Path) -> Iterable[tuple[str, object]]:
    """(location, row) for each record of a JSONL, JSON (list of objects) or Parquet file.
    A JSONL line that is not UTF-8 or not JSON comes as a `BadRow` row, which `parse_rows`
    turns into an error naming file:line or a counted skip, like any malformed row."""
    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            rows = pq.read_table(path).to_pylist()
        except (pa.ArrowException, OSError) as err:
            raise DataError(
                f"{path}: not a readable Parquet file ({err}); give a valid .parquet file, "
                "or a .jsonl/.json file in the raw schema"
            ) from None
        for i, row in enumerate(rows):
            yield f"{path} row {i + 1}", row
        return
    if path.suffix == ".json":
        try:
            rows = json.loads(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError as err:
            raise DataError(f"{path}: not valid UTF-8 ({err})") from None
        except json.JSONDecodeError as err:
            raise DataError(f"{path}: not valid JSON ({err})") from None
        if not isinstance(rows, list):
            raise DataError(f"{path}: a .json dataset must be a list of objects")
        yield from ((f"{path} record {i + 1}", row) for i, row in enumerate(rows))
        return
    with path.open("rb") as f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as err:
                yield f"{path}:{lineno}", BadRow(f"not valid UTF-8 ({err})")
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                row = BadRow(f"not valid JSON ({err})")
            yield f"{path}:{lineno}", row


def parse_rows(rows: Iterable[tuple[str, object]], cfg: DictConfig, source: str) -> Loaded:
    """Parse every row in the `dataset.format` raw schema, its columns first renamed by
    `dataset.columns` ({schema name: the data's name}). A pair with identical responses is a
    bad row; when every row is one, the error says the column mapping is the likely cause."""
    parse = FORMATS[cfg.format].parse
    columns = dict(cfg.get("columns") or {})
    examples, skipped, total, identical = [], Counter(), 0, 0
    first_identical = None  # on_bad_row=error: raised at the first usable row after it
    for where, row in rows:
        total += 1
        try:
            if isinstance(row, BadRow):  # a line read_rows could not decode
                raise row
            if not isinstance(row, dict):
                raise BadRow(f"expected a JSON object, got {type(row).__name__}")
            if columns:
                row = renamed(row, columns)
            example = parse(row)
        except BadRow as why:
            identical += isinstance(why, IdenticalPair)
            if cfg.on_bad_row == "error":
                error = DataError(
                    f"{where}: {why} (expected the {cfg.format} raw schema; "
                    "dataset.on_bad_row=skip skips such rows)"
                )
                if not isinstance(why, IdenticalPair) or examples:
                    raise (first_identical or error) from None
                first_identical = first_identical or error
            skipped[str(why)] += 1
            continue
        if first_identical is not None:
            raise first_identical from None
        examples.append(example)
    if total and identical == total:
        raise DataError(
            f"{source}: every row ({total}) has identical chosen and rejected responses: the "
            f"column mapping is likely wrong (dataset.columns={columns or '{}'}; each schema "
            "name must map to its own column)"
        )
    for why, count in skipped.items():
        log.warning("%s: skipped %d rows: %s", source, count, why)
    if not examples:
        raise DataError(f"{source}: no usable rows")
    return Loaded(examples, sum(skipped.values()), source)


def renamed(row: dict, columns: dict[str, str]) -> dict:
    """`row` with each column `columns[name]` under `name` (absent ones stay absent)."""
    sources = set(columns.values())
    out = {k: v for k, v in row.items() if k not in sources}
    return out | {name: row[source] for name, source in columns.items() if source in row}


def check_dataset(cfg: DictConfig) -> None:
    """The `dataset` group's keys that can be checked before any data or weights load:
    format, columns, the example limits and the local paths (on_bad_row and pairing are
    typed keys: `rpo_exp.config.schema`)."""
    if cfg.format not in FORMATS:
        raise ConfigError(f"dataset.format={cfg.format}: must be one of {', '.join(FORMATS)}")
    check_columns(dict(cfg.get("columns") or {}), cfg.format)
    for key in ("max_train_examples", "max_test_examples"):
        value = cfg.get(key)
        positive = isinstance(value, int) and not isinstance(value, bool) and value > 0
        if value is not None and not positive:
            raise ConfigError(
                f"dataset.{key}={value}: must be a positive integer (the most examples to use), "
                "or null for no limit"
            )
    for key in ("path", "test_path"):
        if cfg.get(key):
            _existing(cfg[key], f"dataset.{key}")


def check_columns(columns: dict, fmt: str) -> None:
    """`dataset.columns` maps schema names of `fmt` (its keys) to distinct column names of the
    data (its values)."""
    valid = FORMATS[fmt].columns
    for name, source in columns.items():
        if name not in valid:
            raise ConfigError(
                f"dataset.columns.{name}: not a column of the {fmt} schema; valid: "
                f"{', '.join(valid)} (dataset.columns maps {{schema name: your column name}})"
            )
        if not isinstance(source, str):
            raise ConfigError(f"dataset.columns.{name}={source}: must be a column name")
    sources = Counter(columns.values())
    for source, count in sources.items():
        if count > 1:
            names = [n for n, s in columns.items() if s == source]
            raise ConfigError(
                f"dataset.columns maps {' and '.join(names)} all to the column '{source}': "
                "each schema name needs its own column (a pair read twice from one column is "
                "identical)"
            )


def load_split(cfg: DictConfig, split: str) -> Loaded:
    """The `train` or `test` Example records that `cfg` (the dataset group) names."""
    check_dataset(cfg)
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
    if limit is not None:
        loaded.examples = loaded.examples[:limit]
    return loaded


def cross_split_duplicates(train: list[Example], test: list[Example]) -> int:
    """How many test examples are exact copies (prompt, responses, scores) of a train example;
    warns with the count when there are any (the test metrics then partly measure recall)."""
    seen = set(train)
    count = sum(e in seen for e in test)
    if count:
        log.warning(
            "%d test examples (of %d) are also in the train split (exact duplicates); "
            "deduplicate the data for a clean held-out evaluation",
            count,
            len(test),
        )
    return count


def _local_split(cfg: DictConfig, split: str) -> Loaded:
    if split == "test" and cfg.test_path:
        return _parse_file(_existing(cfg.test_path, "dataset.test_path"), cfg)
    loaded = _parse_file(_existing(cfg.path, "dataset.path"), cfg)
    if cfg.test_path:
        return loaded
    return _split_off_test(loaded, cfg, split)


def _parse_file(path: Path, cfg: DictConfig) -> Loaded:
    """A local file's Examples, parsed once per process even when both splits come from it."""
    columns = tuple(sorted(dict(cfg.get("columns") or {}).items()))
    stamp = path.stat().st_mtime_ns
    examples, skipped = _parsed(str(path), stamp, cfg.format, cfg.on_bad_row, columns)
    return Loaded(list(examples), skipped, str(path))


@functools.lru_cache(maxsize=4)
def _parsed(
    path: str, mtime_ns: int, fmt: str, on_bad_row: str, columns: tuple
) -> tuple[tuple[Example, ...], int]:
    cfg = OmegaConf.create({"format": fmt, "on_bad_row": on_bad_row, "columns": dict(columns)})
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
    skipped = loaded.skipped if split == "train" else 0
    return Loaded([loaded.examples[i] for i in chosen], skipped, loaded.source)


def _existing(path: str, key: str) -> Path:
    p = Path(path).expanduser()
    if p.is_dir():
        raise ConfigError(
            f"{key}={path}: is a directory (expected a JSONL, JSON or Parquet file in it)"
        )
    if not p.is_file():
        raise ConfigError(f"{key}={path}: no such file (expected a JSONL, JSON or Parquet file)")
    return p


def _hub_split(cfg: DictConfig, split: str) -> Loaded:
    import datasets
    from huggingface_hub import constants

    if Path(cfg.hub_id).expanduser().is_dir():
        rows, source, whole = local_dir_rows(cfg, split)
        loaded = parse_rows(((f"{source} row {i + 1}", r) for i, r in enumerate(rows)), cfg, source)
        return _split_off_test(loaded, cfg, split) if whole else loaded
    sample = f"dataset={cfg.name}_sample, " if (SAMPLES_DIR / f"{cfg.name}_sample").is_dir() else ""
    offline = (
        f"Offline, use {sample}dataset.path=<local JSONL in the {cfg.format} "
        "raw schema>, or HF_HUB_OFFLINE=1 to read a copy in the Hugging Face cache."
    )
    hub_split = cfg.hub_splits.get(split)
    rows = load_local_or_hub(
        datasets.load_dataset,
        cfg.hub_id,
        f"dataset={cfg.name}: dataset.hub_id",
        offline,
        cfg.hub_config,
        split=hub_split or cfg.hub_splits.train,
        revision=cfg.revision,
        offline={} if constants.HF_HUB_OFFLINE else None,  # datasets reads its cache itself
        errors=(Exception,),  # network, auth, missing dataset: all mean "not loadable here"
    )
    source = f"{cfg.hub_id}[{hub_split or cfg.hub_splits.train}]"
    loaded = parse_rows(((f"{source} row {i + 1}", r) for i, r in enumerate(rows)), cfg, source)
    return loaded if hub_split else _split_off_test(loaded, cfg, split)
