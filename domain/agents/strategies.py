"""Which built-in strategy runs a strategy a DSL or an app names.

Dify's own agent plugin is `langgenius/agent/agent` with `function_calling` and `ReAct`; agent-chat apps
name `function_call` or `react`. Other plugins (MCP agents such as `junjiem/mcp_sse_agent/mcp_sse_agent`)
take the same parameters and differ in how they reach their tools: they run on the closest built-in
strategy, and saying so is the importer's job (`foreign_strategy`)."""

from domain.agents.entities import AgentStrategy

BUILTIN_PROVIDER = "langgenius/agent/agent"
_BUILTIN_PROVIDERS = {BUILTIN_PROVIDER, "langgenius/agent", "agent"}


def builtin_strategy(strategy_name: str | None) -> AgentStrategy:
    """ReAct for any name that says so (`ReAct`, `react`, `mcp_sse_ReAct`, `react-router`), function calling
    otherwise (`function_calling`, `function_call`, `router`, a name weir does not know)."""
    name = (strategy_name or "").lower().replace("-", "_")
    return AgentStrategy.REACT if "react" in name or "cot" in name.split("_") else AgentStrategy.FUNCTION_CALLING


def is_builtin_provider(provider_name: str | None) -> bool:
    return (provider_name or BUILTIN_PROVIDER).strip().lower() in _BUILTIN_PROVIDERS


def foreign_strategy(provider_name: str | None, strategy_name: str | None) -> str | None:
    """The warning for a strategy weir runs on a built-in one instead, or None for a built-in strategy."""
    if is_builtin_provider(provider_name):
        return None
    closest = builtin_strategy(strategy_name)
    label = "ReAct" if closest is AgentStrategy.REACT else "function_calling"
    return f"Agent strategy {provider_name}/{strategy_name} runs on weir's built-in {label} strategy."
