"""Chunks of a document as stored and returned (Dify's `document_segments` and `child_chunks` rows).

A segment's id, and a child's, are derived from its document and position, so indexing a document
twice writes the same rows and the same vector ids (a re-run replaces, it never duplicates).
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class SegmentStatus(StrEnum):
    WAITING = "waiting"
    INDEXING = "indexing"
    COMPLETED = "completed"
    ERROR = "error"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def segment_id_for(document_id: UUID, position: int) -> UUID:
    return uuid.uuid5(document_id, f"segment/{position}")


def child_id_for(segment_id: UUID, position: int) -> UUID:
    return uuid.uuid5(segment_id, f"child/{position}")


@dataclass(slots=True)
class ChildChunk:
    id: UUID
    tenant_id: UUID
    dataset_id: UUID
    document_id: UUID
    segment_id: UUID
    position: int
    content: str
    word_count: int
    created_at: datetime
    updated_at: datetime
    type: str = "automatic"
    created_by: UUID | None = None
    score: float | None = field(default=None, compare=False)

    @property
    def index_node_id(self) -> str:
        return str(self.id)

    def edit(self, content: str, at: datetime) -> None:
        self.content, self.word_count, self.type, self.updated_at = content, len(content), "customized", at


@dataclass(slots=True)
class Segment:
    id: UUID
    tenant_id: UUID
    dataset_id: UUID
    document_id: UUID
    position: int
    content: str
    word_count: int
    tokens: int
    created_at: datetime
    updated_at: datetime
    created_by: UUID | None = None
    updated_by: UUID | None = None
    answer: str | None = None
    keywords: list[str] = field(default_factory=list)
    index_node_id: str = ""
    index_node_hash: str = ""
    hit_count: int = 0
    enabled: bool = True
    disabled_at: datetime | None = None
    disabled_by: UUID | None = None
    status: SegmentStatus = SegmentStatus.WAITING
    indexing_at: datetime | None = None
    completed_at: datetime | None = None
    error: str | None = None
    stopped_at: datetime | None = None
    child_chunks: list[ChildChunk] = field(default_factory=list, compare=False)

    def __post_init__(self) -> None:
        self.index_node_id = self.index_node_id or str(self.id)
        self.index_node_hash = self.index_node_hash or content_hash(self.content)

    @property
    def context_text(self) -> str:
        """What a prompt's context takes of the segment: a Q&A segment as Dify writes it, question then answer."""
        return f"question:{self.content} \nanswer:{self.answer}" if self.answer else self.content

    def edit(self, content: str, tokens: int, by: UUID | None, at: datetime) -> None:
        self.content, self.word_count, self.tokens = content, len(content), tokens
        self.index_node_hash = content_hash(content)
        self.updated_by, self.updated_at = by, at

    def set_enabled(self, enabled: bool, by: UUID | None, at: datetime) -> None:
        """Switching a chunk on or off is not an edit of it: updated_at stays (the console marks a chunk
        EDITED when it is later than created_at; Dify leaves it too)."""
        if enabled != self.enabled:
            self.enabled = enabled
            self.disabled_at, self.disabled_by = (None, None) if enabled else (at, by)

    def mark_completed(self, at: datetime) -> None:
        self.status, self.completed_at = SegmentStatus.COMPLETED, at
