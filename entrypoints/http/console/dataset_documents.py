"""Document routes only the console has: the document page's own indexing status, and the documents list's
batch actions (the ids in the query string, as the web sends them). Each reuses the Knowledge API's use cases."""

from quart import Blueprint, Response, jsonify, request

from application.knowledge.set_documents_status import SetDocumentsStatusRequest
from domain.knowledge.errors import DocumentNotFound
from entrypoints.http.auth import console_login_required
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api.presenters import document_json, indexing_progress_json
from entrypoints.http.dataset_api.requests import actor, dataset_id, document_id, path_id, tenant_id
from entrypoints.http.deps import container

bp = Blueprint("documents", __name__)


def _query_ids(name: str) -> list:
    """`?name=a&name=b` (the web's repeated parameter) as ids; a malformed one names nothing (404)."""
    return [path_id(raw, DocumentNotFound) for raw in request.args.getlist(name) if raw]


# The same path as the Knowledge API's batch status: in the console its last id names a document, not a batch.
@bp.get("/datasets/<raw_id>/documents/<batch>/indexing-status")
@console_login_required
async def document_indexing_status(raw_id: str, batch: str) -> Response:
    progress = (
        await container()
        .knowledge.get_document_indexing_status()
        .execute(tenant_id(), dataset_id(raw_id), document_id(batch))
    )
    return jsonify(indexing_progress_json(progress))


@bp.post("/datasets/<raw_id>/documents/<raw_doc>/rename")
@console_login_required
async def rename_document(raw_id: str, raw_doc: str) -> Response:
    name = (await json_object()).get("name")
    renamed = (
        await container()
        .knowledge.rename_document()
        .execute(tenant_id(), dataset_id(raw_id), document_id(raw_doc), name)
    )
    return jsonify(document_json(renamed))


@bp.patch("/datasets/<raw_id>/documents/status/<action>/batch")
@console_login_required
async def set_documents_status(raw_id: str, action: str) -> Response:
    await (
        container()
        .knowledge.set_documents_status()
        .execute(
            SetDocumentsStatusRequest(
                actor=await actor(),
                dataset_id=dataset_id(raw_id),
                action=action,
                document_ids=_query_ids("document_id"),
            )
        )
    )
    return jsonify({"result": "success"})


@bp.delete("/datasets/<raw_id>/documents")
@console_login_required
async def delete_documents(raw_id: str) -> Response:
    await container().knowledge.delete_documents().execute(await actor(), dataset_id(raw_id), _query_ids("document_id"))
    return Response(status=204)
