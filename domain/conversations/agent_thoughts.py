"""An agent-chat message's thoughts: one per round of its agent, in order (Dify's message_agent_thoughts)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID


@dataclass
class AgentThought:
    """`tool` names the tools called in the round (`;`-joined, Dify's form), `tool_input` and `observation`
    are JSON text keyed by tool name when there were calls; `answer` is the round's text when it answered."""

    id: UUID
    message_id: UUID
    position: int
    created_at: datetime
    thought: str = ""
    tool: str = ""
    tool_labels: dict[str, Any] = field(default_factory=dict)
    tool_input: str = ""
    observation: str = ""
    message_files: list[str] = field(default_factory=list)
    answer: str = ""
    tokens: int = 0
    latency: float = 0.0


class AgentThoughtRepository(Protocol):
    """Thoughts of messages. Contract: `add` stores a new thought; `for_messages` returns each message's
    thoughts by position (messages without any are absent)."""

    async def add(self, thought: AgentThought) -> None: ...

    async def for_messages(self, message_ids: Sequence[UUID]) -> dict[UUID, list[AgentThought]]: ...
