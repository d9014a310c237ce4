"""An app's annotations, its annotation-reply setting, the hits and the background jobs that index them."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

QUESTION_MAX = 10_000  # characters Dify keeps of a question or an answer typed in


def collection_name(app_id: UUID) -> str:
    """The vector collection of an app's annotation questions (one per app, as Dify's annotation index)."""
    return f"Annotation_{app_id.hex}"


@dataclass
class Annotation:
    id: UUID
    app_id: UUID
    question: str
    content: str  # the answer
    account_id: UUID | None
    created_at: datetime
    updated_at: datetime
    hit_count: int = 0
    message_id: UUID | None = None

    def edit(self, question: str, content: str, at: datetime) -> None:
        self.question = question
        self.content = content
        self.updated_at = at


@dataclass
class AnnotationSetting:
    """Annotation reply is on for an app exactly when it has a setting (Dify's app_annotation_settings)."""

    id: UUID
    app_id: UUID
    score_threshold: float
    embedding_provider: str
    embedding_model: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AnnotationHit:
    """One reply given from an annotation (Dify's app_annotation_hit_histories)."""

    id: UUID
    annotation_id: UUID
    app_id: UUID
    source: str  # the caller: api, console, web app
    query: str
    score: float
    message_id: UUID
    annotation_question: str
    annotation_content: str
    created_at: datetime
    end_user_id: UUID | None = None
    account_id: UUID | None = None


class JobKind(StrEnum):
    ENABLE = "enable"
    DISABLE = "disable"
    IMPORT = "import"


class JobStatus(StrEnum):
    WAITING = "waiting"
    PROCESSING = "processing"
    COMPLETED = "completed"
    ERROR = "error"


@dataclass
class AnnotationJob:
    """A background change of an app's annotations: turning reply on or off, or a CSV import.

    `payload` carries what the job needs (the embedding model and threshold, or the imported rows)."""

    id: UUID
    app_id: UUID
    kind: JobKind
    created_at: datetime
    status: JobStatus = JobStatus.WAITING
    error: str = ""
    payload: dict | None = None

    def fail(self, error: str) -> None:
        self.status = JobStatus.ERROR
        self.error = error
