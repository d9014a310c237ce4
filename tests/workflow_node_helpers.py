"""Building nodes and contexts for node executor tests."""

from typing import Any
from uuid import uuid4

from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, RunContext
from domain.workflows.variables import VariablePool


def node(node_type: str, **data: Any) -> Node:
    return Node(id="n1", type=node_type, title=node_type, data={"type": node_type, **data})


def context(pool: VariablePool | None = None, streamed: list[str] | None = None) -> NodeContext:
    sink = streamed if streamed is not None else []

    async def stream(delta: str) -> None:
        sink.append(delta)

    run = RunContext(tenant_id=uuid4(), app_id=uuid4(), workflow_id=uuid4(), run_id=uuid4(), user_id="u1")
    return NodeContext(run=run, pool=pool or VariablePool(), stream=stream)
