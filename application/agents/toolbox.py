"""The tools of one agent run: found once before the first round, then called by the name the model uses."""

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol
from uuid import UUID

from application.tools.invoke_tool import InvokeTool, ToolCall
from domain.agents.entities import AgentToolSpec, ToolCallRecord
from domain.agents.observations import error_observation, observation_text, unknown_tool_observation
from domain.agents.tool_schema import tool_definition
from domain.models.entities import ToolDefinition
from domain.shared.errors import DomainError
from domain.tools import outputs, parameters
from domain.tools.entities import Tool, ToolInvocation, ToolMessage
from domain.tools.errors import ToolNotFound
from domain.tools.ports import ToolProvider, ToolProviders

log = logging.getLogger("weir.agent")


@dataclass(frozen=True, slots=True)
class AgentTool:
    spec: AgentToolSpec
    tool: Tool
    provider: ToolProvider
    definition: ToolDefinition
    # Called on its provider directly, not through the tool context's InvokeTool: a server the node names
    # itself is no provider of the workspace's that InvokeTool could look up.
    direct: bool = False


class ToolInvoker(Protocol):
    """Runs one tool call with unchecked values; raises the tool port's domain errors."""

    async def __call__(
        self, tool: AgentTool, values: Mapping[str, Any], invocation: ToolInvocation
    ) -> list[ToolMessage]: ...


async def direct_invoke(tool: AgentTool, values: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
    """Straight to the provider (tests, and callers without the tools context)."""
    return await tool.provider.invoke(tool.tool.name, parameters.check(tool.tool, values), invocation)


class InvokeThrough:
    """Through the tools context's InvokeTool: checked, credentials added, timed and traced like every call."""

    def __init__(self, invoke_tool: InvokeTool) -> None:
        self._invoke_tool = invoke_tool

    async def __call__(
        self, tool: AgentTool, values: Mapping[str, Any], invocation: ToolInvocation
    ) -> list[ToolMessage]:
        spec = tool.spec
        call = ToolCall(spec.provider_type, spec.provider_id, tool.tool.name, values, invocation)
        return (await self._invoke_tool.execute(call)).messages


# Stores the files among a tool's messages (blobs become tool files) and returns their mappings, in order.
FileKeeper = Callable[[Sequence[ToolMessage]], Awaitable[list[Mapping[str, Any]]]]


class Toolbox:
    """Calls the prepared tools; a call never raises for a tool's failure: the error becomes the observation
    (the model reads it and goes on, as in Dify). Files a tool produces are kept by `keep_files` when given
    (without it only files that already exist are passed on)."""

    def __init__(
        self,
        tools: Sequence[AgentTool],
        invoke: ToolInvoker,
        invocation: ToolInvocation,
        keep_files: FileKeeper | None = None,
    ) -> None:
        self._tools = {t.definition.name: t for t in tools}
        self._invoke = invoke
        self._invocation = invocation
        self._keep_files = keep_files

    @property
    def definitions(self) -> tuple[ToolDefinition, ...]:
        return tuple(t.definition for t in self._tools.values())

    def label(self, name: str) -> str:
        tool = self._tools.get(name)
        return (tool.tool.label or name) if tool else name

    async def call(self, call_id: str, name: str, arguments: Mapping[str, Any]) -> ToolCallRecord:
        started = time.perf_counter()
        tool = self._tools.get(name)
        if tool is None:
            text = unknown_tool_observation(name, list(self._tools))
            return ToolCallRecord(call_id, name, dict(arguments), text, error=text)
        invocation = replace(self._invocation, configurations=dict(tool.spec.preset))
        try:
            invoke = direct_invoke if tool.direct else self._invoke
            messages = await invoke(tool, {**arguments, **tool.spec.preset}, invocation)
            files = await self._files(messages)
        except DomainError as error:
            text = error_observation(name, error.message)
            return ToolCallRecord(
                call_id, name, dict(arguments), text, error=error.message, elapsed_seconds=time.perf_counter() - started
            )
        except Exception as error:  # a bug in a provider must not end the agent's answer
            log.exception("tool %s crashed", name)
            text = error_observation(name, f"internal error ({type(error).__name__})")
            return ToolCallRecord(
                call_id, name, dict(arguments), text, error=text, elapsed_seconds=time.perf_counter() - started
            )
        collected = outputs.collect(messages, files)
        return ToolCallRecord(
            call_id,
            name,
            dict(arguments),
            observation_text(messages),
            files=collected.files,
            json=collected.json,
            elapsed_seconds=time.perf_counter() - started,
        )

    async def _files(self, messages: Sequence[ToolMessage]) -> list[Mapping[str, Any]]:
        if self._keep_files is not None and any(m.blob or m.file is not None for m in messages):
            return await self._keep_files(messages)
        return [m.file for m in messages if m.file is not None]


async def prepare_tools(providers: ToolProviders, tenant_id: UUID, specs: Sequence[AgentToolSpec]) -> list[AgentTool]:
    """Each spec's provider and tool. Raises ToolProviderNotFound or ToolNotFound naming what is missing
    (before anything runs)."""
    prepared: list[AgentTool] = []
    for spec in specs:
        provider = await providers.find(tenant_id, spec.provider_type, spec.provider_id)
        tool = next((t for t in await provider.tools() if t.name == spec.tool_name), None)
        if tool is None:
            raise ToolNotFound(f"Tool {spec.tool_name} not found in provider {spec.provider_id}.")
        prepared.append(AgentTool(spec, tool, provider, tool_definition(tool, spec.preset, spec.description)))
    return prepared
