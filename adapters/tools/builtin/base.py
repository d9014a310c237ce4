"""A builtin provider as a table of handlers: each tool's declaration beside the function that runs it."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from domain.tools.entities import (
    ParameterForm,
    ParameterOption,
    ParameterType,
    ProviderType,
    Tool,
    ToolInvocation,
    ToolMessage,
    ToolParameter,
    ToolProviderInfo,
)
from domain.tools.errors import ToolNotFound

Handler = Callable[[Mapping[str, Any], ToolInvocation], Awaitable[list[ToolMessage]]]


@dataclass(frozen=True, slots=True)
class BuiltinTool:
    tool: Tool
    handler: Handler
    # Other names DSL files use for the same tool (Dify renamed some between versions: `json_replace`).
    aliases: tuple[str, ...] = ()


def param(
    name: str,
    kind: ParameterType = ParameterType.STRING,
    *,
    form: ParameterForm = ParameterForm.LLM,
    required: bool = False,
    description: str = "",
    default: Any = None,
    options: Sequence[str] = (),
    minimum: float | None = None,
    maximum: float | None = None,
) -> ToolParameter:
    return ToolParameter(
        name=name,
        type=kind,
        form=form,
        required=required,
        label=name.replace("_", " ").capitalize(),
        human_description=description,
        llm_description=description,
        default=default,
        options=tuple(ParameterOption(o, o) for o in options),
        min=minimum,
        max=maximum,
    )


class BuiltinProvider:
    """Serves the tools it was given; `plugin_id` is the Dify ≥ 1.0 name (`langgenius/time`)."""

    def __init__(self, info: ToolProviderInfo, tools: Sequence[BuiltinTool]) -> None:
        self._tools = {entry.tool.name: entry for entry in tools}
        self._aliases = {alias: entry for entry in tools for alias in entry.aliases}
        self._info = ToolProviderInfo(
            id=info.id,
            type=ProviderType.BUILTIN,
            name=info.name or info.id,
            label=info.label or info.id,
            description=info.description,
            icon=info.icon,
            author=info.author,
            plugin_id=info.plugin_id,
            credentials_schema=info.credentials_schema,
            tools=tuple(entry.tool for entry in tools),
        )

    def info(self) -> ToolProviderInfo:
        return self._info

    async def tools(self) -> list[Tool]:
        """The tools under their names, then under their aliases (the console lists `info().tools` only)."""
        named = [entry.tool for entry in self._tools.values()]
        return named + [replace(entry.tool, name=alias) for alias, entry in self._aliases.items()]

    async def invoke(
        self, tool_name: str, parameters: Mapping[str, Any], invocation: ToolInvocation
    ) -> list[ToolMessage]:
        entry = self._tools.get(tool_name) or self._aliases.get(tool_name)
        if entry is None:
            raise ToolNotFound(f"Tool {tool_name} not found in provider {self._info.id}.")
        return await entry.handler(parameters, invocation)
