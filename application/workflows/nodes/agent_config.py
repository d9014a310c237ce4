"""An agent node's settings as Dify's DSL writes them, read against the pool.

`agent_parameters` holds each setting as `{type: constant | variable | mixed, value}`: the model
(`{provider, model, mode, completion_params}`), the tools (`[{provider_name, tool_name, type, parameters,
settings, enabled, extra.description}]`, each tool parameter `{auto: 1}` for the model to fill or
`{auto: 0, value: {type, value}}` fixed by the author), the instruction, the query and maximum_iterations.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from application.workflows.nodes.selectors import selector
from domain.agents.entities import AgentStrategy, AgentToolSpec, clamp_iterations
from domain.agents.strategies import builtin_strategy
from domain.apps.model_config import ModelSettings
from domain.tools.entities import ProviderType
from domain.tools.mcp import McpConnection
from domain.tools.mcp_servers import McpServersConfigInvalid, parse_servers
from domain.workflows.nodes import NodeFailed
from domain.workflows.variables import VariablePool


@dataclass(frozen=True, slots=True)
class AgentNodeConfig:
    strategy: AgentStrategy
    model: ModelSettings
    tools: tuple[AgentToolSpec, ...]
    instruction: str
    query: str
    max_iterations: int
    memory_window: int | None  # turns remembered; None without memory
    # MCP servers the node names itself (the MCP agent strategies: `mcp_server`, `mcp_servers_config`).
    mcp_servers: tuple[tuple[str, McpConnection], ...] = ()


def read_agent_node(data: Mapping[str, Any], pool: VariablePool) -> AgentNodeConfig:
    parameters = data.get("agent_parameters") or {}
    if not isinstance(parameters, Mapping):
        raise NodeFailed("agent_parameters must be an object")
    query = _text(_value(parameters.get("query"), pool))
    if not query.strip():
        raise NodeFailed("The agent has no query")
    return AgentNodeConfig(
        strategy=builtin_strategy(str(data.get("agent_strategy_name") or "")),
        model=_model(_value(parameters.get("model"), pool)),
        tools=tuple(_tools(_value(parameters.get("tools"), pool), pool)),
        instruction=_text(_value(parameters.get("instruction"), pool)),
        query=query,
        max_iterations=clamp_iterations(_value(parameters.get("maximum_iterations"), pool)),
        memory_window=_memory_window(data.get("memory")),
        mcp_servers=_mcp_servers(parameters, pool),
    )


def _mcp_servers(parameters: Mapping[str, Any], pool: VariablePool) -> tuple[tuple[str, McpConnection], ...]:
    servers: list[tuple[str, McpConnection]] = []
    for name in ("mcp_servers_config", "mcp_server", "mcp_servers"):
        try:
            servers.extend(parse_servers(_value(parameters.get(name), pool)))
        except McpServersConfigInvalid as error:
            raise NodeFailed(f"{name}: {error.message}") from None
    return tuple(servers)


def _value(parameter: Any, pool: VariablePool) -> Any:
    """A `{type, value}` setting's value: a variable's from the pool, a string's with its references filled."""
    if not isinstance(parameter, Mapping) or "value" not in parameter:
        return parameter
    kind, value = parameter.get("type"), parameter.get("value")
    if kind == "variable":
        return pool.get(selector(value))
    return pool.render(value) if isinstance(value, str) else value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _model(value: Any) -> ModelSettings:
    if not isinstance(value, Mapping) or not value.get("provider") or not (value.get("model") or value.get("name")):
        raise NodeFailed("The agent has no model configured (model.provider and model.model)")
    params = value.get("completion_params") or {}
    return ModelSettings(
        str(value["provider"]),
        str(value.get("model") or value.get("name")),
        str(value.get("mode") or "chat"),
        dict(params) if isinstance(params, Mapping) else {},
    )


def _tools(value: Any, pool: VariablePool) -> list[AgentToolSpec]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise NodeFailed("The agent's tools must be a list")
    specs = []
    for item in value:
        if not isinstance(item, Mapping) or item.get("enabled") is False:
            continue
        provider = item.get("provider_name") or item.get("provider_id")
        name = item.get("tool_name")
        if not provider or not name:
            raise NodeFailed("An agent tool needs provider_name and tool_name")
        specs.append(
            AgentToolSpec(
                provider_type=provider_type(item.get("type") or item.get("provider_type")),
                provider_id=str(provider),
                tool_name=str(name),
                preset={**_fixed(item.get("settings"), pool), **_fixed(item.get("parameters"), pool)},
                description=str((item.get("extra") or {}).get("description") or ""),
            )
        )
    return specs


def provider_type(raw: Any) -> ProviderType:
    try:
        return ProviderType(str(raw or "builtin"))
    except ValueError:
        raise NodeFailed(f"Unknown tool provider type: {raw}") from None


def _fixed(values: Any, pool: VariablePool) -> dict[str, Any]:
    """The values an author fixed: `{auto: 0, value: {type, value}}` or a plain `{value: ...}`; a parameter
    left to the model (`auto: 1`) or without a value is not fixed."""
    if not isinstance(values, Mapping):
        return {}
    fixed = {}
    for name, entry in values.items():
        if isinstance(entry, Mapping):
            if entry.get("auto") in (1, True, "1"):
                continue
            inner = entry.get("value")
            resolved = _value(inner, pool) if isinstance(inner, Mapping) else inner
        else:
            resolved = entry
        if resolved is not None and resolved != "":
            fixed[str(name)] = resolved
    return fixed


def _memory_window(memory: Any) -> int | None:
    if not isinstance(memory, Mapping):
        return None
    window = memory.get("window") or {}
    if window.get("enabled"):
        return max(1, int(window.get("size") or 50))
    return 50
