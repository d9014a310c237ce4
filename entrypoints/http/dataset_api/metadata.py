"""Document metadata: a dataset's custom fields, its built-in fields, and values set on documents."""

from quart import Blueprint, Response, jsonify

from domain.knowledge.metadata import BUILT_IN_FIELDS, MetadataField, MetadataNotFound
from entrypoints.http.auth import dataset_api
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api.requests import actor, dataset_id, path_id, tenant_id
from entrypoints.http.deps import container

bp = Blueprint("dataset_metadata", __name__)


def _field_json(field: MetadataField) -> dict:
    return {"id": str(field.id), "name": field.name, "type": field.type.value}


@bp.post("/datasets/<raw_id>/metadata")
@dataset_api
async def create_metadata(raw_id: str) -> Response:
    body = await json_object()
    field = await container().knowledge.create_metadata_field().execute(
        await actor(), dataset_id(raw_id), body.get("name"), body.get("type"))
    return jsonify(_field_json(field)), 201


@bp.get("/datasets/<raw_id>/metadata")
@dataset_api
async def list_metadata(raw_id: str) -> Response:
    listing = await container().knowledge.list_metadata_fields().execute(tenant_id(), dataset_id(raw_id))
    return jsonify({
        "doc_metadata": [{**_field_json(f), "count": f.count} for f in listing.fields],
        "built_in_field_enabled": listing.built_in_field_enabled,
    })


@bp.patch("/datasets/<raw_id>/metadata/<raw_meta>")
@dataset_api
async def rename_metadata(raw_id: str, raw_meta: str) -> Response:
    body = await json_object()
    field = await container().knowledge.rename_metadata_field().execute(
        tenant_id(), dataset_id(raw_id), path_id(raw_meta, MetadataNotFound), body.get("name"))
    return jsonify(_field_json(field))


@bp.delete("/datasets/<raw_id>/metadata/<raw_meta>")
@dataset_api
async def delete_metadata(raw_id: str, raw_meta: str) -> Response:
    await container().knowledge.delete_metadata_field().execute(
        tenant_id(), dataset_id(raw_id), path_id(raw_meta, MetadataNotFound))
    return Response(status=204)


@bp.get("/datasets/<raw_id>/metadata/built-in")
@dataset_api
async def built_in_metadata(raw_id: str) -> Response:
    await container().knowledge.get_dataset().execute(tenant_id(), dataset_id(raw_id))
    return jsonify({"fields": [{"name": name, "type": kind} for name, kind in BUILT_IN_FIELDS]})


@bp.post("/datasets/<raw_id>/metadata/built-in/<action>")
@dataset_api
async def toggle_built_in_metadata(raw_id: str, action: str) -> Response:
    await container().knowledge.toggle_built_in_metadata().execute(tenant_id(), dataset_id(raw_id), action)
    return jsonify({"result": "success"})


@bp.post("/datasets/<raw_id>/documents/metadata")
@dataset_api
async def set_document_metadata(raw_id: str) -> Response:
    body = await json_object()
    await container().knowledge.set_document_metadata().execute(
        tenant_id(), dataset_id(raw_id), body.get("operation_data"))
    return jsonify({"result": "success"})
