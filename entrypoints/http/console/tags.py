"""The console's tags, of apps (studio) and of knowledge bases: the Knowledge API's tag use cases, with the
kind the console names."""

from uuid import UUID

from quart import Blueprint, Response, jsonify, request

from application.knowledge.guards import Actor
from domain.knowledge.tags import APP_TAG_TYPE, TAG_TYPE, Tag
from domain.shared.errors import InvalidParam, NotFound
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.deps import container

bp = Blueprint("console_tags", __name__)


def tag_json(tag: Tag) -> dict:
    return {"id": str(tag.id), "name": tag.name, "type": tag.type, "binding_count": str(tag.binding_count)}


def _actor() -> Actor:
    session = console_session()
    return Actor(tenant_id=session.tenant.id, account_id=session.account.id)


def _target(body: dict) -> UUID:
    try:
        return UUID(str(body.get("target_id")))
    except ValueError:
        raise NotFound("Target not found.") from None


@bp.get("/tags")
@console_login_required
async def list_tags() -> Response:
    tenant = console_session().tenant.id
    keyword = request.args.get("keyword")
    kinds = [request.args["type"]] if request.args.get("type") else [TAG_TYPE, APP_TAG_TYPE]
    found = [t for kind in kinds for t in await container().knowledge.list_tags().execute(tenant, keyword, kind)]
    return jsonify([tag_json(t) for t in found])


@bp.post("/tags")
@console_login_required
async def create_tag() -> dict:
    body = await json_object()
    tag = await container().knowledge.create_tag().execute(_actor(), body.get("name"), body.get("type"))
    return tag_json(tag)


@bp.patch("/tags/<uuid:tag_id>")
@console_login_required
async def rename_tag(tag_id: UUID) -> dict:
    body = await json_object()
    tag = await container().knowledge.rename_tag().execute(console_session().tenant.id, tag_id, body.get("name"))
    return tag_json(tag)


@bp.delete("/tags/<uuid:tag_id>")
@console_login_required
async def delete_tag(tag_id: UUID) -> tuple[str, int]:
    tenant = console_session().tenant.id
    for kind in (APP_TAG_TYPE, TAG_TYPE):
        try:
            await container().knowledge.delete_tag().execute(tenant, tag_id, kind)
            return "", 204
        except NotFound:
            continue
    raise NotFound("Tag not found.")


async def _bindings(bind: bool) -> dict:
    body = await json_object()
    kind, tag_ids, actor = body.get("type"), body.get("tag_ids"), _actor()
    if kind == APP_TAG_TYPE:
        await (
            container().console.tag_apps().execute(actor.tenant_id, actor.account_id, tag_ids, _target(body), bind=bind)
        )
    elif kind == TAG_TYPE:
        await container().knowledge.bind_tags().execute(actor, tag_ids, body.get("target_id"), bind=bind)
    else:
        raise InvalidParam("Invalid tag type.", param="type")
    return {"result": "success"}


@bp.post("/tag-bindings")
@bp.post("/tag-bindings/create")
@console_login_required
async def bind_tags() -> dict:
    return await _bindings(bind=True)


@bp.post("/tag-bindings/remove")
@console_login_required
async def unbind_tags() -> dict:
    return await _bindings(bind=False)
