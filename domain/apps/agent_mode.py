"""An agent-chat app's `agent_mode` (Dify's model config): whether the agent runs, its strategy, its tools
and how many rounds it may take."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.agents.entities import AgentStrategy, AgentToolSpec, clamp_iterations
from domain.agents.strategies import builtin_strategy
from domain.shared.errors import InvalidParam
from domain.tools.entities import ProviderType

STRATEGIES = ("function_call", "react", "router", "react_router")


@dataclass(frozen=True, slots=True)
class AgentMode:
    enabled: bool = False
    strategy: str = "function_call"
    tools: tuple[dict[str, Any], ...] = ()
    max_iteration: int = 5
    prompt: str | None = None

    @property
    def loop_strategy(self) -> AgentStrategy:
        return builtin_strategy(self.strategy)

    def tool_specs(self) -> list[AgentToolSpec]:
        """The enabled tools, as the loop calls them (deleted ones and Dify's old dataset entries left out)."""
        specs = []
        for item in self.tools:
            if item.get("enabled") is False or item.get("isDeleted") or "tool_name" not in item:
                continue
            specs.append(
                AgentToolSpec(
                    provider_type=ProviderType(str(item.get("provider_type") or "builtin")),
                    provider_id=str(item.get("provider_id") or item.get("provider_name")),
                    tool_name=str(item["tool_name"]),
                    preset={k: v for k, v in (item.get("tool_parameters") or {}).items() if v not in (None, "")},
                )
            )
        return specs

    def as_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "strategy": self.strategy,
            "tools": [dict(t) for t in self.tools],
            "max_iteration": self.max_iteration,
            "prompt": self.prompt,
        }


def parse_agent_mode(raw: object) -> AgentMode | None:
    """Dify's agent_mode body; None when absent. Raises InvalidParam naming what is wrong."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise InvalidParam("agent_mode must be an object", param="agent_mode")
    strategy = str(raw.get("strategy") or "function_call")
    if strategy not in STRATEGIES:
        raise InvalidParam(f"agent_mode.strategy must be one of {', '.join(STRATEGIES)}", param="agent_mode")
    tools = raw.get("tools") or []
    if not isinstance(tools, list) or not all(isinstance(t, Mapping) for t in tools):
        raise InvalidParam("agent_mode.tools must be a list of objects", param="agent_mode")
    for tool in tools:
        if "dataset" in tool:  # Dify's pre-0.6 dataset entries: knowledge is dataset_configs now
            continue
        if not tool.get("tool_name") or not (tool.get("provider_id") or tool.get("provider_name")):
            raise InvalidParam("each agent_mode tool needs provider_id and tool_name", param="agent_mode")
        try:
            ProviderType(str(tool.get("provider_type") or "builtin"))
        except ValueError:
            kind = tool.get("provider_type")
            raise InvalidParam(f"unknown tool provider_type {kind!r}", param="agent_mode") from None
        if not isinstance(tool.get("tool_parameters") or {}, Mapping):
            raise InvalidParam("agent_mode tool_parameters must be an object", param="agent_mode")
    prompt = raw.get("prompt")
    return AgentMode(
        enabled=bool(raw.get("enabled", False)),
        strategy=strategy,
        tools=tuple(dict(t) for t in tools),
        max_iteration=clamp_iterations(raw.get("max_iteration")),
        prompt=prompt if isinstance(prompt, str) else None,
    )
