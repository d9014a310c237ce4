from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from domain.apps.model_config import AppModelConfig
from domain.conversations.entities import Conversation, Feedback, Message

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_more: bool


class ConversationRepository(Protocol):
    async def add(self, conversation: Conversation) -> None: ...

    async def get(self, conversation_id: UUID) -> Conversation | None:
        """Deleted conversations are not returned."""

    async def update(self, conversation: Conversation) -> None: ...

    async def list_for(
        self, app_id: UUID, end_user_id: UUID, *, last_id: UUID | None, limit: int, sort_by: str,
        pinned: bool | None = None,
    ) -> Page[Conversation] | None:
        """`sort_by` is created_at, -created_at, updated_at or -updated_at; `last_id` continues after that row;
        `pinned` keeps only the ones this user pinned in the web app (True) or only the others (False).
        None when `last_id` names no conversation of this user."""


class MessageRepository(Protocol):
    async def add(self, message: Message) -> None: ...

    async def get(self, message_id: UUID) -> Message | None: ...

    async def many(self, message_ids: list[UUID]) -> list[Message]:
        """The messages with these ids that exist, in the order given."""

    async def update(self, message: Message) -> None: ...

    async def save_progress(self, message_id: UUID, answer: str) -> None:
        """Stores `answer` (what was streamed so far) on a message still `generating`: one UPDATE of that
        column alone; a message already completed or failed is left as it is."""

    async def save_progress_many(self, answers: dict[UUID, str]) -> None:
        """`save_progress` for many messages at once (one statement, executed for each)."""

    async def first(self, conversation_id: UUID) -> Message | None:
        """The conversation's first answered message (one with an answer, not still generating)."""

    async def history(self, conversation_id: UUID, limit: int) -> list[Message]:
        """The last `limit` answered messages (with an answer, not still generating), oldest first."""

    async def page(self, conversation_id: UUID, *, first_id: UUID | None, limit: int) -> Page[Message] | None:
        """Newest first; `first_id` pages backwards to messages older than that one (None: unknown first_id)."""


class FeedbackRepository(Protocol):
    async def for_message(self, message_id: UUID) -> Feedback | None: ...

    async def save(self, feedback: Feedback) -> None:
        """Insert or replace the end user's feedback on the message."""

    async def delete(self, feedback_id: UUID) -> None: ...

    async def page(self, app_id: UUID, *, page: int, limit: int) -> list[Feedback]: ...


class AppModelConfigRepository(Protocol):
    async def current(self, app_id: UUID) -> AppModelConfig | None: ...

    async def add(self, config: AppModelConfig) -> None:
        """Stores a new version and makes it the app's current one."""


class StopSignals(Protocol):
    """Stop requests for running generations, visible to every process (Redis) or this one (in-process).

    Contract: a stop by a user other than the one who started the task is ignored; flags expire.
    """

    async def register(self, task_id: UUID, owner: str) -> None: ...

    async def request_stop(self, task_id: UUID, owner: str) -> None: ...

    async def is_stopped(self, task_id: UUID) -> bool: ...

    async def wait_stopped(self, task_id: UUID) -> None:
        """Returns once a stop of the task is requested, from any process (at once if it already was): a
        notification (Redis pub/sub, an in-process event), not polling. Raises StoreUnavailable-like errors
        when the signals' store cannot be reached; the caller then tries again."""

    async def forget(self, task_id: UUID) -> None: ...


class ConcurrencyLimiter(Protocol):
    """Caps simultaneous generations per app. Contract: `acquire` is atomic across processes; a slot held
    by a crashed process expires after the maximum execution time."""

    async def acquire(self, app_id: UUID, request_id: UUID, limit: int) -> bool: ...

    async def release(self, app_id: UUID, request_id: UUID) -> None: ...
