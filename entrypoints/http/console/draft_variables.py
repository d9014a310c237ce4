"""The workflow editor's variable panels: the draft's features, environment and conversation variables saved
on their own, and the variable inspector (what the draft's nodes produced the last time they ran)."""

from typing import Any
from uuid import UUID

from quart import Blueprint, Response

from application.workflows.draft_parts import InspectedVariable
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.deps import container
from entrypoints.http.file_urls import with_file_urls
from entrypoints.http.query import int_arg, limit_arg

bp = Blueprint("console_draft_variables", __name__)

DRAFT = "/apps/<uuid:app_id>/workflows/draft"


def _variable(variable: InspectedVariable, with_value: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(variable.id),
        "type": variable.type,
        "name": variable.name,
        "description": variable.description,
        "selector": list(variable.selector),
        "value_type": variable.value_type,
        "edited": variable.edited,
        "visible": True,
        "is_truncated": False,  # weir stores a node's values whole
    }
    if with_value:
        data |= {"value": with_file_urls(variable.value), "full_content": None}
    return data


async def _save_part(app_id: UUID, part: str) -> dict:
    body = await json_object()
    if part not in body:
        raise InvalidParam(f"{part} is required", param=part)
    session = console_session()
    await (
        container()
        .workflows.update_draft_part()
        .execute(session.tenant.id, session.account.id, app_id, part, body[part])
    )
    return {"result": "success"}


@bp.post(f"{DRAFT}/features")
@console_login_required
async def save_features(app_id: UUID) -> dict:
    return await _save_part(app_id, "features")


@bp.post(f"{DRAFT}/environment-variables")
@console_login_required
async def save_environment_variables(app_id: UUID) -> dict:
    return await _save_part(app_id, "environment_variables")


@bp.post(f"{DRAFT}/conversation-variables")
@console_login_required
async def save_conversation_variables(app_id: UUID) -> dict:
    return await _save_part(app_id, "conversation_variables")


def _inspector():
    return container().workflows.inspect_draft_variables()


@bp.get(f"{DRAFT}/environment-variables")
@console_login_required
async def environment_variables(app_id: UUID) -> dict:
    found = await _inspector().declared(console_session().tenant.id, app_id, "env")
    return {"items": [_variable(v) | {"editable": True} for v in found]}


@bp.get(f"{DRAFT}/conversation-variables")
@console_login_required
async def conversation_variables(app_id: UUID) -> dict:
    found = await _inspector().declared(console_session().tenant.id, app_id, "conversation")
    return {"items": [_variable(v) for v in found]}


@bp.get(f"{DRAFT}/system-variables")
@console_login_required
async def system_variables(app_id: UUID) -> dict:
    found = await _inspector().system(console_session().tenant.id, app_id)
    return {"items": [_variable(v) for v in found]}


@bp.get(f"{DRAFT}/variables")
@console_login_required
async def all_variables(app_id: UUID) -> dict:
    page, limit = int_arg("page", 1, maximum=100_000), limit_arg()
    found = await _inspector().nodes(console_session().tenant.id, app_id)
    shown = found[(page - 1) * limit : page * limit]
    return {"items": [_variable(v, with_value=False) for v in shown], "total": len(found)}


@bp.delete(f"{DRAFT}/variables")
@console_login_required
async def clear_all(app_id: UUID) -> Response:
    await _inspector().clear(console_session().tenant.id, app_id)
    return Response("", 204)


@bp.get(f"{DRAFT}/nodes/<node_id>/variables")
@console_login_required
async def node_variables(app_id: UUID, node_id: str) -> dict:
    found = await _inspector().nodes(console_session().tenant.id, app_id, node_id)
    return {"items": [_variable(v) for v in found]}


@bp.delete(f"{DRAFT}/nodes/<node_id>/variables")
@console_login_required
async def clear_node(app_id: UUID, node_id: str) -> Response:
    await _inspector().clear(console_session().tenant.id, app_id, node_id=node_id)
    return Response("", 204)


@bp.get(f"{DRAFT}/variables/<uuid:variable_id>")
@console_login_required
async def one_variable(app_id: UUID, variable_id: UUID) -> dict:
    return _variable(await _inspector().one(console_session().tenant.id, app_id, variable_id))


@bp.put(f"{DRAFT}/variables/<uuid:variable_id>/reset")
@console_login_required
async def reset_variable(app_id: UUID, variable_id: UUID) -> dict:
    edits = container().workflows.edit_draft_variable()
    return _variable(await edits.reset(console_session().tenant.id, app_id, variable_id))


@bp.delete(f"{DRAFT}/variables/<uuid:variable_id>")
@console_login_required
async def clear_one(app_id: UUID, variable_id: UUID) -> Response:
    await _inspector().clear(console_session().tenant.id, app_id, variable_id=variable_id)
    return Response("", 204)


@bp.patch(f"{DRAFT}/variables/<uuid:variable_id>")
@console_login_required
async def edit_variable(app_id: UUID, variable_id: UUID) -> dict:
    body = await json_object()
    name = body.get("name")
    if name is not None and not isinstance(name, str):
        raise InvalidParam("name must be a string", param="name")
    edits = container().workflows.edit_draft_variable()
    return _variable(await edits.execute(console_session().tenant.id, app_id, variable_id, name, body.get("value")))
