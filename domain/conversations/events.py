"""What a running generation reports, in order: started, deltas, then exactly one of ended or failed."""

from dataclasses import dataclass
from uuid import UUID

from domain.conversations.agent_thoughts import AgentThought
from domain.conversations.entities import Conversation, Message
from domain.models.pricing import PricedUsage
from domain.shared.errors import DomainError


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    text: str


@dataclass(frozen=True, slots=True)
class AgentThoughtUpdated:
    """An agent-chat message's round, as it stands now: published when the model asked for tools and again
    once the round ended (same thought id)."""

    thought: AgentThought


@dataclass(frozen=True, slots=True)
class MessageEnded:
    message: Message
    usage: PricedUsage
    stopped: bool = False


@dataclass(frozen=True, slots=True)
class MessageFailed:
    message: Message
    error: DomainError


@dataclass(frozen=True, slots=True)
class GenerationStarted:
    task_id: UUID
    message: Message
    conversation: Conversation


GenerationEvent = AnswerDelta | AgentThoughtUpdated | MessageEnded | MessageFailed
