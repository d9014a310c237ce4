"""A workflow graph (Dify's nodes and edges JSON), parsed and checked before anything runs."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.shared.errors import InvalidParam
from domain.workflows.triggers import TRIGGER_TYPES

ROOT_TYPES = frozenset({"start"})
CONTAINER_STARTS = {"iteration": "iteration-start", "loop": "loop-start"}
IGNORED_NODE_KINDS = frozenset({"custom-note"})


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    type: str
    title: str
    data: Mapping[str, Any]
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    id: str
    source: str
    target: str
    source_handle: str = "source"


class InvalidGraph(InvalidParam):
    """The graph cannot run; `problems` lists every reason, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Invalid workflow graph: " + "; ".join(problems), param="graph")
        self.problems = problems


@dataclass(frozen=True)
class Graph:
    nodes: dict[str, Node]
    edges: tuple[Edge, ...]
    root_id: str
    incoming: dict[str, tuple[Edge, ...]] = field(default_factory=dict)
    outgoing: dict[str, tuple[Edge, ...]] = field(default_factory=dict)
    # Every node a run may start from: the start node, or each trigger node (a run starts from the one that
    # fired; root_id is the first, what a run started without naming one starts from).
    roots: tuple[str, ...] = ()

    def rooted_at(self, node_id: str | None) -> "Graph":
        """The graph a run started by the trigger `node_id` walks: that root and what it reaches (the other
        triggers and what only they reach are not part of the run)."""
        if node_id is None or (node_id == self.root_id and len(self.roots) <= 1):
            return self
        if node_id not in self.roots:
            raise InvalidGraph([f"{node_id} is not a trigger or start node of this workflow"])
        reached = _reachable(self, node_id)
        members = {
            nid: n for nid, n in self.nodes.items() if nid in reached or _top_of(self.nodes, nid) in reached
        }
        edges = tuple(e for e in self.edges if e.source in members and e.target in members)
        return _indexed(members, edges, node_id, (node_id,))

    def children_of(self, container_id: str) -> "Graph":
        """The sub-graph a container (iteration, loop) runs each round, rooted at its *-start node."""
        members = {nid: n for nid, n in self.nodes.items() if n.parent_id == container_id}
        start = next(
            (n.id for n in members.values() if n.type == CONTAINER_STARTS.get(self.nodes[container_id].type)), None
        )
        start = self.nodes[container_id].data.get("start_node_id") or start
        if start not in members:
            raise InvalidGraph([f"{container_id} has no start node among its children"])
        edges = tuple(e for e in self.edges if e.source in members and e.target in members)
        return _indexed(members, edges, start)

    def alone(self, node_id: str) -> "Graph":
        """The graph a node run on its own walks (the editor's single-step run): the node as the root, with
        every node inside it when it is a container (an iteration's or a loop's rounds need them)."""
        members = {node_id: self.nodes[node_id]} | _descendants(self.nodes, node_id)
        edges = tuple(e for e in self.edges if e.source in members and e.target in members and e.target != node_id)
        return _indexed(members, edges, node_id)


def _descendants(nodes: Mapping[str, Node], container_id: str) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for nid, node in nodes.items():
        if node.parent_id == container_id:
            found[nid] = node
            found |= _descendants(nodes, nid)
    return found


def _top_of(nodes: Mapping[str, Node], node_id: str) -> str:
    """The top-level node a node is inside (itself when it is top-level)."""
    while (parent := nodes[node_id].parent_id) is not None and parent in nodes:
        node_id = parent
    return node_id


def _indexed(nodes: dict[str, Node], edges: tuple[Edge, ...], root_id: str, roots: tuple[str, ...] = ()) -> Graph:
    incoming: dict[str, list[Edge]] = {nid: [] for nid in nodes}
    outgoing: dict[str, list[Edge]] = {nid: [] for nid in nodes}
    for edge in edges:
        incoming[edge.target].append(edge)
        outgoing[edge.source].append(edge)
    return Graph(
        nodes=nodes,
        edges=edges,
        root_id=root_id,
        incoming={k: tuple(v) for k, v in incoming.items()},
        outgoing={k: tuple(v) for k, v in outgoing.items()},
        roots=roots or (root_id,),
    )


def parse_graph(raw: Mapping[str, Any], root_types: frozenset[str] = ROOT_TYPES) -> Graph:
    """Parses Dify's graph JSON; raises InvalidGraph with every problem found (dangling edges, no or several
    start nodes, a start node beside triggers, unreachable nodes, duplicate ids). A graph without a start node
    may have trigger nodes instead (Dify 1.10+): each is a root."""
    nodes, edges, problems = _parts(raw)
    top = {nid: n for nid, n in nodes.items() if n.parent_id is None}
    starts = [n.id for n in top.values() if n.type in root_types]
    triggers = [n.id for n in top.values() if n.type in TRIGGER_TYPES]
    if starts and triggers:
        problems.append("a start node and trigger nodes cannot be in the same workflow")
    elif len(starts) > 1 or not (starts or triggers):
        problems.append(f"a workflow needs exactly one start node (or trigger nodes), found {len(starts)}")
    if problems:
        raise InvalidGraph(problems)
    roots = tuple(starts or triggers)
    graph = _indexed(nodes, tuple(edges), roots[0], roots)
    reached: set[str] = set()
    for root in roots:
        reached |= _reachable(graph, root)
    unreachable = set(top) - reached
    if unreachable:
        raise InvalidGraph([f"nodes not reachable from the start: {', '.join(sorted(unreachable))}"])
    return graph


def node_alone(raw: Mapping[str, Any], node_id: str) -> Graph | None:
    """The graph a node of a draft runs alone on (Graph.alone), or None when the graph has no such node. The
    rest of the draft may be unfinished (no start node, nodes not connected yet): a node runs without it."""
    nodes, edges, _ = _parts(raw)
    if node_id not in nodes:
        return None
    return _indexed(nodes, tuple(edges), node_id).alone(node_id)


def _parts(raw: Mapping[str, Any]) -> tuple[dict[str, Node], list[Edge], list[str]]:
    """The nodes and the edges between them, and what is wrong with them (edges to missing nodes left out)."""
    problems: list[str] = []
    nodes: dict[str, Node] = {}
    for item in raw.get("nodes") or []:
        if item.get("type") in IGNORED_NODE_KINDS:
            continue
        data = item.get("data") or {}
        node_id = str(item.get("id") or "")
        if not node_id or not data.get("type"):
            problems.append("every node needs an id and data.type")
            continue
        if node_id in nodes:
            problems.append(f"duplicate node id {node_id}")
        parent = item.get("parentId") or data.get("iteration_id") or data.get("loop_id")
        nodes[node_id] = Node(node_id, str(data["type"]), str(data.get("title") or node_id), data, parent or None)
    edges = []
    for item in raw.get("edges") or []:
        source, target = str(item.get("source")), str(item.get("target"))
        if source not in nodes or target not in nodes:
            problems.append(f"edge {item.get('id') or source + '->' + target} points at a missing node")
            continue
        edges.append(
            Edge(str(item.get("id") or f"{source}-{target}"), source, target, str(item.get("sourceHandle") or "source"))
        )
    return nodes, edges, problems


def _reachable(graph: Graph, root: str) -> set[str]:
    seen, stack = {root}, [root]
    while stack:
        for edge in graph.outgoing.get(stack.pop(), ()):
            if edge.target not in seen:
                seen.add(edge.target)
                stack.append(edge.target)
    return seen
