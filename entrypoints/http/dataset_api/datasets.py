"""Datasets: create, list, get, update, delete."""

from quart import Blueprint, Response, jsonify, request

from application.knowledge.create_dataset import CreateDatasetRequest
from application.knowledge.dataset_view import DatasetView
from application.knowledge.update_dataset import UpdateDatasetRequest
from entrypoints.http.auth import dataset_api
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api.presenters import dataset_json
from entrypoints.http.dataset_api.requests import actor, dataset_id, page_json, tenant_id
from entrypoints.http.deps import container
from entrypoints.http.query import limit_arg, page_arg

bp = Blueprint("dataset_datasets", __name__)


@bp.post("/datasets")
@dataset_api
async def create_dataset() -> Response:
    body = await json_object()
    dataset = await container().knowledge.create_dataset().execute(
        CreateDatasetRequest(
            actor=await actor(), name=body.get("name"), description=body.get("description"),
            indexing_technique=body.get("indexing_technique"), permission=body.get("permission"),
            embedding_model=body.get("embedding_model"), embedding_model_provider=body.get("embedding_model_provider"),
            retrieval_model=body.get("retrieval_model"),
        )
    )
    return jsonify(dataset_json(DatasetView(dataset)))


@bp.get("/datasets")
@dataset_api
async def list_datasets() -> Response:
    page, limit = page_arg(), limit_arg()
    found = await container().knowledge.list_datasets().execute(tenant_id(), page, limit, request.args.get("keyword"))
    return jsonify(page_json([dataset_json(v) for v in found.items], found.total, page, limit))


@bp.get("/datasets/<raw_id>")
@dataset_api
async def get_dataset(raw_id: str) -> Response:
    view = await container().knowledge.get_dataset().execute(tenant_id(), dataset_id(raw_id))
    return jsonify(dataset_json(view))


@bp.patch("/datasets/<raw_id>")
@dataset_api
async def update_dataset(raw_id: str) -> Response:
    changes = await json_object()
    view = await container().knowledge.update_dataset().execute(
        UpdateDatasetRequest(actor=await actor(), dataset_id=dataset_id(raw_id), changes=changes)
    )
    return jsonify(dataset_json(view))


@bp.delete("/datasets/<raw_id>")
@dataset_api
async def delete_dataset(raw_id: str) -> Response:
    await container().knowledge.delete_dataset().execute(tenant_id(), dataset_id(raw_id))
    return Response(status=204)
