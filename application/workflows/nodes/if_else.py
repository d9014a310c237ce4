"""if-else: the first case whose conditions hold picks the outgoing edge; none → the "false" edge."""

from collections.abc import Mapping
from typing import Any

from application.workflows.nodes.selectors import render_value, selector
from domain.files.workflow_files import file_attribute
from domain.shared.errors import InvalidParam
from domain.workflows.conditions import all_or_any, compare
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.variables import VariablePool

ELSE_HANDLE = "false"
LEGACY_CASE_ID = "true"


def cases_of(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Dify's `cases`, or the legacy top-level `conditions` as one case with id "true"."""
    if data.get("cases"):
        return list(data["cases"])
    if data.get("conditions"):
        return [
            {
                "case_id": LEGACY_CASE_ID,
                "logical_operator": data.get("logical_operator", "and"),
                "conditions": data["conditions"],
            }
        ]
    return []


def condition_holds(condition: Mapping[str, Any], pool: VariablePool) -> tuple[bool, dict[str, Any]]:
    actual = pool.get(selector(condition.get("variable_selector")))
    expected = render_value(condition.get("value"), pool)
    holds = _sub_conditions_hold(condition, actual, pool) if condition.get("sub_variable_condition") else None
    if holds is None:
        holds = compare(str(condition.get("comparison_operator", "")), actual, expected)
    return holds, {
        "actual_value": actual,
        "expected_value": expected,
        "comparison_operator": condition.get("comparison_operator"),
    }


def _sub_conditions_hold(condition: Mapping[str, Any], actual: Any, pool: VariablePool) -> bool | None:
    """For an array of objects (files), `sub_variable_condition` tests each item's keys: true when any item
    matches ("contains") or none does ("not contains")."""
    sub = condition["sub_variable_condition"]
    if not isinstance(actual, list) or not sub.get("conditions"):
        return None

    def matches(item: Any) -> bool:
        results = [
            compare(
                str(c.get("comparison_operator", "")),
                file_attribute(item, str(c.get("key"))) if isinstance(item, Mapping) else None,
                render_value(c.get("value"), pool),
            )
            for c in sub["conditions"]
        ]
        return all_or_any(sub.get("logical_operator", "and"), results)

    found = any(matches(item) for item in actual)
    return not found if condition.get("comparison_operator") == "not contains" else found


class IfElseExecutor:
    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        evaluated: list[dict[str, Any]] = []
        try:
            for case in cases_of(node.data):
                results = []
                for condition in case.get("conditions") or []:
                    holds, seen = condition_holds(condition, context.pool)
                    results.append(holds)
                    evaluated.append(seen)
                if all_or_any(str(case.get("logical_operator", "and")), results):
                    case_id = str(case.get("case_id") or LEGACY_CASE_ID)
                    return self._result(True, case_id, evaluated)
        except InvalidParam as error:
            raise NodeFailed(error.message) from None
        return self._result(False, None, evaluated)

    @staticmethod
    def _result(matched: bool, case_id: str | None, evaluated: list[dict[str, Any]]) -> NodeResult:
        return NodeResult(
            outputs={"result": matched, "selected_case_id": case_id if matched else ELSE_HANDLE},
            inputs={"conditions": evaluated},
            process_data={"condition_results": evaluated},
            edge_handle=case_id if matched and case_id else ELSE_HANDLE,
        )
