"""The package's rooms import downward only, and the package holds code, not sample text."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

from rpo_exp.config.schema import BASES, GROUPS, base_node

PACKAGE = Path(__file__).resolve().parents[1] / "rpo_exp"
# Lowest first; a module may import from its own floor or below, never above.
FLOORS = {
    "common": 0,
    "losses": 0,
    "data": 1,
    "modeling": 2,
    "training": 3,
    "config": 4,
    "evaluation": 5,
    "train": 6,
    "evaluate": 6,
    "onpolicy": 6,
    "preview": 6,
    "bench": 7,
    "bench_paper": 7,
    "report": 7,
    "study": 7,
}


def room(module: str) -> str:
    """`rpo_exp.training.trainer` -> `training`; `rpo_exp.train` -> `train`."""
    return module.split(".")[1]


def imports(path: Path) -> list[str]:
    """Every `rpo_exp.*` module that `path` imports, at any depth of the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "rpo_exp":
            found += [f"rpo_exp.{a.name}" for a in node.names if a.name != "__version__"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rpo_exp."):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("rpo_exp.")]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_down_only(path: Path) -> None:
    module = "rpo_exp." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    here = room(module)
    assert here in FLOORS, f"{module}: a room not in FLOORS (add it at its floor)"
    upward = [m for m in imports(path) if FLOORS[room(m)] > FLOORS[here]]
    assert not upward, f"{module} (floor {FLOORS[here]}) imports from above: {upward}"


def test_no_sample_text_in_the_package() -> None:
    big = [p for p in PACKAGE.rglob("*.py") if len(p.read_text().splitlines()) > 800]
    assert not big, f"modules over 800 lines (sample text belongs in scripts/samples/): {big}"
    assert list((PACKAGE / "data" / "samples").rglob("*.jsonl")), "the shipped samples are gone"


def test_the_project_cites_only_what_users_have() -> None:
    """Docs and docstrings cite the papers and docs/method.md, never an internal spec or issue."""
    root = PACKAGE.parent
    cited = re.compile(r"\bSPEC\b|[Ii]ssue #?[0-9]")
    skip = {".venv", ".git", "outputs", "multirun", "node_modules"}
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*")
        if path.suffix in {".py", ".md", ".yaml", ".ipynb", ".toml", ".sh", ".cfg"}
        and not skip & set(path.relative_to(root).parts)
        and path.is_file()
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if cited.search(line)
    ]
    assert not found, f"cites what users do not have: {found[:10]}"
    assert (root / "docs" / "method.md").is_file()


CONF = PACKAGE.parent / "conf"
TYPED_YAMLS = sorted(p for g in BASES if (CONF / g).is_dir() for p in (CONF / g).glob("*.yaml"))


def same(a: Any, b: Any) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def inherited(path: Path) -> dict[str, Any]:
    """What the defaults list of the group YAML `path` gives before its own keys: the schema's
    base (`/base/<group>@_here_`, or `@key` for a nested one) and the same-group YAMLs it
    extends."""
    out: dict[str, Any] = {}
    for entry in OmegaConf.to_container(OmegaConf.load(path)).get("defaults", []):
        if not isinstance(entry, str) or entry == "_self_":
            continue  # a group choice (`prompts: paper`) fills a key, it sets no default
        name, _, at = entry.partition("@")
        if name.startswith("/base/"):
            node = OmegaConf.to_container(base_node(BASES[name.removeprefix("/base/")]))
            out |= node if at in ("", "_here_") else {at: node}
        else:
            out |= given(path.parent / f"{name}.yaml")
    return out


def given(path: Path) -> dict[str, Any]:
    own = OmegaConf.to_container(OmegaConf.load(path))
    return inherited(path) | {k: v for k, v in own.items() if k != "defaults"}


@pytest.mark.parametrize("path", TYPED_YAMLS, ids=lambda p: str(p.relative_to(CONF)))
def test_a_group_yaml_sets_only_what_differs_from_its_base(path: Path) -> None:
    """Every default is given once: in the schema (`rpo_exp/config/schema.py`), or in the YAML
    a YAML extends; a group YAML extends its base and sets only what differs (its `name` names
    the option)."""
    base = inherited(path)
    if path.parent.name in GROUPS:
        assert base, f"{path.name}: its defaults list extends no base (/base/<group>@_here_)"
    own = OmegaConf.to_container(OmegaConf.load(path))
    keys = [k for k in own if k not in ("defaults", "name") and k in base]
    again = [k for k in keys if same(own[k], base[k])]
    assert not again, f"{path}: repeats its base's {again}"


@pytest.mark.parametrize("config", ["onpolicy.yaml", "study.yaml", "evaluate.yaml", "config.yaml"])
def test_a_commands_yaml_sets_only_what_differs_from_the_schema(config: str) -> None:
    own = OmegaConf.to_container(OmegaConf.load(CONF / config))
    for group, node in own.items():
        if group in GROUPS and isinstance(node, dict):
            base = OmegaConf.to_container(base_node(GROUPS[group]))
            again = [k for k, v in node.items() if k in base and same(v, base[k])]
            assert not again, f"{config}: {group}.{again} repeat the schema's defaults"
