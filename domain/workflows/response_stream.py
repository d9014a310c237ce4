"""In which order Answer and End text reaches the client while a run is still going (Dify's response
coordinator, simplified).

An Answer node's template is a list of segments, text and variable references. Once the node is sure to
run (every branching node above it has decided and it was not skipped), its segments are sent in order:
text at once; a variable as soon as its node has finished; an LLM's `text` chunk by chunk while that LLM
streams. An End node streams only the LLM texts among its outputs, in order. Whatever a response node
did not stream is sent when it runs.
"""

from dataclasses import dataclass, field

from domain.workflows.graph import Graph
from domain.workflows.run_events import TextChunk
from domain.workflows.variables import REFERENCE, VariablePool, as_text

BRANCHING = frozenset({"if-else", "question-classifier"})
STREAMING_NODES = frozenset({"llm"})


@dataclass
class _Response:
    node_id: str
    segments: list[str | tuple[str, ...]]
    position: int = 0
    streaming_from: str | None = None  # the LLM node whose chunks are being forwarded right now
    done: bool = False


@dataclass
class ResponseCoordinator:
    graph: Graph
    _responses: list[_Response] = field(default_factory=list)
    _ancestors: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node_id in _topological(self.graph):
            node = self.graph.nodes[node_id]
            if node.type == "answer":
                self._responses.append(_Response(node_id, _answer_segments(str(node.data.get("answer", "")))))
            elif node.type == "end":
                selectors = [tuple(o.get("value_selector") or ()) for o in node.data.get("outputs") or []]
                streamed = [s for s in selectors if len(s) == 2 and s[1] == "text" and self._is_llm(s[0])]
                self._responses.append(_Response(node_id, list(streamed)))
            self._ancestors[node_id] = _ancestors(self.graph, node_id)

    def state(self) -> tuple[tuple[int, int], ...]:
        """How far each response has streamed, (position, done), to go on after a pause."""
        return tuple((r.position, int(r.done)) for r in self._responses)

    def restore(self, state: tuple[tuple[int, ...], ...]) -> None:
        for response, (position, done) in zip(self._responses, state, strict=False):
            response.position, response.done = position, bool(done)

    def _is_llm(self, node_id: str) -> bool:
        return node_id in self.graph.nodes and self.graph.nodes[node_id].type in STREAMING_NODES

    def _active(self, response: _Response, finished: set[str], skipped: set[str]) -> bool:
        if response.done or response.node_id in skipped:
            return False
        branches = {a for a in self._ancestors[response.node_id] if self._branches(a)}
        return branches <= (finished | skipped)

    def _branches(self, node_id: str) -> bool:
        node = self.graph.nodes[node_id]
        handles = {e.source_handle for e in self.graph.outgoing.get(node_id, ())}
        return node.type in BRANCHING or node.data.get("error_strategy") == "fail-branch" or len(handles) > 1

    def advance(self, pool: VariablePool, finished: set[str], skipped: set[str]) -> list[TextChunk]:
        """Sends what has become sendable after a node finished or was skipped."""
        chunks: list[TextChunk] = []
        for response in self._responses:
            if response.node_id in skipped:
                response.done = True  # a skipped answer says nothing; the next one may speak
            if not self._active(response, finished, skipped):
                if not response.done:
                    break  # keep graph order: a later response waits for an earlier one
                continue
            chunks += self._pump(response, pool, finished, final=response.node_id in finished)
            if not response.done:
                break
        return chunks

    def on_chunk(self, node_id: str, text: str, finished: set[str], skipped: set[str]) -> list[TextChunk]:
        for response in self._responses:
            if response.done or response.node_id in skipped:
                continue
            if not self._active(response, finished, skipped):
                return []
            segment = response.segments[response.position] if response.position < len(response.segments) else None
            if segment == (node_id, "text"):
                response.streaming_from = node_id
                return [TextChunk(text, (node_id, "text"))]
            return []
        return []

    def _pump(self, response: _Response, pool: VariablePool, finished: set[str], final: bool) -> list[TextChunk]:
        chunks = []
        while response.position < len(response.segments):
            segment = response.segments[response.position]
            if isinstance(segment, str):
                if segment and response.node_id in self._answer_ids():
                    chunks.append(TextChunk(segment, (response.node_id, "answer")))
                response.position += 1
                continue
            owner = segment[0]
            # sys and env never change during a run; conversation variables may (assigner), so they wait.
            if owner not in finished and owner not in ("sys", "env") and not final:
                break
            if response.streaming_from != owner:
                value = as_text(pool.get(list(segment)))
                if value:
                    chunks.append(TextChunk(value, segment))
            response.streaming_from = None
            response.position += 1
        if response.position >= len(response.segments) and final:
            response.done = True
        return chunks

    def _answer_ids(self) -> set[str]:
        return {r.node_id for r in self._responses if self.graph.nodes[r.node_id].type == "answer"}


def _answer_segments(template: str) -> list[str | tuple[str, ...]]:
    segments: list[str | tuple[str, ...]] = []
    last = 0
    for match in REFERENCE.finditer(template):
        segments.append(template[last : match.start()])
        segments.append(tuple(match.group(1).split(".")))
        last = match.end()
    segments.append(template[last:])
    return [s for s in segments if s != ""]


def _ancestors(graph: Graph, node_id: str) -> set[str]:
    seen: set[str] = set()
    stack = [e.source for e in graph.incoming.get(node_id, ())]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack += [e.source for e in graph.incoming.get(current, ())]
    return seen


def _topological(graph: Graph) -> list[str]:
    order, seen = [], set()

    def visit(node_id: str) -> None:
        if node_id in seen:
            return
        seen.add(node_id)
        for edge in graph.incoming.get(node_id, ()):
            visit(edge.source)
        order.append(node_id)

    for node_id in sorted(graph.nodes, key=lambda n: n != graph.root_id):
        visit(node_id)
    return [n for n in order if graph.nodes[n].parent_id is None]
