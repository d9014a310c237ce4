"""Knowledge objects as Dify's JSON (timestamps in Unix seconds). Strings the OpenAPI document does not
allow to be null are "" when unset, so `if x:` reads the same in a client."""

from application.knowledge.dataset_view import DatasetView
from application.knowledge.get_indexing_status import IndexingProgress
from domain.knowledge.document import Document
from domain.knowledge.repositories import UploadedFile
from domain.knowledge.retrieval_model import DEFAULT_RETRIEVAL_MODEL
from domain.knowledge.segment import ChildChunk, Segment
from entrypoints.http.presenters import epoch


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _id(value: object) -> str | None:
    return None if value is None else str(value)


# weir keeps no icon per dataset: Dify's default book icon, so the console's cards and headers have one to show.
# icon_url is a string in Dify's document even for an emoji icon, which has none.
DEFAULT_ICON = {"icon_type": "emoji", "icon": "📙", "icon_background": "#FFF4ED", "icon_url": ""}


def dataset_json(view: DatasetView) -> dict:
    d = view.dataset
    return {
        "id": str(d.id),
        "name": d.name,
        "description": d.description,
        "provider": d.provider,
        "permission": d.permission.value,
        "data_source_type": "upload_file" if view.document_count else "",
        "indexing_technique": _s(d.indexing_technique and d.indexing_technique.value),
        "app_count": 0,
        "document_count": view.document_count,
        "word_count": view.word_count,
        "created_by": _s(d.created_by),
        "author_name": d.author_name,
        "created_at": epoch(d.created_at),
        "updated_by": _s(d.updated_by),
        "updated_at": epoch(d.updated_at),
        "embedding_model": _s(d.embedding_model),
        "embedding_model_provider": _s(d.embedding_model_provider),
        "embedding_available": True,
        "retrieval_model_dict": d.retrieval_model or DEFAULT_RETRIEVAL_MODEL.to_dict(),
        "summary_index_setting": None,
        "tags": [{"id": str(t.id), "name": t.name, "type": t.type} for t in view.tags],
        "doc_form": _s(d.doc_form),
        "external_knowledge_info": None,
        "external_retrieval_model": {"top_k": 2, "score_threshold": 0.0, "score_threshold_enabled": False},
        "doc_metadata": [],
        "built_in_field_enabled": False,
        "pipeline_id": None,
        "runtime_mode": "general",
        "chunk_structure": None,
        "icon_info": dict(DEFAULT_ICON),
        "is_published": False,
        "total_documents": view.document_count,
        "total_available_documents": view.available_document_count,
        "enable_api": d.enable_api,
        "is_multimodal": False,
        "maintainer": None,
    }


def upload_json(upload: UploadedFile) -> dict:
    return {
        "id": str(upload.id),
        "name": upload.name,
        "size": upload.size,
        "extension": upload.extension,
        "mime_type": _s(upload.mime_type),
        "created_by": _s(upload.created_by),
        "created_at": epoch(upload.created_at),
    }


def document_json(doc: Document) -> dict:
    return {
        "id": str(doc.id),
        "position": doc.position,
        "data_source_type": doc.data_source_type,
        "data_source_info": doc.data_source_info,
        "data_source_detail_dict": {},
        "dataset_process_rule_id": _s(doc.dataset_process_rule_id),
        "name": doc.name,
        "created_from": doc.created_from,
        "created_by": _s(doc.created_by),
        "created_at": epoch(doc.created_at),
        "tokens": doc.tokens,
        "indexing_status": doc.indexing_status.value,
        "error": doc.error,
        "enabled": doc.enabled,
        "disabled_at": epoch(doc.disabled_at),
        "disabled_by": _id(doc.disabled_by),
        "archived": doc.archived,
        "display_status": doc.display_status,
        "word_count": doc.word_count,
        "hit_count": doc.hit_count,
        "doc_form": doc.doc_form.value,
        "doc_metadata": [],
        "summary_index_status": None,
        "need_summary": False,
    }


def child_json(child: ChildChunk) -> dict:
    return {
        "id": str(child.id),
        "segment_id": str(child.segment_id),
        "content": child.content,
        "position": child.position,
        "word_count": child.word_count,
        "type": child.type,
        "created_at": epoch(child.created_at),
        "updated_at": epoch(child.updated_at),
    }


def segment_json(seg: Segment, *, children: bool = True) -> dict:
    body = {
        "id": str(seg.id),
        "position": seg.position,
        "document_id": str(seg.document_id),
        "content": seg.content,
        "sign_content": seg.content,
        "answer": _s(seg.answer),
        "word_count": seg.word_count,
        "tokens": seg.tokens,
        "keywords": seg.keywords,
        "index_node_id": seg.index_node_id,
        "index_node_hash": seg.index_node_hash,
        "hit_count": seg.hit_count,
        "enabled": seg.enabled,
        "disabled_at": epoch(seg.disabled_at),
        "disabled_by": _id(seg.disabled_by),
        "status": seg.status.value,
        "created_by": _s(seg.created_by),
        "created_at": epoch(seg.created_at),
        "updated_at": epoch(seg.updated_at),
        "updated_by": _s(seg.updated_by),
        "indexing_at": epoch(seg.indexing_at),
        "completed_at": epoch(seg.completed_at),
        "error": seg.error,
        "stopped_at": epoch(seg.stopped_at),
    }
    if children:
        body.update(child_chunks=[child_json(c) for c in seg.child_chunks], attachments=[], summary=None)
    return body


def indexing_progress_json(progress: IndexingProgress) -> dict:
    """A document's stage, stage times and chunks done / total (Dify's document status)."""
    doc = progress.document
    return {
        "id": str(doc.id),
        "indexing_status": doc.indexing_status.value,
        "processing_started_at": epoch(doc.processing_started_at),
        "parsing_completed_at": epoch(doc.parsing_completed_at),
        "cleaning_completed_at": epoch(doc.cleaning_completed_at),
        "splitting_completed_at": epoch(doc.splitting_completed_at),
        "completed_at": epoch(doc.completed_at),
        "paused_at": epoch(doc.paused_at),
        "error": doc.error,
        "stopped_at": epoch(doc.stopped_at),
        "completed_segments": progress.completed_segments,
        "total_segments": progress.total_segments,
    }
