"""End (a workflow's outputs) and Answer (a chatflow's reply): both read the pool, neither calls out."""

from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeResult


class EndExecutor:
    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        outputs = {
            str(o.get("variable")): context.pool.get(list(o.get("value_selector") or []))
            for o in node.data.get("outputs") or []
            if o.get("variable")
        }
        return NodeResult(outputs=outputs, inputs=outputs)


class AnswerExecutor:
    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        answer = context.pool.render(str(node.data.get("answer") or ""))
        return NodeResult(outputs={"answer": answer, "files": []})
