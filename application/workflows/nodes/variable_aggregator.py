"""variable-aggregator (legacy name variable-assigner): the first of its variables that has a value."""

from application.workflows.nodes.selectors import first_present, selector
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeResult


class VariableAggregatorExecutor:
    """Rules: ungrouped → `output`; with `advanced_settings.group_enabled` → `{group_name: {output}}`, each
    group taking its own first non-null variable. A branch that was skipped leaves its variable unset, so
    the aggregator picks whichever branch ran."""

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        settings = node.data.get("advanced_settings") or {}
        if settings.get("group_enabled"):
            outputs = {
                str(group.get("group_name")): {"output": first_present(group.get("variables") or [], context.pool)}
                for group in settings.get("groups") or []
            }
            return NodeResult(outputs=outputs)
        variables = node.data.get("variables") or []
        output = first_present(variables, context.pool)
        chosen = next((".".join(selector(s)) for s in variables if context.pool.get(selector(s)) is not None), None)
        return NodeResult(outputs={"output": output}, process_data={"selected": chosen})
