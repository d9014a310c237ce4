"""What a running generation reports, in order: started, deltas, then exactly one of ended or failed."""

from dataclasses import dataclass
from uuid import UUID

from domain.conversations.entities import Conversation, Message
from domain.models.pricing import PricedUsage
from domain.shared.errors import DomainError


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    text: str


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


GenerationEvent = AnswerDelta | MessageEnded | MessageFailed
