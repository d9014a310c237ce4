"""From search hits to the records retrieval returns: grouping children under their parents."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from domain.knowledge.document import Document
from domain.knowledge.scoring import Scored
from domain.knowledge.segment import ChildChunk, Segment
from domain.telemetry.catalogue import RETRIEVALS_TOTAL
from domain.telemetry.points import MetricPoint

# Dify's console default for hybrid search without a rerank model (semantic first).
DEFAULT_VECTOR_WEIGHT = 0.7
DEFAULT_KEYWORD_WEIGHT = 0.3
MAX_QUERY_LENGTH = 250


@dataclass(frozen=True, slots=True)
class NodeRef:
    """What a search hit points at: a segment, or a child chunk of a parent segment."""

    segment_id: UUID
    child_id: UUID | None = None


@dataclass(slots=True)
class RetrievedRecord:
    segment: Segment
    document: Document
    score: float
    child_chunks: list[ChildChunk] = field(default_factory=list)


def group_hits(
    ranked: Sequence[Scored], refs: dict[str, NodeRef], segments: dict[UUID, Segment],
    documents: dict[UUID, Document], top_k: int,
) -> list[RetrievedRecord]:
    """Best first, one record per segment (scored by its best child); hits of disabled or unknown
    segments, or of unavailable documents, are dropped; at most top_k records."""
    records: dict[UUID, RetrievedRecord] = {}
    for hit in ranked:
        ref = refs.get(hit.id)
        segment = segments.get(ref.segment_id) if ref else None
        if ref is None or segment is None or not segment.enabled:
            continue
        document = documents.get(segment.document_id)
        if document is None or not document.is_available:
            continue
        record = records.get(segment.id)
        if record is None:
            if len(records) >= top_k:
                continue
            record = records[segment.id] = RetrievedRecord(segment, document, hit.score)
        if ref.child_id is not None:
            child = next((c for c in segment.child_chunks if c.id == ref.child_id), None)
            if child is not None and all(c.id != child.id for c in record.child_chunks):
                child.score = hit.score
                record.child_chunks.append(child)
    return list(records.values())


def retrieval_points(tenant_id: UUID, dataset_id: UUID) -> list[MetricPoint]:
    labels = (("tenant_id", str(tenant_id)), ("app_id", ""), ("dataset_id", str(dataset_id)))
    return [MetricPoint(RETRIEVALS_TOTAL, 1, labels)]
