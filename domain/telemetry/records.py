"""What telemetry reads of a finished run, node or message: plain snapshots of the persisted rows."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

WORKFLOW_ENDED = frozenset({"succeeded", "failed", "stopped", "partial-succeeded"})
NODE_ENDED = frozenset({"succeeded", "failed", "exception", "stopped"})


def count_of(value: object) -> int:
    """A token count kept in a node's metadata (JSON: an int, a numeric string, or missing) as an int."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True, slots=True)
class WorkflowRunRecord:
    id: UUID
    tenant_id: UUID
    app_id: UUID
    workflow_id: UUID
    status: str
    created_at: datetime
    finished_at: datetime | None
    elapsed_time: float
    total_tokens: int
    triggered_from: str
    error: str | None = None
    conversation_id: UUID | None = None
    message_id: UUID | None = None
    invoked_by: str = "anonymous"

    @property
    def ended(self) -> bool:
        return self.status in WORKFLOW_ENDED and self.finished_at is not None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True, slots=True)
class NodeExecutionRecord:
    id: UUID
    tenant_id: UUID
    app_id: UUID
    workflow_id: UUID
    workflow_run_id: UUID | None
    node_id: str
    node_type: str
    title: str
    index: int
    status: str
    created_at: datetime
    finished_at: datetime | None
    elapsed_time: float
    error: str | None = None
    predecessor_node_id: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    model_provider: str | None = None
    model_name: str | None = None

    @property
    def ended(self) -> bool:
        return self.status in NODE_ENDED and self.finished_at is not None

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "exception")


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: UUID
    tenant_id: UUID
    app_id: UUID
    conversation_id: UUID | None
    model_provider: str
    model_name: str
    status: str
    created_at: datetime
    updated_at: datetime | None
    provider_response_latency: float
    message_tokens: int
    answer_tokens: int
    invoke_from: str
    error: str | None = None
    time_to_first_token: float | None = None
    from_source: str = "api"
    streaming: bool = False
    finished: bool = True

    @property
    def failed(self) -> bool:
        return self.status == "error"


@dataclass(frozen=True, slots=True)
class EventTimes:
    """Timestamps the producer saw when it finished the work, carried in the trace job.

    Used only when the persisted row never catches up (storage lost or late past the retry budget).
    """

    started_at: datetime | None = None
    finished_at: datetime | None = None
    status: str | None = None
