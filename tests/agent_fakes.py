"""A tool provider in memory for the agent tests: tools that answer from a function, record their calls,
and can fail or be slow."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from uuid import UUID

from domain.tools.entities import (
    ParameterType,
    ProviderType,
    Tool,
    ToolInvocation,
    ToolMessage,
    ToolParameter,
    ToolProviderInfo,
)
from domain.tools.errors import ToolInvokeError, ToolNotFound, ToolProviderNotFound

Answer = Callable[[Mapping[str, Any]], Awaitable[list[ToolMessage]] | list[ToolMessage]]


def _weather(args: Mapping[str, Any]) -> list[ToolMessage]:
    return [ToolMessage.of_text(f"Sunny in {args.get('city')}, 21°C")]


def _add(args: Mapping[str, Any]) -> list[ToolMessage]:
    return [ToolMessage.of_json({"sum": args["a"] + args["b"]})]


def _chart(args: Mapping[str, Any]) -> list[ToolMessage]:
    return [ToolMessage.of_text("Here is the chart."), ToolMessage.of_blob(b"\x89PNG fake", "image/png", "chart.png")]


def _broken(args: Mapping[str, Any]) -> list[ToolMessage]:
    raise ToolInvokeError("upstream said 503")


WEATHER = Tool(
    "get_weather",
    "Weather",
    "The weather in a city",
    (ToolParameter("city", ParameterType.STRING, required=True, llm_description="the city"),),
)
ADD = Tool(
    "add",
    "Add",
    "Adds two numbers",
    (ToolParameter("a", ParameterType.NUMBER, required=True), ToolParameter("b", ParameterType.NUMBER, required=True)),
)
BROKEN = Tool("flaky", "Flaky", "Always fails")
CHART = Tool("chart", "Chart", "Draws a chart")


class FakeToolProvider:
    def __init__(self, provider_id: str, tools: Mapping[Tool, Answer], delay: float = 0.0) -> None:
        self._id = provider_id
        self._tools = dict(tools)
        self.delay = delay
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def info(self) -> ToolProviderInfo:
        return ToolProviderInfo(self._id, ProviderType.BUILTIN, self._id, tools=tuple(self._tools))

    async def tools(self) -> list[Tool]:
        return list(self._tools)

    async def invoke(
        self, tool_name: str, parameters: Mapping[str, Any], invocation: ToolInvocation
    ) -> list[ToolMessage]:
        self.calls.append((tool_name, dict(parameters)))
        if self.delay:
            await asyncio.sleep(self.delay)
        for tool, answer in self._tools.items():
            if tool.name == tool_name:
                result = answer(parameters)
                return await result if asyncio.iscoroutine(result) else result
        raise ToolNotFound()


class FakeToolProviders:
    """ToolProviders over named FakeToolProviders (any provider type finds them by id); other ids go to
    `fallback` (the app's real providers) when given."""

    def __init__(self, *providers: FakeToolProvider, fallback: Any = None) -> None:
        self.providers = {p.info().id: p for p in providers}
        self.fallback = fallback

    async def find(self, tenant_id: UUID, provider_type: ProviderType, provider_id: str) -> Any:
        provider = self.providers.get(provider_id.rsplit("/", 1)[-1])
        if provider is None:
            if self.fallback is not None:
                return await self.fallback.find(tenant_id, provider_type, provider_id)
            raise ToolProviderNotFound(f"Tool provider {provider_id} not found.")
        return provider

    async def credentials(self, tenant_id: UUID, provider_type: ProviderType, provider_id: str) -> Mapping[str, Any]:
        if provider_id.rsplit("/", 1)[-1] not in self.providers and self.fallback is not None:
            return await self.fallback.credentials(tenant_id, provider_type, provider_id)
        return {}

    async def listed(self, tenant_id: UUID, provider_type: ProviderType | None = None) -> list[ToolProviderInfo]:
        return [p.info() for p in self.providers.values()]


def demo_providers(fallback: Any = None) -> FakeToolProviders:
    return FakeToolProviders(
        FakeToolProvider("demo", {WEATHER: _weather, ADD: _add, BROKEN: _broken, CHART: _chart}), fallback=fallback
    )
