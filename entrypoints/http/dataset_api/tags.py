"""Knowledge tags: create, list, rename, delete, bind to and unbind from datasets."""

from quart import Blueprint, Response, jsonify, request

from domain.knowledge.tags import Tag
from entrypoints.http.auth import dataset_api
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api.requests import actor, dataset_id, tenant_id
from entrypoints.http.deps import container

bp = Blueprint("dataset_tags", __name__)


def _tag_json(tag: Tag) -> dict:
    return {"id": str(tag.id), "name": tag.name, "type": tag.type, "binding_count": str(tag.binding_count)}


@bp.post("/datasets/tags")
@dataset_api
async def create_tag() -> Response:
    body = await json_object()
    tag = await container().knowledge.create_tag().execute(await actor(), body.get("name"))
    return jsonify(_tag_json(tag))


@bp.get("/datasets/tags")
@dataset_api
async def list_tags() -> Response:
    found = await container().knowledge.list_tags().execute(tenant_id(), request.args.get("keyword"))
    return jsonify([_tag_json(t) for t in found])


@bp.patch("/datasets/tags")
@dataset_api
async def rename_tag() -> Response:
    body = await json_object()
    tag = await container().knowledge.rename_tag().execute(tenant_id(), body.get("tag_id"), body.get("name"))
    return jsonify(_tag_json(tag))


@bp.delete("/datasets/tags")
@dataset_api
async def delete_tag() -> Response:
    body = await json_object()
    await container().knowledge.delete_tag().execute(tenant_id(), body.get("tag_id"))
    return Response(status=204)


@bp.post("/datasets/tags/binding")
@dataset_api
async def bind() -> Response:
    body = await json_object()
    await container().knowledge.bind_tags().execute(await actor(), body.get("tag_ids"), body.get("target_id"))
    return Response(status=204)


@bp.post("/datasets/tags/unbinding")
@dataset_api
async def unbind() -> Response:
    body = await json_object()
    tag_ids = body.get("tag_ids") or ([body["tag_id"]] if body.get("tag_id") else None)
    await container().knowledge.bind_tags().execute(await actor(), tag_ids, body.get("target_id"), bind=False)
    return Response(status=204)


@bp.get("/datasets/<raw_id>/tags")
@dataset_api
async def dataset_tags(raw_id: str) -> Response:
    found = await container().knowledge.list_dataset_tags().execute(tenant_id(), dataset_id(raw_id))
    return jsonify({"data": [{"id": str(t.id), "name": t.name} for t in found], "total": len(found)})
