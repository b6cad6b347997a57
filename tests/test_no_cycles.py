"""No import cycle in `workbench/`, counting imports inside functions and under
``if TYPE_CHECKING:``: features take the project's read-only view (`ProjectData`),
never `Project`, so nothing below `project.py` can reach back up to it.

grimp (the graph import-linter checks its contracts on) builds the import graph; the
cycles are its strongly connected components of more than one module."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Set
from pathlib import Path

import grimp
import pytest


def cycles(graph: Mapping[str, Set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
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
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    graph = grimp.build_graph(package, exclude_type_checking_imports=False, cache_dir=None)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def test_workbench_has_no_import_cycle() -> None:
    graph = import_graph("workbench")
    assert len(graph) > 150  # the whole package was read (174 modules in December 2026)
    assert cycles(graph) == []


@pytest.mark.parametrize("typing_only", [False, True])
def test_a_cycle_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          typing_only: bool) -> None:
    """The check can fail: a lower module importing a higher one that imports it back,
    at run time or only for type hints, is a cycle; without that import there is none."""
    package = tmp_path / "cyclepkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "high.py").write_text("from cyclepkg import low\n", encoding="utf-8")
    back = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cyclepkg import high\n"
            if typing_only else "def later():\n    from cyclepkg import high\n")
    (package / "low.py").write_text(back, encoding="utf-8")
    (package / "side.py").write_text("from cyclepkg import low\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cycles(import_graph("cyclepkg")) == [["cyclepkg.high", "cyclepkg.low"]]
    (package / "low.py").write_text("", encoding="utf-8")
    sys.modules.pop("cyclepkg", None)
    assert cycles(import_graph("cyclepkg")) == []
