from collections import OrderedDict
from uuid import UUID

from domain.workflows.entities import Workflow
from domain.workflows.graph import Graph, parse_graph

MAX_GRAPHS = 256


class ParsedGraphs:
    """Workflow graphs parsed once per version: a published version never changes, and a draft is parsed
    again whenever it was saved since (the key includes its updated_at). The least recently used go first."""

    def __init__(self, size: int = MAX_GRAPHS) -> None:
        self._size = size
        self._graphs: OrderedDict[tuple[UUID, object, str | None], Graph] = OrderedDict()

    def of(self, workflow: Workflow, root_node_id: str | None = None) -> Graph:
        """The graph, or what a run started by the trigger `root_node_id` walks (Graph.rooted_at)."""
        key = (workflow.id, workflow.updated_at, root_node_id)
        graph = self._graphs.get(key)
        if graph is None:
            # raises InvalidGraph: nothing is remembered then
            graph = parse_graph(workflow.graph).rooted_at(root_node_id)
            self._graphs[key] = graph
            if len(self._graphs) > self._size:
                self._graphs.popitem(last=False)
        else:
            self._graphs.move_to_end(key)
        return graph
