"""An app's conversation log as the console's logs page lists it (Dify's chat- and completion-conversations):
the filter the page sends and one conversation's summary line."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.conversations.entities import Conversation, Feedback
from domain.shared.errors import InvalidParam

LOG_SORTS = ("created_at", "-created_at", "updated_at", "-updated_at")


@dataclass(frozen=True, slots=True)
class LogFilter:
    """Conversations of one app created in [start, end], newest first unless `sort_by` says otherwise; `keyword`
    matches a message's query or answer or the conversation's name."""

    start: datetime | None
    end: datetime | None
    keyword: str | None
    sort_by: str
    page: int
    limit: int


@dataclass(frozen=True, slots=True)
class FeedbackStats:
    like: int = 0
    dislike: int = 0


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    conversation: Conversation
    from_source: str
    from_account_id: UUID | None
    end_user_session_id: str | None
    first_query: str
    first_answer: str
    message_count: int
    user_feedback: FeedbackStats
    admin_feedback: FeedbackStats


@dataclass(frozen=True, slots=True)
class LogPage:
    items: list[ConversationSummary]
    total: int


class ConversationLogRepository(Protocol):
    async def page(self, app_id: UUID, log: LogFilter) -> LogPage:
        """One page of the app's conversations (deleted ones left out), with their total."""
        ...

    async def summary(self, app_id: UUID, conversation_id: UUID) -> ConversationSummary | None: ...

    async def feedbacks(self, message_ids: list[UUID]) -> dict[UUID, list[Feedback]]:
        """Every feedback on each message, the end user's and the console's."""
        ...


def log_filter(
    start: datetime | None, end: datetime | None, keyword: str | None, sort_by: str, page: int, limit: int
) -> LogFilter:
    if sort_by not in LOG_SORTS:
        raise InvalidParam(f"sort_by must be one of {', '.join(LOG_SORTS)}", "sort_by")
    if page < 1:
        raise InvalidParam("page must be at least 1", "page")
    if not 1 <= limit <= 100:
        raise InvalidParam("limit must be between 1 and 100", "limit")
    return LogFilter(
        start=start, end=end, keyword=(keyword or "").strip() or None, sort_by=sort_by, page=page, limit=limit
    )
