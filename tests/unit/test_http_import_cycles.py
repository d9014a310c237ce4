"""No import cycle between modules of entrypoints.http, a package's __init__ included.

import-linter's acyclic_siblings contract (pyproject.toml) sees cycles between sibling modules and packages,
but not one through a package's own __init__: this test walks the module graph itself and names every cycle.
As in Python, a module depends on the package it is in (importing it runs the package's __init__ first), so
a package whose __init__ imports one of its own modules is a cycle too.
"""

from collections import deque
from itertools import pairwise

import grimp

PACKAGE = "entrypoints.http"


def dependencies(graph: grimp.ImportGraph, package: str) -> dict[str, set[str]]:
    """For each module of the package, the modules of the package it imports, and the package it is in."""
    modules = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    return {m: (graph.find_modules_directly_imported_by(m) | {m.rpartition(".")[0]}) & modules for m in modules}


def _cycle_through(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """The shortest chain of dependencies from start back to start, if there is one."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for imported in sorted(edges[module]):
            if imported == start:
                chain = [module]
                while chain[-1] != start:
                    chain.append(came_from[chain[-1]])
                return [start, *reversed(chain[:-1]), start]
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    return None


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle for each group of modules that depend on one another."""
    cycles: list[list[str]] = []
    seen: set[str] = set()
    for module in sorted(edges):
        if module not in seen and (cycle := _cycle_through(module, edges)):
            cycles.append(cycle)
            seen.update(cycle)
    return cycles


def render(cycle: list[str], graph: grimp.ImportGraph) -> str:
    """`a -> b` where a imports b, `a (is inside) b` where a depends on b by being in package b."""
    text = cycle[0]
    for importer, imported in pairwise(cycle):
        arrow = "->" if graph.direct_import_exists(importer=importer, imported=imported) else "(is inside)"
        text += f" {arrow} {imported}"
    return text


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported)
    return graph


def test_the_cycle_finder_names_each_cycle_and_passes_a_one_way_graph():
    through_siblings = _graph(("p.routes", "p.auth"), ("p.auth", "p.errors"), ("p.errors", "p.routes"))
    graph_cycles = find_cycles(dependencies(through_siblings, "p"))
    assert [render(c, through_siblings) for c in graph_cycles] == ["p.auth -> p.errors -> p.routes -> p.auth"]
    through_init = _graph(("p", "p.routes"), ("p.other", "p.routes"))
    assert [render(c, through_init) for c in find_cycles(dependencies(through_init, "p"))] == [
        "p -> p.routes (is inside) p"
    ]
    one_way = _graph(("p.routes", "p.auth"), ("p.auth", "p.errors"), ("p.sub.routes", "p.errors"))
    assert find_cycles(dependencies(one_way, "p")) == []


def test_entrypoints_http_has_no_import_cycle():
    graph = grimp.build_graph("entrypoints", cache_dir=None)
    cycles = find_cycles(dependencies(graph, PACKAGE))
    assert not cycles, "import cycles in entrypoints.http:\n" + "\n".join(render(c, graph) for c in cycles)
