"""Knowledge routes only the console has (the rest are the Knowledge API's, mounted by console/knowledge.py)."""

from quart import Blueprint

from application.knowledge.create_from_uploads import FromUploadsRequest
from application.knowledge.dataset_view import DatasetView
from application.knowledge.guards import Actor
from domain.knowledge.process_rule import AUTOMATIC_RULE
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api import documents as knowledge_documents
from entrypoints.http.dataset_api.presenters import dataset_json, document_json
from entrypoints.http.deps import container

bp = Blueprint("console_datasets", __name__)

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
    return {**AUTOMATIC_RULE.to_dict(), "limits": {"indexing_max_segmentation_tokens_length": MAX_SEGMENTATION_TOKENS}}


@bp.get("/datasets/external-knowledge-api")
@console_login_required
async def external_knowledge_apis() -> dict:
    # External knowledge bases are not connected in weir: none are configured.
    return {"data": [], "has_more": False, "limit": 10, "total": 0, "page": 1}


@bp.post("/datasets/init")
@console_login_required
async def init_dataset() -> dict:
    body = await json_object()
    session = console_session()
    source = (body.get("data_source") or {}).get("info_list") or {}
    file_ids = (source.get("file_info_list") or {}).get("file_ids")
    made = (
        await container()
        .console.create_documents_from_uploads()
        .execute(
            FromUploadsRequest(
                actor=Actor(tenant_id=session.tenant.id, account_id=session.account.id),
                file_ids=file_ids,
                indexing_technique=body.get("indexing_technique"),
                doc_form=body.get("doc_form"),
                doc_language=body.get("doc_language"),
                process_rule=body.get("process_rule"),
                retrieval_model=body.get("retrieval_model"),
                embedding_model=body.get("embedding_model"),
                embedding_model_provider=body.get("embedding_model_provider"),
            )
        )
    )
    return {
        "dataset": dataset_json(DatasetView(made.dataset)),
        "documents": [document_json(d) for d in made.documents],
        "batch": made.batch,
    }


@bp.get("/datasets/<raw_id>/batch/<batch>/indexing-status")
@console_login_required
async def batch_indexing_status(raw_id: str, batch: str):
    # The Knowledge API's view of a batch (the console names the same resource by another path).
    return await knowledge_documents.indexing_status.__wrapped__(raw_id, batch)
