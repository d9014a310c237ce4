"""assigner (variable assigner v1 and v2): writes conversation or loop variables through `variable_updates`."""

import json
from collections.abc import Mapping
from typing import Any

from application.workflows.nodes.assigner_operations import (
    NUMBER_OPERATIONS,
    AssignmentRefused,
    apply,
    kind_of,
    supported,
    valid_value,
)
from application.workflows.nodes.selectors import selector
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.variables import VariablePool

V1_OPERATIONS = {"over-write": "over-write", "append": "append", "clear": "clear"}


def items_of(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """v2 `items`; v1's single assignment (`assigned_variable_selector`, `write_mode`, input selector) as one."""
    if str(data.get("version", "1")) == "2" or data.get("items") is not None:
        return list(data.get("items") or [])
    return [
        {
            "variable_selector": data.get("assigned_variable_selector"),
            "operation": V1_OPERATIONS.get(str(data.get("write_mode")), str(data.get("write_mode"))),
            "input_type": "variable",
            "value": data.get("input_variable_selector"),
        }
    ]


class AssignerExecutor:
    """Rules (Dify's): the target must exist; the operation must suit its type (numbers: += -= *= /=;
    arrays: append, extend, remove-first, remove-last; all: over-write, clear; set for scalars and objects);
    arithmetic and set take constants only; a value of the wrong type, or a division by zero, is refused;
    a variable input that is unset skips the item. Items apply in order, each seeing the previous writes."""

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        written: dict[tuple[str, ...], Any] = {}
        try:
            for item in items_of(node.data):
                self._assign(item, context.pool, written)
        except AssignmentRefused as error:
            raise NodeFailed(error.message) from None
        return NodeResult(
            inputs={"items": [dict(item) for item in items_of(node.data)]},
            process_data={".".join(path): value for path, value in written.items()},
            variable_updates=tuple(written.items()),
        )

    @staticmethod
    def _assign(item: Mapping[str, Any], pool: VariablePool, written: dict[tuple[str, ...], Any]) -> None:
        target = tuple(selector(item.get("variable_selector")))
        if target not in written and not pool.has(target):
            raise AssignmentRefused(f"Variable {list(target)} not found")
        current = written[target] if target in written else pool.get(target)
        kind, operation = kind_of(current), str(item.get("operation", ""))
        if not supported(kind, operation):
            raise AssignmentRefused(f"Operation {operation} is not supported for type {kind}")
        value = item.get("value")
        if item.get("input_type", "variable") == "variable" and operation not in (
            "clear",
            "remove-first",
            "remove-last",
        ):
            if operation in NUMBER_OPERATIONS or operation == "set":
                raise AssignmentRefused(f"Input type variable is not supported for operation {operation}")
            source = selector(value)
            if not pool.has(source):
                raise AssignmentRefused(f"Variable {source} not found")
            value = pool.get(source)
            if value is None:
                return
        if operation == "set" and kind == "object" and isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise AssignmentRefused(f"Invalid input value {value}") from None
        if not valid_value(kind, operation, value):
            raise AssignmentRefused(f"Invalid input value {value}")
        written[target] = apply(kind, operation, current, value)
