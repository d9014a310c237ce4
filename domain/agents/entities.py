"""What an agent is configured with and what each of its rounds leaves behind, in Dify's vocabulary."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.models.entities import Usage
from domain.tools.entities import ProviderType

DEFAULT_MAX_ITERATIONS = 5  # Dify's default for agent nodes and agent-chat apps
MAX_ITERATIONS_CAP = 99  # Dify's console offers 1..99


class AgentStrategy(StrEnum):
    FUNCTION_CALLING = "function_calling"
    REACT = "react"


@dataclass(frozen=True, slots=True)
class AgentToolSpec:
    """One tool an agent may call, as a DSL or an app's agent_mode names it. `preset` are the values the
    author fixed (form parameters, settings); the model fills the rest."""

    provider_type: ProviderType
    provider_id: str
    tool_name: str
    preset: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True, slots=True)
class ToolCallRecord:
    """One tool call of a round: what the model asked for and what the tool said back."""

    call_id: str
    tool_name: str
    arguments: Mapping[str, Any]
    observation: str = ""
    error: str | None = None
    files: tuple[Mapping[str, Any], ...] = ()
    json: tuple[Any, ...] = ()
    elapsed_seconds: float = 0.0


@dataclass
class AgentRound:
    """One round: the model's text (its thought, or its answer in the last round), the calls it made, and
    what the round cost. `position` counts from 1, as Dify's agent thoughts do."""

    position: int
    thought: str = ""
    calls: list[ToolCallRecord] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    elapsed_seconds: float = 0.0
    final: bool = False
    answer: str = ""  # the final round's answer (function calling: its text; ReAct: the Final Answer)

    @property
    def tool_names(self) -> str:
        """Dify's `tool` of a thought: the names called in the round, `;`-joined."""
        return ";".join(call.tool_name for call in self.calls)


def add_usage(a: Usage, b: Usage | None) -> Usage:
    if b is None:
        return a
    return Usage(
        a.prompt_tokens + b.prompt_tokens, a.completion_tokens + b.completion_tokens, a.total_tokens + b.total_tokens
    )


def clamp_iterations(value: object, default: int = DEFAULT_MAX_ITERATIONS) -> int:
    """A usable max-iterations value from whatever a DSL or a model config holds (text, float, missing)."""
    try:
        number = int(float(str(value))) if value not in (None, "") else default
    except ValueError:
        number = default
    return max(1, min(number, MAX_ITERATIONS_CAP))
