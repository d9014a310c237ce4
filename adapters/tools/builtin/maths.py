"""The `maths` builtin: eval_expression through weir's own allow-list evaluator (domain.tools.arithmetic)."""

from collections.abc import Mapping
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from domain.tools.arithmetic import ExpressionError, evaluate
from domain.tools.entities import Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError


async def eval_expression(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    expression = str(parameters.get("expression") or "")
    try:
        value = evaluate(expression)
    except ExpressionError as error:
        raise ToolInvokeError(f"Invalid expression {expression!r}: {error}") from None
    return [ToolMessage.of_text(str(value))]


def maths_provider() -> BuiltinProvider:
    return BuiltinProvider(
        ToolProviderInfo(
            id="maths",
            type="builtin",
            name="maths",
            label="Maths",
            plugin_id="langgenius/maths",
            description="A tool for maths.",
        ),
        [
            BuiltinTool(
                Tool(
                    "eval_expression",
                    "Evaluate Math Expression",
                    "Evaluates an arithmetic expression.",
                    (param("expression", required=True, description="The expression, e.g. 2 * (3 + 4) or sqrt(2)"),),
                ),
                eval_expression,
            )
        ],
    )
