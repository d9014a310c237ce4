"""A document's chunks as the segment rows (and child chunk rows) that store them."""

from collections.abc import Sequence
from datetime import datetime

from domain.knowledge.chunking import Chunk, ParentChunk
from domain.knowledge.document import Document
from domain.knowledge.segment import ChildChunk, Segment, SegmentStatus, child_id_for, segment_id_for


def _segment(document: Document, chunk: Chunk | ParentChunk, at: datetime) -> Segment:
    position = chunk.position + 1  # Dify's segments count from 1
    return Segment(
        id=segment_id_for(document.id, position), tenant_id=document.tenant_id, dataset_id=document.dataset_id,
        document_id=document.id, position=position, content=chunk.content, word_count=chunk.word_count,
        tokens=chunk.tokens, created_at=at, updated_at=at, created_by=document.created_by,
        status=SegmentStatus.INDEXING, indexing_at=at,
    )


def segments_of(document: Document, chunks: Sequence[Chunk], at: datetime) -> list[Segment]:
    return [_segment(document, chunk, at) for chunk in chunks]


def parent_segments_of(document: Document, parents: Sequence[ParentChunk], at: datetime) -> list[Segment]:
    segments = []
    for parent in parents:
        segment = _segment(document, parent, at)
        segment.child_chunks = [
            ChildChunk(
                id=child_id_for(segment.id, child.position + 1), tenant_id=document.tenant_id,
                dataset_id=document.dataset_id, document_id=document.id, segment_id=segment.id,
                position=child.position + 1, content=child.content, word_count=child.word_count,
                created_at=at, updated_at=at, created_by=document.created_by,
            )
            for child in parent.children
        ]
        segments.append(segment)
    return segments
