"""list-operator: filter, extract, order and limit an array (Dify's order of steps) → result and ends."""

from collections.abc import Mapping
from typing import Any

from application.workflows.nodes.selectors import render_value, selector
from domain.files.workflow_files import file_attribute
from domain.shared.errors import InvalidParam
from domain.workflows.conditions import compare
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.variables import VariablePool


def _field(item: Any, key: str | None) -> Any:
    """Objects (files included) are compared and ordered by `key`; scalars by themselves."""
    if key and isinstance(item, Mapping):
        return file_attribute(item, key)
    return item


def _filtered(items: list[Any], conditions: list[Mapping[str, Any]], pool: VariablePool) -> list[Any]:
    for condition in conditions:
        operator, key = str(condition.get("comparison_operator", "")), condition.get("key") or None
        expected = render_value(condition.get("value"), pool)
        items = [item for item in items if compare(operator, _field(item, key), expected)]
    return items


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (2, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value))


class ListOperatorExecutor:
    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        data, pool = node.data, context.pool
        path = selector(data.get("variable"))
        if not pool.has(path):
            raise NodeFailed(f"Variable not found for selector: {path}")
        value = pool.get(path)
        if not value:
            return NodeResult(
                outputs={"result": [], "first_record": None, "last_record": None}, inputs={"variable": []}
            )
        if not isinstance(value, list):
            raise NodeFailed(f"Variable {path} is not an array")
        items = list(value)
        try:
            items = self._apply(items, data, pool)
        except InvalidParam as error:
            raise NodeFailed(error.message) from None
        return NodeResult(
            outputs={
                "result": items,
                "first_record": items[0] if items else None,
                "last_record": items[-1] if items else None,
            },
            inputs={"variable": value},
        )

    @staticmethod
    def _apply(items: list[Any], data: Mapping[str, Any], pool: VariablePool) -> list[Any]:
        filter_by, extract_by = data.get("filter_by") or {}, data.get("extract_by") or {}
        order_by, limit = data.get("order_by") or {}, data.get("limit") or {}
        if filter_by.get("enabled"):
            items = _filtered(items, filter_by.get("conditions") or [], pool)
        if extract_by.get("enabled"):
            try:
                serial = int(pool.render(str(extract_by.get("serial") or "1")))
            except ValueError:
                raise NodeFailed(f"Invalid serial index: {extract_by.get('serial')}") from None
            if serial < 1 or serial > len(items):
                raise NodeFailed(f"Invalid serial index: must be between 1 and {len(items)}, got {serial}")
            items = [items[serial - 1]]
        if order_by.get("enabled"):
            key = order_by.get("key") or None
            items = sorted(items, key=lambda i: _sort_key(_field(i, key)), reverse=order_by.get("value") == "desc")
        if limit.get("enabled"):
            items = items[: max(int(limit.get("size") or 0), 0)]
        return items
