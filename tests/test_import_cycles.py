"""No import cycles anywhere in tuinet/: every module can be read (and imported) after the ones it imports.

The graph is grimp's (import-linter's own engine), with the imports under ``if TYPE_CHECKING:`` counted too: a
cycle a type checker walks is still a cycle a reader walks.
"""

from __future__ import annotations

import grimp


def tuinet_imports() -> dict[str, list[str]]:
    graph = grimp.build_graph("tuinet", cache_dir=None)
    return {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}


def cycles(imports: dict[str, list[str]]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in imports:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, edge = work.pop()
            if edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = imports.get(node, [])
            if edge < len(targets):
                work.append((node, edge + 1))
                target = targets[edge]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(frozenset(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_no_import_cycles() -> None:
    """A cycle anywhere fails here (the last one, app.py ↔ follow.py, went when follow.py began posting messages
    to a ClassroomHost protocol, issue 14)."""
    assert [sorted(c) for c in cycles(tuinet_imports())] == []


def test_the_cycle_finder_finds_cycles() -> None:
    """The finder itself: two loops, and modules leading into them that are in none."""
    imports = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": ["a"]}
    assert sorted(map(sorted, cycles(imports))) == [["a", "b", "c"], ["d", "e"]]
    assert cycles({"a": ["b"], "b": [], "c": ["a", "b"]}) == []
