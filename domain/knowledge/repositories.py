"""What the knowledge use cases need from persistence: datasets, documents, segments and their rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from domain.knowledge.dataset import Dataset
from domain.knowledge.document import Document, IndexingStatus
from domain.knowledge.metadata import MetadataField
from domain.knowledge.process_rule import ProcessRule
from domain.knowledge.queries import DatasetQuery
from domain.knowledge.segment import ChildChunk, Segment
from domain.knowledge.tags import TAG_TYPE, Tag

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A stored upload (Dify's `upload_files` row); `key` is where the bytes are in the file store."""

    id: UUID
    tenant_id: UUID
    name: str
    key: str
    size: int
    extension: str
    mime_type: str | None
    created_by: UUID | None
    created_at: datetime


class DatasetRepository(Protocol):
    async def add(self, dataset: Dataset) -> None:
        """Raises DatasetNameDuplicate when the workspace has a dataset of that name (at commit or before)."""

    async def get(self, tenant_id: UUID, dataset_id: UUID) -> Dataset | None: ...

    async def get_for_update(self, tenant_id: UUID, dataset_id: UUID) -> Dataset | None:
        """The dataset, locked until the unit of work ends (serialises first-document set-up)."""

    async def name_taken(self, tenant_id: UUID, name: str, except_id: UUID | None = None) -> bool: ...

    async def update(self, dataset: Dataset) -> None: ...

    async def delete(self, dataset_id: UUID) -> None:
        """Removes the dataset with its documents, segments, child chunks and process rules."""

    async def list(self, tenant_id: UUID, *, page: int, limit: int, keyword: str | None) -> Page[Dataset]: ...

    async def counts(self, dataset_ids: Sequence[UUID]) -> dict[UUID, tuple[int, int, int]]:
        """(document count, available document count, word count) per dataset."""

    async def owner_of(self, tenant_id: UUID) -> UUID | None:
        """The workspace owner's account: who a dataset key acts as."""


class DocumentRepository(Protocol):
    async def add(self, document: Document) -> None: ...

    async def get(self, dataset_id: UUID, document_id: UUID) -> Document | None: ...

    async def get_by_id(self, document_id: UUID) -> Document | None: ...

    async def update(self, document: Document) -> None: ...

    async def delete(self, document_id: UUID) -> None:
        """Removes the document with its segments and child chunks."""

    async def next_position(self, dataset_id: UUID) -> int: ...

    async def list(
        self, dataset_id: UUID, *, page: int, limit: int, keyword: str | None, display_status: str | None
    ) -> Page[Document]: ...

    async def in_batch(self, dataset_id: UUID, batch: str) -> list[Document]: ...

    async def many(self, dataset_id: UUID, document_ids: Sequence[UUID]) -> list[Document]: ...

    async def available_ids(self, dataset_id: UUID) -> tuple[list[UUID], bool]:
        """Documents retrieval may return (completed, enabled, not archived), and whether they are all of the
        dataset's documents (then a search needs no document filter)."""

    async def unfinished(self, statuses: Sequence[IndexingStatus], updated_before: datetime) -> list[Document]:
        """Documents in one of the statuses, last changed before the given time (for recovery)."""

    async def lock_dataset_indexing(self, dataset_id: UUID) -> None:
        """Until this transaction ends, no other transaction passes this call for the same dataset."""

    async def others_to_index(self, dataset_id: UUID, document_id: UUID, statuses: Sequence[IndexingStatus]) -> bool:
        """Whether another document of the dataset, not paused, is in one of the statuses."""

    async def add_process_rule(self, rule_id: UUID, dataset_id: UUID, rule: ProcessRule, by: UUID | None) -> None: ...

    async def process_rule(self, rule_id: UUID) -> ProcessRule | None: ...

    async def add_upload(self, upload: UploadedFile) -> None: ...

    async def upload(self, upload_id: UUID) -> UploadedFile | None: ...


class SegmentRepository(Protocol):
    async def replace_for_document(self, document_id: UUID, segments: Sequence[Segment]) -> None:
        """Deletes the document's segments and child chunks, then inserts these (with their children)."""

    async def add(self, segments: Sequence[Segment]) -> None: ...

    async def get(self, document_id: UUID, segment_id: UUID) -> Segment | None:
        """With its child chunks."""

    async def update(self, segment: Segment) -> None: ...

    async def delete(self, segment_id: UUID) -> None: ...

    async def mark_completed(self, segment_ids: Sequence[UUID], at: datetime) -> None: ...

    async def progress(self, document_ids: Sequence[UUID]) -> dict[UUID, tuple[int, int]]:
        """(completed segments, total segments) per document."""

    async def list(
        self, document_id: UUID, *, page: int, limit: int, keyword: str | None, statuses: Sequence[str],
        enabled: bool | None = None, min_hits: int | None = None,
    ) -> Page[Segment]:
        """Ordered by position, each with its child chunks; `enabled` and `min_hits` (hit_count at least) filter
        when given."""

    async def by_ids(self, segment_ids: Sequence[UUID]) -> list[Segment]:
        """With their child chunks."""

    async def next_position(self, document_id: UUID) -> int: ...

    async def add_hits(self, segment_ids: Sequence[UUID]) -> None: ...

    async def children_by_ids(self, child_ids: Sequence[UUID]) -> list[ChildChunk]: ...

    async def add_child(self, child: ChildChunk) -> None: ...

    async def update_child(self, child: ChildChunk) -> None: ...

    async def delete_child(self, child_id: UUID) -> None: ...

    async def list_children(
        self, segment_id: UUID, *, page: int, limit: int, keyword: str | None
    ) -> Page[ChildChunk]: ...


class TagRepository(Protocol):
    """Tags of one kind at a time: `kind` is Dify's tag type, "knowledge" (datasets) or "app" (studio apps)."""

    async def add(self, tag: Tag) -> None: ...

    async def get(self, tenant_id: UUID, tag_id: UUID, kind: str = TAG_TYPE) -> Tag | None: ...

    async def name_taken(self, tenant_id: UUID, name: str, kind: str = TAG_TYPE) -> bool: ...

    async def rename(self, tag: Tag) -> None: ...

    async def delete(self, tag_id: UUID) -> None:
        """Removes the tag and its bindings."""

    async def list(self, tenant_id: UUID, keyword: str | None, kind: str = TAG_TYPE) -> list[Tag]:
        """The workspace's tags of the kind, newest first, each with its binding count."""

    async def bind(self, tenant_id: UUID, tag_ids: Sequence[UUID], target_id: UUID, by: UUID | None) -> None:
        """Binds each tag to the target once (binding again changes nothing)."""

    async def unbind(self, tag_ids: Sequence[UUID], target_id: UUID) -> None: ...

    async def of_targets(self, target_ids: Sequence[UUID], kind: str = TAG_TYPE) -> dict[UUID, list[Tag]]: ...

    async def targets_with_all(self, tenant_id: UUID, tag_ids: Sequence[UUID]) -> set[UUID]:
        """The targets bound to every one of the tags."""


class MetadataRepository(Protocol):
    async def add(self, field: MetadataField) -> None: ...

    async def get(self, dataset_id: UUID, metadata_id: UUID) -> MetadataField | None: ...

    async def list(self, dataset_id: UUID) -> list[MetadataField]:
        """The dataset's fields by creation, each with the number of documents that have a value for it."""

    async def name_taken(self, dataset_id: UUID, name: str) -> bool: ...

    async def rename(self, field: MetadataField, old_name: str) -> None:
        """Renames the field and the key of its values on the dataset's documents."""

    async def delete(self, field: MetadataField) -> None:
        """Removes the field and its values from the dataset's documents."""

    async def set_built_in(self, dataset_id: UUID, enabled: bool) -> None: ...

    async def built_in_enabled(self, dataset_id: UUID) -> bool: ...

    async def values(self, dataset_id: UUID, document_ids: Sequence[UUID]) -> dict[UUID, dict]:
        """Each document's values by field name ({} when it has none); unknown documents are left out."""

    async def set_values(self, document_id: UUID, values: dict) -> None: ...

    async def built_in_values(self, dataset_id: UUID, document_ids: Sequence[UUID]) -> dict[UUID, dict]:
        """Each document's built-in field values (domain.knowledge.metadata.built_in_values); the uploader is
        the name of the account that created it."""


class QueryRepository(Protocol):
    async def add(self, query: DatasetQuery) -> None: ...

    async def list(self, dataset_id: UUID, *, page: int, limit: int) -> Page[DatasetQuery]:
        """Newest first."""
