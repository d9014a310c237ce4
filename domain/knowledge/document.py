"""A document of a knowledge base and its indexing lifecycle (Dify's `documents` row)."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.knowledge.errors import ArchivedDocumentImmutable, DocumentIndexing, InvalidStatusTransition


class IndexingStatus(StrEnum):
    WAITING = "waiting"
    PARSING = "parsing"
    CLEANING = "cleaning"
    SPLITTING = "splitting"
    INDEXING = "indexing"
    COMPLETED = "completed"
    ERROR = "error"
    PAUSED = "paused"


class DocForm(StrEnum):
    TEXT = "text_model"
    HIERARCHICAL = "hierarchical_model"
    QA = "qa_model"


FINAL = frozenset({IndexingStatus.COMPLETED, IndexingStatus.ERROR})
IN_PROGRESS = frozenset(
    {IndexingStatus.PARSING, IndexingStatus.CLEANING, IndexingStatus.SPLITTING, IndexingStatus.INDEXING}
)
# The pipeline moves forward one stage at a time; any unfinished stage may fail or be paused, and a
# waiting or paused document (re)starts at parsing. A finished document is re-queued only as waiting.
_NEXT = {
    IndexingStatus.WAITING: {IndexingStatus.PARSING, IndexingStatus.PAUSED, IndexingStatus.ERROR},
    IndexingStatus.PARSING: {IndexingStatus.CLEANING, IndexingStatus.PARSING},
    IndexingStatus.CLEANING: {IndexingStatus.SPLITTING, IndexingStatus.PARSING},
    IndexingStatus.SPLITTING: {IndexingStatus.INDEXING, IndexingStatus.PARSING},
    IndexingStatus.INDEXING: {IndexingStatus.COMPLETED, IndexingStatus.PARSING},
    IndexingStatus.PAUSED: {IndexingStatus.WAITING, IndexingStatus.PARSING},
    IndexingStatus.ERROR: {IndexingStatus.WAITING},
    IndexingStatus.COMPLETED: {IndexingStatus.WAITING},
}
for _stage in IN_PROGRESS:
    _NEXT[_stage] |= {IndexingStatus.ERROR, IndexingStatus.PAUSED}

_STAMPS = {
    IndexingStatus.CLEANING: "parsing_completed_at",
    IndexingStatus.SPLITTING: "cleaning_completed_at",
    IndexingStatus.INDEXING: "splitting_completed_at",
    IndexingStatus.COMPLETED: "completed_at",
    IndexingStatus.ERROR: "stopped_at",
    IndexingStatus.PAUSED: "paused_at",
}


@dataclass(slots=True)
class Document:
    id: UUID
    tenant_id: UUID
    dataset_id: UUID
    position: int
    name: str
    batch: str
    created_at: datetime
    updated_at: datetime
    created_by: UUID | None = None
    data_source_type: str = "upload_file"
    data_source_info: dict[str, Any] = field(default_factory=dict)
    dataset_process_rule_id: UUID | None = None
    created_from: str = "api"
    doc_form: DocForm = DocForm.TEXT
    doc_language: str = "English"
    indexing_status: IndexingStatus = IndexingStatus.WAITING
    processing_started_at: datetime | None = None
    parsing_completed_at: datetime | None = None
    cleaning_completed_at: datetime | None = None
    splitting_completed_at: datetime | None = None
    completed_at: datetime | None = None
    paused_at: datetime | None = None
    stopped_at: datetime | None = None
    is_paused: bool = False
    error: str | None = None
    word_count: int = 0
    tokens: int = 0
    indexing_latency: float | None = None
    enabled: bool = True
    disabled_at: datetime | None = None
    disabled_by: UUID | None = None
    archived: bool = False
    archived_at: datetime | None = None
    archived_by: UUID | None = None
    hit_count: int = 0

    @property
    def upload_file_id(self) -> str | None:
        return self.data_source_info.get("upload_file_id")

    @property
    def display_status(self) -> str:
        status = self.indexing_status
        if self.is_paused and status not in FINAL:
            return "paused"
        if status is IndexingStatus.WAITING:
            return "queuing"
        if status in IN_PROGRESS:
            return "indexing"
        if status is IndexingStatus.ERROR:
            return "error"
        if self.archived:
            return "archived"
        return "available" if self.enabled else "disabled"

    @property
    def is_available(self) -> bool:
        return self.indexing_status is IndexingStatus.COMPLETED and self.enabled and not self.archived

    def move_to(self, status: IndexingStatus, at: datetime, error: str | None = None) -> None:
        """Records a stage change with its timestamp; raises InvalidStatusTransition for a jump the pipeline
        never makes (e.g. waiting → completed)."""
        if status not in _NEXT[self.indexing_status]:
            raise InvalidStatusTransition(self.indexing_status.value, status.value)
        if status is IndexingStatus.PARSING:
            self.processing_started_at = at
            self.parsing_completed_at = self.cleaning_completed_at = self.splitting_completed_at = None
            self.completed_at = self.stopped_at = self.error = None
            self.is_paused, self.paused_at = False, None
        if status is IndexingStatus.WAITING:
            self.error = self.stopped_at = self.completed_at = None
            self.is_paused, self.paused_at = False, None
        if stamp := _STAMPS.get(status):
            setattr(self, stamp, at)
        if status is IndexingStatus.ERROR:
            self.error = error or "Indexing failed."
        if status is IndexingStatus.PAUSED:
            self.is_paused = True
        if status is IndexingStatus.COMPLETED and self.processing_started_at:
            self.indexing_latency = (at - self.processing_started_at).total_seconds()
        self.indexing_status = status
        self.updated_at = at

    def requeue(self, batch: str, at: datetime) -> None:
        """A new version of the content: back to waiting under a new batch. Refused while it is being indexed."""
        self.check_mutable()
        if self.indexing_status in IN_PROGRESS:
            raise DocumentIndexing()
        if self.indexing_status is not IndexingStatus.WAITING:
            self.move_to(IndexingStatus.WAITING, at)
        self.batch = batch
        self.word_count = self.tokens = 0

    def check_mutable(self) -> None:
        if self.archived:
            raise ArchivedDocumentImmutable()

    def enable(self, at: datetime) -> None:
        self.check_mutable()
        self.enabled, self.disabled_at, self.disabled_by, self.updated_at = True, None, None, at

    def disable(self, by: UUID | None, at: datetime) -> None:
        self.check_mutable()
        if self.enabled:
            self.enabled, self.disabled_at, self.disabled_by, self.updated_at = False, at, by, at

    def archive(self, by: UUID | None, at: datetime) -> None:
        if not self.archived:
            self.archived, self.archived_at, self.archived_by, self.updated_at = True, at, by, at

    def un_archive(self, at: datetime) -> None:
        if self.archived:
            self.archived, self.archived_at, self.archived_by, self.updated_at = False, None, None, at
