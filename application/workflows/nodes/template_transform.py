"""template-transform: a Jinja2 template, rendered in a sandbox with the node's variables → `output`."""

from application.workflows.nodes.selectors import named_values
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.sandbox import TemplateFailed, TemplateRenderer

MAX_OUTPUT_LENGTH = 400_000  # Dify's TEMPLATE_TRANSFORM_MAX_LENGTH


class TemplateTransformExecutor:
    def __init__(self, renderer: TemplateRenderer, max_length: int = MAX_OUTPUT_LENGTH) -> None:
        self._renderer = renderer
        self._max_length = max_length

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        variables = named_values(node.data.get("variables") or [], context.pool)
        try:
            output = await self._renderer.render(str(node.data.get("template") or ""), variables)
        except TemplateFailed as error:
            raise NodeFailed(error.message) from None
        if len(output) > self._max_length:
            raise NodeFailed(f"Output length exceeds {self._max_length} characters")
        return NodeResult(outputs={"output": output}, inputs=variables)
