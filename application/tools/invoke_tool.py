"""One tool call, the way every caller (tool node, agent, agent-chat) makes it."""

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from domain.shared.clock import Clock
from domain.shared.errors import DomainError
from domain.shared.ids import IdGenerator
from domain.telemetry.ports import MetricsSink, TraceExporter
from domain.tools.entities import ProviderType, Tool, ToolInvocation, ToolMessage
from domain.tools.errors import ToolInvokeError, ToolNotFound, ToolTimeout
from domain.tools.parameters import check
from domain.tools.ports import ToolProvider, ToolProviders
from domain.tools.telemetry import ToolCallRecord, tool_points, tool_span

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ToolCall:
    provider_type: ProviderType
    provider_id: str
    tool_name: str
    parameters: Mapping[str, Any]
    invocation: ToolInvocation
    # The parameters as checked, when the caller already did (an agent checks before it logs the call).
    checked: bool = False


@dataclass(frozen=True, slots=True)
class ToolCallResult:
    tool: Tool
    parameters: Mapping[str, Any]
    messages: list[ToolMessage] = field(default_factory=list)
    elapsed_seconds: float = 0.0


async def find_tool(provider: ToolProvider, tool_name: str) -> Tool:
    tool = next((t for t in await provider.tools() if t.name == tool_name), None)
    if tool is None:
        raise ToolNotFound(f"Tool {tool_name} not found in provider {provider.info().id}.")
    return tool


class InvokeTool:
    """Rules: the tool must be one the provider offers now (ToolNotFound); parameters are checked and
    coerced against its declaration before the call (ToolParameterError, the provider is not called); the
    workspace's credentials for the provider go in with the call; every call that reached the provider is
    timed and leaves one span and its `dify.tool.*` metrics, failed or not; a timeout becomes ToolTimeout,
    an unexpected exception a ToolInvokeError (logged), domain errors pass through as they are."""

    def __init__(
        self, providers: ToolProviders, metrics: MetricsSink, traces: TraceExporter, clock: Clock, ids: IdGenerator
    ) -> None:
        self._providers = providers
        self._metrics = metrics
        self._traces = traces
        self._clock = clock
        self._ids = ids

    async def execute(self, call: ToolCall) -> ToolCallResult:
        invocation = call.invocation
        provider = await self._providers.find(invocation.tenant_id, call.provider_type, call.provider_id)
        tool = await find_tool(provider, call.tool_name)
        parameters = dict(call.parameters) if call.checked else check(tool, call.parameters)
        credentials = await self._providers.credentials(invocation.tenant_id, call.provider_type, call.provider_id)
        if credentials:
            invocation = replace(invocation, credentials={**credentials, **invocation.credentials})
        start = self._clock.now()
        error: str | None = None
        try:
            messages = await provider.invoke(tool.name, parameters, invocation)
        except DomainError as failure:
            error = failure.message
            raise
        except TimeoutError:
            error = ToolTimeout.default_message
            raise ToolTimeout() from None
        except asyncio.CancelledError:
            error = "cancelled"
            raise
        except Exception as failure:
            log.exception("tool %s/%s failed unexpectedly", call.provider_id, tool.name)
            error = f"Tool {tool.name} failed: {failure}"
            raise ToolInvokeError(error) from failure
        finally:
            end = self._clock.now()
            self._record(call, tool, invocation, start, end, error)
        return ToolCallResult(tool, parameters, list(messages), (end - start).total_seconds())

    def _record(self, call: ToolCall, tool: Tool, invocation: ToolInvocation, start, end, error) -> None:
        record = ToolCallRecord(
            call_id=self._ids.new_id(),
            tenant_id=invocation.tenant_id,
            app_id=invocation.app_id,
            provider_type=ProviderType(call.provider_type).value,
            provider_id=call.provider_id,
            tool_name=tool.name,
            start=start,
            end=end,
            error=error,
            trace_id=invocation.trace_id,
            parent_span=invocation.parent_span,
        )
        try:
            self._metrics.emit(tool_points(record))
            self._traces.export([tool_span(record)])
        except Exception:  # telemetry never fails the call
            log.exception("could not record tool call telemetry")
