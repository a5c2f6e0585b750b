"""The layout of README.md "Layout": imports point one way, and no module imports itself back.

Read from the source with `ast`, so an import inside a function counts as much as one at the
top of a module (HOUSE_STYLE.md: a lazy import is still a cycle). No database, no Django.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: an app may import those before it, never those after it (README, Layout).
ORDER = ("common", "mail", "contracts", "sla", "notices", "cases", "portal")
RANK = {"common": 0, "mail": 1, "contracts": 2, "sla": 3, "notices": 4, "cases": 4, "portal": 5}
SIBLINGS = {frozenset({"cases", "notices"})}


@cache
def modules() -> dict[str, Path]:
    """Return every module of the project's apps by dotted name (migrations left out)."""
    found = {}
    for app in ORDER:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imported(name: str, path: Path, tree: ast.AST) -> set[str]:
    """Return the project modules one module imports, wherever in it the import stands."""
    known = modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
            candidates = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in known and "." in candidate:
                candidate = candidate.rpartition(".")[0]
            if candidate in known and candidate != name:
                targets.add(candidate)
    return targets


@cache
def graph() -> dict[str, frozenset[str]]:
    """Return, for each module, the project modules it imports."""
    return {
        name: frozenset(_imported(name, path, ast.parse(path.read_text(), str(path))))
        for name, path in modules().items()
    }


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_checker_sees_a_cycle_through_a_lazy_import(tmp_path):
    edges = {"a.services": frozenset({"a.tasks"}), "a.tasks": frozenset({"a.services"})}
    assert cycles(edges) == [["a.services", "a.tasks"]]
    assert cycles({"a": frozenset({"b"}), "b": frozenset()}) == []
    lazy = ast.parse("def f():\n    from mail.services.outbox import outbox_enqueue\n")
    assert _imported("contracts.x", ROOT / "contracts" / "x.py", lazy) == {"mail.services.outbox"}


def test_no_module_imports_itself_back_lazy_imports_included():
    assert cycles(graph()) == []


def test_imports_point_down_the_app_order():
    upward = defaultdict(list)
    for source, targets in graph().items():
        here = source.partition(".")[0]
        for target in targets:
            there = target.partition(".")[0]
            if there == here:
                continue
            if RANK[there] >= RANK[here] or frozenset({here, there}) in SIBLINGS:
                upward[source].append(target)
    assert dict(upward) == {}


def test_the_mail_app_imports_no_other_app():
    outside = {
        (source, target)
        for source, targets in graph().items()
        if source.startswith("mail")
        for target in targets
        if not target.startswith(("mail", "common"))
    }
    assert outside == set()


def test_common_imports_no_app():
    outside = {
        (source, target)
        for source, targets in graph().items()
        if source.startswith("common")
        for target in targets
        if not target.startswith("common")
    }
    assert outside == set()


def test_the_business_time_engine_imports_no_django_model():
    for path in (ROOT / "sla" / "businesstime").rglob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {
            node.module or ""
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and not node.level
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        outside = {name for name in imported if name.startswith(("django", *ORDER))}
        assert {name for name in outside if not name.startswith("sla.businesstime")} == set(), path


@pytest.mark.parametrize(
    "stray",
    [
        "contracts/services/outbox.py",
        "contracts/models/outbox.py",
        "contracts/models/notices.py",
        "contracts/admin/notices.py",
        "contracts/selectors_notices.py",
        "portal/views_updates.py",
        "portal/selectors_cases.py",
        "portal/forms_cases.py",
        "control",
    ],
)
def test_each_thing_lives_in_one_place(stray):
    assert not (ROOT / stray).exists()


def test_no_app_keeps_a_suffixed_module_beside_a_package_of_the_same_kind():
    for app in ORDER:
        for package in (ROOT / app).iterdir():
            if package.is_dir() and (package / "__init__.py").exists():
                assert not list((ROOT / app).glob(f"{package.name}_*.py")), package
