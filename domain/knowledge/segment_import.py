"""A CSV import of chunks into a document (Dify's segment batch import), run in the background."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol
from uuid import UUID


class ImportStatus(StrEnum):
    WAITING = "waiting"
    PROCESSING = "processing"
    COMPLETED = "completed"
    ERROR = "error"


@dataclass
class SegmentImportJob:
    """The CSV's rows are kept with the job until it ends; `imported` counts those already added, so a job
    picked up again (a redelivered message, a worker lost) goes on after them."""

    id: UUID
    tenant_id: UUID
    dataset_id: UUID
    document_id: UUID
    account_id: UUID | None
    created_at: datetime
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    imported: int = 0
    status: ImportStatus = ImportStatus.WAITING
    error: str = ""

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.COMPLETED, ImportStatus.ERROR)

    def end(self, error: str | None = None) -> None:
        self.status = ImportStatus.ERROR if error is not None else ImportStatus.COMPLETED
        self.error = error or ""
        self.rows = []


class SegmentImportQueue(Protocol):
    async def enqueue(self, job_id: UUID) -> None:
        """Hands the stored job to a worker (or this process). Errors: StoreUnavailable."""


class SegmentImportRepository(Protocol):
    async def add(self, job: SegmentImportJob) -> None: ...

    async def get(self, job_id: UUID) -> SegmentImportJob | None: ...

    async def update(self, job: SegmentImportJob) -> None:
        """Stores its status, counts, error and rows (and when: its updated_at)."""

    async def unfinished(self, updated_before: datetime) -> list[UUID]:
        """Jobs waiting or processing, unchanged since that time."""
