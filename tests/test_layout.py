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
    "benchmarks": 7,
    "report": 7,
    "reporting": 7,
    "study": 7,
    "iterate": 7,
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


def module_of(path: Path) -> str:
    """`rpo_exp/training/trainer.py` -> `rpo_exp.training.trainer`; a package is its name."""
    return "rpo_exp." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(
        ".__init__"
    )


def import_graph() -> dict[str, set[str]]:
    """Module -> the `rpo_exp` modules it imports, at any depth (function-level imports too);
    `from rpo_exp.data import records` is an edge to `rpo_exp.data.records`."""
    known = {module_of(p) for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rpo_exp"):
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    targets.add(sub if sub in known else node.module)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("rpo_exp.")}
        graph[module_of(path)] = {t for t in targets if t in known} - {module_of(path)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import cycle per strongly connected component of `graph` that has one (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def rooms_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same imports between rooms (`training` -> `data`), a room's own imports left out."""
    out: dict[str, set[str]] = {}
    for module, targets in graph.items():
        if module != "rpo_exp":
            here = room(module)
            out.setdefault(here, set()).update(room(t) for t in targets if room(t) != here)
    return out


def test_no_import_cycles() -> None:
    """No module imports itself back through others, and no room through other rooms: a cycle
    makes import order matter and the rooms inseparable."""
    graph = import_graph()
    found = cycles(graph)
    assert not found, f"import cycles: {[' -> '.join(c) for c in found]}"
    room_cycles = cycles(rooms_graph(graph))
    assert not room_cycles, f"rooms importing each other: {room_cycles}"


def test_cycles_are_found_at_any_depth() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


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


def test_the_tests_mirror_the_rooms() -> None:
    """tests/<room>/ for each room's tests, tests/commands/ for the commands end to end; only
    this file (the package as a whole) stays at the top."""
    tests = Path(__file__).resolve().parent
    rooms = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    folders = {p.name for p in tests.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= rooms | {"commands"}, sorted(folders - rooms - {"commands"})
    assert [p.name for p in tests.glob("test_*.py")] == ["test_layout.py"]
    assert all((tests / f / "__init__.py").is_file() for f in folders)
