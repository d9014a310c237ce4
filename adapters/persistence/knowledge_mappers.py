"""Rows of the knowledge tables to entities and back."""

from domain.knowledge.dataset import Dataset, IndexingTechnique, Permission
from domain.knowledge.document import DocForm, Document, IndexingStatus
from domain.knowledge.segment import ChildChunk, Segment, SegmentStatus

DATASET_FIELDS = (
    "tenant_id", "name", "description", "provider", "created_by", "created_at", "updated_by", "updated_at",
    "embedding_model", "embedding_model_provider", "retrieval_model", "doc_form", "enable_api",
)
DOCUMENT_FIELDS = (
    "tenant_id", "dataset_id", "position", "name", "batch", "created_at", "updated_at", "created_by",
    "data_source_type", "data_source_info", "dataset_process_rule_id", "created_from", "doc_language",
    "processing_started_at", "parsing_completed_at", "cleaning_completed_at", "splitting_completed_at",
    "completed_at", "paused_at", "stopped_at", "is_paused", "error", "word_count", "tokens", "indexing_latency",
    "enabled", "disabled_at", "disabled_by", "archived", "archived_at", "archived_by", "hit_count",
)
SEGMENT_FIELDS = (
    "tenant_id", "dataset_id", "document_id", "position", "content", "word_count", "tokens", "created_at",
    "updated_at", "created_by", "updated_by", "answer", "keywords", "index_node_id", "index_node_hash", "hit_count",
    "enabled", "disabled_at", "disabled_by", "indexing_at", "completed_at", "error", "stopped_at",
)
CHILD_FIELDS = (
    "tenant_id", "dataset_id", "document_id", "segment_id", "position", "content", "word_count", "created_at",
    "updated_at", "type", "created_by",
)


def dataset_from(row) -> Dataset:
    values = {name: getattr(row, name) for name in DATASET_FIELDS}
    values["description"] = values["description"] or ""
    return Dataset(
        id=row.id, **values, permission=Permission(row.permission),
        indexing_technique=IndexingTechnique(row.indexing_technique) if row.indexing_technique else None,
        author_name=getattr(row, "author_name", None) or "",
    )


def dataset_values(dataset: Dataset) -> dict:
    values = {name: getattr(dataset, name) for name in DATASET_FIELDS}
    technique = dataset.indexing_technique
    return {
        **values, "permission": dataset.permission.value,
        "indexing_technique": technique.value if technique else None,
    }


def document_from(row) -> Document:
    values = {name: getattr(row, name) for name in DOCUMENT_FIELDS}
    values["data_source_info"] = values["data_source_info"] or {}
    values["doc_language"] = values["doc_language"] or "English"
    return Document(
        id=row.id, **values, doc_form=DocForm(row.doc_form), indexing_status=IndexingStatus(row.indexing_status)
    )


def document_values(document: Document) -> dict:
    values = {name: getattr(document, name) for name in DOCUMENT_FIELDS}
    return {**values, "doc_form": document.doc_form.value, "indexing_status": document.indexing_status.value}


def child_from(row) -> ChildChunk:
    return ChildChunk(id=row.id, **{name: getattr(row, name) for name in CHILD_FIELDS})


def child_values(child: ChildChunk) -> dict:
    values = {name: getattr(child, name) for name in CHILD_FIELDS}
    return {**values, "index_node_id": child.index_node_id}


def segment_from(row, children: list[ChildChunk] | None = None) -> Segment:
    values = {name: getattr(row, name) for name in SEGMENT_FIELDS}
    values["keywords"] = values["keywords"] or []
    segment = Segment(id=row.id, **values, status=SegmentStatus(row.status))
    segment.child_chunks = children or []
    return segment


def segment_values(segment: Segment) -> dict:
    return {**{name: getattr(segment, name) for name in SEGMENT_FIELDS}, "status": segment.status.value}
