"""Conversations, messages and feedback: what a chat or completion app remembers."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.models.pricing import PricedUsage

NAME_LENGTH = 40  # a conversation named after its first query keeps at most this many characters


def name_from_query(query: str) -> str:
    """The name a new conversation gets from its first query: one line, at most NAME_LENGTH characters."""
    line = " ".join(query.split())
    return line if len(line) <= NAME_LENGTH else line[: NAME_LENGTH - 1].rstrip() + "…"


class MessageStatus(StrEnum):
    """Dify's `normal` (answered, or stopped with the partial answer) and `error` (with the reason in `error`),
    and, beyond Dify, `generating`: the answer is still being written. Dify stores a message `normal` with an
    empty answer while it streams, so a crash leaves it looking answered; weir never does."""

    NORMAL = "normal"
    ERROR = "error"
    GENERATING = "generating"
    # Beyond Dify too: a chatflow's message whose run waits for a human (a human-input form); no process
    # holds it, so the orphan reaper leaves it; the resumed run completes or fails it.
    PAUSED = "paused"


@dataclass
class Conversation:
    id: UUID
    app_id: UUID
    mode: str
    from_end_user_id: UUID
    created_at: datetime
    updated_at: datetime
    name: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    introduction: str = ""
    status: str = "normal"
    model_provider: str | None = None
    model_id: str | None = None
    dialogue_count: int = 0
    is_deleted: bool = False
    # The console debugger's unsaved config the conversation was started with (Dify's override_model_configs):
    # what its follow-ups are read from, rather than the app's saved config.
    override_model_config: dict[str, Any] | None = None

    def rename(self, name: str, at: datetime) -> None:
        self.name = name
        self.updated_at = at


@dataclass(frozen=True, slots=True)
class MessageFile:
    """A file sent with a message (Dify's message_files): `belongs_to` "user" for what the end user sent.
    `url` is a remote file's address (empty for an upload, whose link is signed when shown); `filename`,
    `mime_type` and `size` are kept with it (beyond Dify, which joins them from the upload)."""

    id: UUID
    message_id: UUID
    type: str
    transfer_method: str
    created_by_role: str
    created_by: UUID
    created_at: datetime
    url: str = ""
    upload_file_id: UUID | None = None
    belongs_to: str = "user"
    filename: str = ""
    mime_type: str = ""
    size: int = -1


@dataclass
class Message:
    """One query and its answer. Inserted `generating` when the request starts (answer empty, `lease_owner` the
    process generating it); the answer streamed so far is saved now and then; completed or failed once.

    `updated_at` is set at the moment the answer completes, so `updated_at - created_at` is the
    message's true duration (the rule telemetry relies on).
    """

    id: UUID
    app_id: UUID
    conversation_id: UUID
    query: str
    inputs: dict[str, Any]
    model_provider: str
    model_id: str
    from_end_user_id: UUID
    created_at: datetime
    updated_at: datetime
    invoke_from: str = "service-api"
    answer: str = ""
    status: MessageStatus = MessageStatus.NORMAL
    error: str | None = None
    message_tokens: int = 0
    answer_tokens: int = 0
    message_unit_price: Decimal = Decimal("0")
    message_price_unit: Decimal = Decimal("0.001")
    answer_unit_price: Decimal = Decimal("0")
    answer_price_unit: Decimal = Decimal("0.001")
    total_price: Decimal = Decimal("0")
    currency: str = "USD"
    provider_response_latency: float = 0.0
    time_to_first_token: float | None = None
    is_streaming: bool = False
    parent_message_id: UUID | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    lease_owner: UUID | None = None  # the process generating it (domain.maintenance.leases)
    files: list[MessageFile] = field(default_factory=list)  # stored with the message, shown by /messages

    @property
    def generating(self) -> bool:
        return self.status is MessageStatus.GENERATING

    def complete(self, answer: str, usage: PricedUsage, at: datetime, ttft: float | None) -> None:
        self.status = MessageStatus.NORMAL
        self._settle(answer, usage, at, ttft)

    def fail(self, error: str, answer: str, usage: PricedUsage | None, at: datetime, latency: float) -> None:
        # Not `updated_at`: a failed message has no completed answer, so its duration is the provider latency.
        self.status = MessageStatus.ERROR
        self.error = error
        self.answer = answer
        self.provider_response_latency = latency
        if usage is not None:
            self._price(usage)

    def _settle(self, answer: str, usage: PricedUsage, at: datetime, ttft: float | None) -> None:
        self.answer = answer
        self.updated_at = at
        self.time_to_first_token = ttft
        self.provider_response_latency = usage.latency
        self._price(usage)

    def _price(self, usage: PricedUsage) -> None:
        self.message_tokens = usage.prompt_tokens
        self.answer_tokens = usage.completion_tokens
        self.message_unit_price = usage.prompt_unit_price
        self.message_price_unit = usage.prompt_price_unit
        self.answer_unit_price = usage.completion_unit_price
        self.answer_price_unit = usage.completion_price_unit
        self.total_price = usage.total_price
        self.currency = usage.currency


class Rating(StrEnum):
    LIKE = "like"
    DISLIKE = "dislike"


@dataclass
class Feedback:
    id: UUID
    app_id: UUID
    conversation_id: UUID
    message_id: UUID
    rating: Rating
    from_end_user_id: UUID
    created_at: datetime
    updated_at: datetime
    content: str | None = None
    from_source: str = "user"
