"""What one agent run is given, and what it ends with."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.agents.entities import AgentRound, AgentStrategy
from domain.agents.events import AgentEvent
from domain.models.entities import ChatMessage, Usage
from domain.models.ports import ChatModel

AgentListener = Callable[[AgentEvent], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class AgentTask:
    model: ChatModel
    model_name: str
    strategy: AgentStrategy
    instruction: str
    query: str
    max_iterations: int
    params: Mapping[str, Any] = field(default_factory=dict)
    history: tuple[ChatMessage, ...] = ()  # earlier turns, oldest first (memory)


@dataclass
class AgentOutcome:
    answer: str
    rounds: list[AgentRound]
    usage: Usage
    model_seconds: float = 0.0  # time spent waiting on the model, over all rounds

    @property
    def files(self) -> list[Mapping[str, Any]]:
        return [f for r in self.rounds for c in r.calls for f in c.files]

    @property
    def json(self) -> list[Any]:
        return [j for r in self.rounds for c in r.calls for j in c.json]
