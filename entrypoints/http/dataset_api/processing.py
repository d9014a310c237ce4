"""Pausing, resuming and retrying document indexing (Dify's console routes, served to dataset keys)."""

from quart import Blueprint, Response, jsonify

from domain.knowledge.errors import DocumentNotFound
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import dataset_api
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api.requests import dataset_id, document_id, path_id, tenant_id
from entrypoints.http.deps import container

bp = Blueprint("dataset_processing", __name__)


@bp.patch("/datasets/<ds>/documents/<doc>/processing/pause")
@dataset_api
async def pause(ds: str, doc: str) -> Response:
    await container().knowledge.pause_document().execute(tenant_id(), dataset_id(ds), document_id(doc))
    return jsonify({"result": "success"})


@bp.patch("/datasets/<ds>/documents/<doc>/processing/resume")
@dataset_api
async def resume(ds: str, doc: str) -> Response:
    await container().knowledge.resume_document().execute(tenant_id(), dataset_id(ds), document_id(doc))
    return jsonify({"result": "success"})


@bp.post("/datasets/<ds>/retry")
@dataset_api
async def retry(ds: str) -> Response:
    raw_ids = (await json_object()).get("document_ids")
    if not isinstance(raw_ids, list) or not raw_ids:
        raise InvalidParam("document_ids is required.", param="document_ids")
    ids = [path_id(str(i), DocumentNotFound) for i in raw_ids]
    batch = await container().knowledge.retry_documents().execute(tenant_id(), dataset_id(ds), ids)
    return jsonify({"result": "success", "batch": batch})
