"""Knowledge routes only the console has (the rest are the Knowledge API's, mounted by console/knowledge.py)."""

from quart import Blueprint, request

from application.knowledge.create_from_uploads import FromUploadsRequest
from application.knowledge.dataset_view import DatasetView
from application.knowledge.estimate_indexing import EstimateIndexingRequest, IndexingEstimate
from application.knowledge.guards import Actor
from application.knowledge.update_document import UpdateDocumentRequest
from domain.knowledge.chunking import ParentChunk
from domain.knowledge.metadata import BUILT_IN_FIELDS
from domain.knowledge.process_rule import AUTOMATIC_RULE
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.console import dataset_documents, dataset_segments
from entrypoints.http.dataset_api import documents as knowledge_documents
from entrypoints.http.dataset_api.presenters import dataset_json, document_json, indexing_progress_json
from entrypoints.http.dataset_api.requests import actor, dataset_id, document_id, tenant_id
from entrypoints.http.deps import container
from entrypoints.http.presenters import epoch
from entrypoints.http.query import limit_arg, page_arg

bp = Blueprint("console_datasets", __name__)
# Registered through this blueprint, so the app registers one knowledge blueprint for the console.
bp.register_blueprint(dataset_documents.bp)
bp.register_blueprint(dataset_segments.bp)

# Every vector store weir offers (pgvector, Milvus, memory) serves all three, beside its keyword index.
RETRIEVAL_METHODS = ["semantic_search", "full_text_search", "hybrid_search"]


@bp.get("/datasets/retrieval-setting")
@console_login_required
async def retrieval_setting() -> dict:
    return {"retrieval_method": RETRIEVAL_METHODS}


@bp.get("/datasets/retrieval-setting/<vector_type>")
@console_login_required
async def retrieval_setting_of(vector_type: str) -> dict:
    return {"retrieval_method": RETRIEVAL_METHODS}


MAX_SEGMENTATION_TOKENS = 4000  # Dify's INDEXING_MAX_SEGMENTATION_TOKENS_LENGTH default


@bp.get("/datasets/process-rule")
@console_login_required
async def default_process_rule() -> dict:
    """The default rule; with `document_id`, the rule that document was cut with (Dify's: its settings page)."""
    rule = AUTOMATIC_RULE
    if raw := request.args.get("document_id"):
        rule = await container().knowledge.document_process_rule().execute(tenant_id(), document_id(raw)) or rule
    return {**rule.to_dict(), "limits": {"indexing_max_segmentation_tokens_length": MAX_SEGMENTATION_TOKENS}}


@bp.get("/datasets/external-knowledge-api")
@console_login_required
async def external_knowledge_apis() -> dict:
    # External knowledge bases are not connected in weir: none are configured.
    return {"data": [], "has_more": False, "limit": 10, "total": 0, "page": 1}


def _file_ids(body: dict) -> object:
    """The uploads a creation or preview names: `info_list.file_info_list.file_ids` (files are the only source)."""
    source = body.get("info_list") or (body.get("data_source") or {}).get("info_list") or {}
    if not isinstance(source, dict):
        raise InvalidParam("info_list must be an object.", param="info_list")
    if source.get("data_source_type", "upload_file") != "upload_file":
        raise InvalidParam("Data source type not support", param="data_source_type")
    return (source.get("file_info_list") or {}).get("file_ids")


def _from_uploads(body: dict, dataset: str | None = None) -> FromUploadsRequest:
    session = console_session()
    return FromUploadsRequest(
        actor=Actor(tenant_id=session.tenant.id, account_id=session.account.id),
        file_ids=_file_ids(body),
        dataset_id=dataset_id(dataset) if dataset is not None else None,
        indexing_technique=body.get("indexing_technique"),
        doc_form=body.get("doc_form"),
        doc_language=body.get("doc_language"),
        process_rule=body.get("process_rule"),
        retrieval_model=body.get("retrieval_model"),
        embedding_model=body.get("embedding_model"),
        embedding_model_provider=body.get("embedding_model_provider"),
    )


@bp.post("/datasets/init")
@console_login_required
async def init_dataset() -> dict:
    made = await container().console.create_documents_from_uploads().execute(_from_uploads(await json_object()))
    return {
        "dataset": dataset_json(DatasetView(made.dataset)),
        "documents": [document_json(d) for d in made.documents],
        "batch": made.batch,
    }


@bp.post("/datasets/<raw_id>/documents")
@console_login_required
async def add_documents(raw_id: str) -> dict:
    """More files for a knowledge base, or (original_document_id) a document's chunk settings changed."""
    body = await json_object()
    original = body.get("original_document_id")
    if original:
        updated = (
            await container()
            .knowledge.update_document()
            .execute(
                UpdateDocumentRequest(
                    actor=await actor(),
                    dataset_id=dataset_id(raw_id),
                    document_id=document_id(str(original)),
                    process_rule=body.get("process_rule"),
                    doc_form=body.get("doc_form"),
                    doc_language=body.get("doc_language"),
                )
            )
        )
        documents, batch = [updated.document], updated.batch
    else:
        made = await container().console.create_documents_from_uploads().execute(_from_uploads(body, raw_id))
        documents, batch = made.documents, made.batch
    view = await container().knowledge.get_dataset().execute(tenant_id(), dataset_id(raw_id))
    return {"dataset": dataset_json(view), "documents": [document_json(d) for d in documents], "batch": batch}


def _estimate_json(estimate: IndexingEstimate) -> dict:
    preview = [
        {
            "content": chunk.content,
            "child_chunks": [c.content for c in chunk.children] if isinstance(chunk, ParentChunk) else None,
            "summary": None,
        }
        for chunk in estimate.preview
    ]
    qa = [{"question": p.question, "answer": p.answer} for p in estimate.qa_preview]
    return {
        "total_segments": estimate.total_segments,
        "preview": preview,
        "qa_preview": qa if qa else None,
        # The web's type reads these too; weir's local embedding costs nothing.
        "total_nodes": estimate.total_segments,
        "tokens": estimate.tokens,
        "total_price": 0,
        "currency": "USD",
    }


@bp.post("/datasets/indexing-estimate")
@console_login_required
async def indexing_estimate() -> dict:
    body = await json_object()
    raw_dataset = body.get("dataset_id")
    estimate = (
        await container()
        .console.estimate_indexing()
        .execute(
            EstimateIndexingRequest(
                actor=await actor(),
                file_ids=_file_ids(body),
                process_rule=body.get("process_rule"),
                indexing_technique=body.get("indexing_technique"),
                doc_form=body.get("doc_form"),
                doc_language=body.get("doc_language"),
                dataset_id=dataset_id(str(raw_dataset)) if raw_dataset else None,
            )
        )
    )
    return _estimate_json(estimate)


@bp.get("/datasets/<raw_id>/documents/<raw_doc>/indexing-estimate")
@console_login_required
async def document_indexing_estimate(raw_id: str, raw_doc: str) -> dict:
    estimate = (
        await container()
        .knowledge.estimate_document_indexing()
        .execute(tenant_id(), dataset_id(raw_id), document_id(raw_doc))
    )
    return _estimate_json(estimate)


@bp.get("/datasets/<raw_id>/error-docs")
@console_login_required
async def error_documents(raw_id: str) -> dict:
    found = await container().knowledge.list_error_documents().execute(tenant_id(), dataset_id(raw_id))
    return {"data": [indexing_progress_json(p) for p in found], "total": len(found)}


@bp.get("/datasets/<raw_id>/queries")
@console_login_required
async def queries(raw_id: str) -> dict:
    """Retrieval testing's history, newest first."""
    page, limit = page_arg(), limit_arg()
    found = await container().knowledge.list_dataset_queries().execute(tenant_id(), dataset_id(raw_id), page, limit)
    return {
        "data": [
            {
                "id": str(q.id),
                "queries": [{"content_type": "text_query", "content": q.content, "file_info": None}],
                "source": q.source,
                "source_app_id": str(q.source_app_id) if q.source_app_id else None,
                "created_by_role": q.created_by_role,
                "created_by": str(q.created_by) if q.created_by else None,
                "created_at": epoch(q.created_at),
            }
            for q in found.items
        ],
        "has_more": page * limit < found.total,
        "limit": limit,
        "total": found.total,
        "page": page,
    }


@bp.get("/datasets/<raw_id>/related-apps")
@console_login_required
async def related_apps(raw_id: str) -> dict:
    apps = await container().console.find_apps_using_dataset().execute(tenant_id(), dataset_id(raw_id))
    return {
        "data": [
            {
                "id": str(a.id),
                "name": a.name,
                "description": a.description,
                "mode": a.mode.value,
                "icon_type": a.icon_type.value,
                "icon": a.icon,
                "icon_background": a.icon_background,
                "icon_url": None,
            }
            for a in apps
        ],
        "total": len(apps),
    }


@bp.get("/datasets/<raw_id>/use-check")
@console_login_required
async def use_check(raw_id: str) -> dict:
    """Asked before a knowledge base is deleted, to warn that apps retrieve from it."""
    apps = await container().console.find_apps_using_dataset().execute(tenant_id(), dataset_id(raw_id))
    return {"is_using": bool(apps)}


@bp.get("/datasets/<raw_id>/auto-disable-logs")
@console_login_required
async def auto_disable_logs(raw_id: str) -> dict:
    # Dify disables documents nobody retrieved for a while (a cloud plan's cleanup); weir never does.
    await container().knowledge.get_dataset().execute(tenant_id(), dataset_id(raw_id))
    return {"document_ids": [], "count": 0}


@bp.get("/datasets/metadata/built-in")
@console_login_required
async def built_in_metadata_fields() -> dict:
    return {"fields": [{"name": name, "type": kind} for name, kind in BUILT_IN_FIELDS]}


@bp.get("/datasets/api-base-info")
@console_login_required
async def api_base_info() -> dict:
    # The Knowledge API is served by this same server, under /v1.
    return {"api_base_url": request.host_url.rstrip("/") + "/v1"}


@bp.get("/datasets/<raw_id>/batch/<batch>/indexing-status")
@console_login_required
async def batch_indexing_status(raw_id: str, batch: str):
    # The Knowledge API's view of a batch (the console names the same resource by another path).
    return await knowledge_documents.indexing_status.__wrapped__(raw_id, batch)


@bp.post("/datasets/<raw_id>/api-keys/<status>")
@console_login_required
async def set_api_access(raw_id: str, status: str) -> dict:
    if status not in ("enable", "disable"):
        raise InvalidParam("status must be enable or disable", param="status")
    session = console_session()
    await (
        container()
        .knowledge.set_dataset_api_access()
        .execute(session.tenant.id, session.account.id, dataset_id(raw_id), status == "enable")
    )
    return {"result": "success"}
