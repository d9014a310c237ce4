"""tool: calls one tool of any provider kind with the node's parameters and outputs text, files and json."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from uuid import UUID

from application.tools.invoke_tool import InvokeTool, ToolCall
from application.tools.tool_files import StoreToolFiles
from application.workflows.nodes.file_reader import run_file_owner
from domain.shared.errors import DomainError
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.entities import ProviderType, ToolInvocation
from domain.tools.errors import ToolProviderNotFound
from domain.tools.outputs import collect
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.variables import VariablePool


def input_value(raw: Any, pool: VariablePool) -> Any:
    """A tool parameter as the DSL gives it: `{type: variable, value: selector}` reads the pool, `mixed` renders
    a template, `constant` (or a bare value, as older DSL files write configurations) is taken as it is."""
    if not isinstance(raw, Mapping) or "type" not in raw:
        return raw
    value = raw.get("value")
    match raw.get("type"):
        case "variable":
            return pool.get(list(value or []))
        case "mixed":
            return pool.render(str(value or "")) if isinstance(value, str) else value
    return value


def node_parameters(data: Mapping[str, Any], pool: VariablePool) -> dict[str, Any]:
    """Form settings (`tool_configurations`) first, then the node's parameters, which win on a clash."""
    values = {name: input_value(raw, pool) for name, raw in (data.get("tool_configurations") or {}).items()}
    values.update({name: input_value(raw, pool) for name, raw in (data.get("tool_parameters") or {}).items()})
    return values


class ToolNodeExecutor:
    """Rules: the provider is the one the DSL names by type and id (a builtin by plugin id or bare name);
    any tool error (unknown tool, a parameter of the wrong type, a failed call) fails the node with its
    message, so the node's error strategy applies; produced files are stored as tool files and listed in
    `files`; the call's span hangs under the run's trace."""

    def __init__(self, invoke: InvokeTool, files: StoreToolFiles, uow: UnitOfWorkFactory) -> None:
        self._invoke = invoke
        self._files = files
        self._uow = uow

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        data = node.data
        parameters = node_parameters(data, context.pool)
        provider_id = str(data.get("provider_id") or data.get("provider_name") or "")
        run = context.run
        try:
            provider_type = ProviderType(str(data.get("provider_type") or "builtin"))
        except ValueError:
            raise NodeFailed(f"Unknown tool provider type: {data.get('provider_type')}") from None
        invocation = ToolInvocation(
            tenant_id=run.tenant_id,
            user_id=run.user_id,
            app_id=run.app_id,
            call_depth=run.call_depth,
            configurations=dict(data.get("tool_configurations") or {}),
            trace_id=run.run_id,
            parent_span=str(run.run_id),
        )
        call = ToolCall(provider_type, provider_id, str(data.get("tool_name") or ""), parameters, invocation)
        try:
            result = await self._call(call, str(data.get("provider_name") or ""))
            files: list = []
            if any(message.blob or message.file for message in result.messages):
                owner, role = await self._owner(run.run_id, run.app_id)
                files = await self._files.execute(result.messages, run.tenant_id, owner, role)
        except DomainError as error:
            raise NodeFailed(error.message) from None
        outputs = collect(result.messages, files)
        return NodeResult(
            outputs=outputs.as_outputs(),
            inputs=dict(result.parameters),
            metadata={
                "tool_info": {
                    "provider_type": provider_type.value,
                    "provider_id": provider_id,
                    "tool_name": result.tool.name,
                    "elapsed_time": result.elapsed_seconds,
                }
            },
        )

    async def _call(self, call: ToolCall, provider_name: str):
        """A DSL exported from another instance names its custom or workflow provider by an id this workspace
        does not have; its name (`provider_name`) then finds the workspace's own provider of that name."""
        try:
            return await self._invoke.execute(call)
        except ToolProviderNotFound:
            if not provider_name or provider_name == call.provider_id:
                raise
            return await self._invoke.execute(replace(call, provider_id=provider_name))

    async def _owner(self, run_id: UUID, app_id: UUID) -> tuple[UUID, str]:
        return await run_file_owner(self._uow, run_id, app_id)
