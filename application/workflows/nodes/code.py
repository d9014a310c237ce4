"""code: the author's `main` runs through the CodeRunner port; its dict is checked against `outputs`."""

from application.workflows.nodes.selectors import named_values
from domain.workflows.code_outputs import OutputInvalid, check_outputs
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.sandbox import CodeExecutionFailed, CodeRunner


class CodeExecutor:
    """Rules: the runner gets only this node's declared variables (never the pool, the run or the tenant);
    an unsupported language, a failure in the code or an output that breaks its declared type fails the node.
    """

    def __init__(self, runner: CodeRunner) -> None:
        self._runner = runner

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        language = str(node.data.get("code_language") or "python3")
        if language not in self._runner.languages():
            raise NodeFailed(f"Unsupported code language: {language}")
        inputs = named_values(node.data.get("variables") or [], context.pool)
        try:
            result = await self._runner.run(language, str(node.data.get("code") or ""), inputs)
            outputs = check_outputs(result, node.data.get("outputs") or None)
        except (CodeExecutionFailed, OutputInvalid) as error:
            raise NodeFailed(error.message) from None
        return NodeResult(outputs=outputs, inputs=inputs)
