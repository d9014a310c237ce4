"""In which order answer text streams: template order, LLM chunks forwarded live, branches respected."""

from uuid import UUID

from domain.workflows import run_events as ev
from domain.workflows.engine import GraphEngine
from domain.workflows.graph import parse_graph
from domain.workflows.nodes import NodeResult, RunContext
from domain.workflows.variables import VariablePool
from tests.fakes import FixedClock, SequentialIds
from tests.workflow_fakes import graph

RUN = RunContext(UUID(int=1), UUID(int=2), UUID(int=3), UUID(int=4), "u")


class FakeNodes:
    def for_type(self, node_type):
        return self

    async def run(self, node, context) -> NodeResult:
        if node.type == "llm":
            text = ""
            for piece in node.data["pieces"]:
                await context.stream(piece)
                text += piece
            return NodeResult(outputs={"text": text})
        if node.type == "branch":
            return NodeResult(edge_handle=node.data["handle"])
        if node.type == "answer":
            return NodeResult(outputs={"answer": context.pool.render(node.data["answer"])})
        return NodeResult(outputs={"value": node.data.get("value", "")})


async def chunks(raw, inputs=None) -> tuple[list[str], str]:
    engine = GraphEngine(parse_graph(raw), FakeNodes(), RUN, VariablePool(), FixedClock(), SequentialIds())
    events = [e async for e in engine.run(inputs or {})]
    return [e.text for e in events if isinstance(e, ev.TextChunk)], events[-1].answer


async def test_answer_text_and_llm_chunks_stream_in_template_order():
    raw = graph(
        {"s": {"type": "start"}, "llm": {"type": "llm", "pieces": ["Hel", "lo"]},
         "a": {"type": "answer", "answer": "Bot: {{#llm.text#}} (from {{#s.name#}})"}},
        [("s", "llm"), ("llm", "a")],
    )
    texts, answer = await chunks(raw, {"name": "weir"})
    assert texts == ["Bot: ", "Hel", "lo", " (from ", "weir", ")"]
    assert "".join(texts) == answer == "Bot: Hello (from weir)"


async def test_a_skipped_answer_never_streams():
    raw = graph(
        {"s": {"type": "start"}, "if": {"type": "branch", "handle": "false"},
         "yes": {"type": "answer", "answer": "YES"}, "no": {"type": "answer", "answer": "NO"}},
        [("s", "if"), ("if", "yes", "true"), ("if", "no", "false")],
    )
    texts, answer = await chunks(raw)
    assert texts == ["NO"] and answer == "NO"


async def test_an_llm_behind_a_pending_branch_is_not_streamed_early():
    raw = graph(
        {"s": {"type": "start"}, "llm": {"type": "llm", "pieces": ["a", "b"]}, "if": {"type": "branch", "handle": "true"},
         "ans": {"type": "answer", "answer": "{{#llm.text#}}!"}},
        [("s", "llm"), ("llm", "if"), ("if", "ans", "true")],
    )
    texts, answer = await chunks(raw)
    assert "".join(texts) == answer == "ab!"
