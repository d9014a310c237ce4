"""Console routes for workflow apps: draft sync, publish, DSL import and export."""

import json
from uuid import UUID

from quart import Blueprint, request

from application.workflows.app_dsl import AppOverrides, ImportResult
from application.workflows.manage_workflow import DraftContent
from domain.shared.errors import InvalidParam
from domain.workflows.dsl import ImportStatus
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.console.app_views import console_app_json
from entrypoints.http.console.features import APP_DSL_VERSION
from entrypoints.http.deps import container
from entrypoints.http.presenters import epoch

bp = Blueprint("console_workflows", __name__)


@bp.get("/apps/<uuid:app_id>/workflows/draft")
@console_login_required
async def get_draft(app_id: UUID) -> dict:
    draft = await container().workflows.get_draft().execute(console_session().tenant.id, app_id)
    return {
        "id": str(draft.id),
        "graph": draft.graph,
        "features": draft.features,
        "environment_variables": draft.environment_variables,
        "conversation_variables": draft.conversation_variables,
        "hash": str(epoch(draft.updated_at)),
        "created_at": epoch(draft.created_at),
        "updated_at": epoch(draft.updated_at),
    }


@bp.post("/apps/<uuid:app_id>/workflows/draft")
@console_login_required
async def sync_draft(app_id: UUID) -> dict:
    body = await json_object()
    content = DraftContent(
        graph=body.get("graph"),
        features=body.get("features") or {},
        environment_variables=body.get("environment_variables") or [],
        conversation_variables=body.get("conversation_variables") or [],
    )
    session = console_session()
    draft = await container().workflows.sync_draft().execute(session.tenant.id, session.account.id, app_id, content)
    return {"result": "success", "hash": str(epoch(draft.updated_at)), "updated_at": epoch(draft.updated_at)}


@bp.post("/apps/<uuid:app_id>/workflows/publish")
@console_login_required
async def publish(app_id: UUID) -> dict:
    body = await json_object() if (await request.get_data()).strip() else {}
    marks = [body.get(k) if isinstance(body.get(k), str) else "" for k in ("marked_name", "marked_comment")]
    session = console_session()
    version = (
        await container().workflows.publish_workflow().execute(session.tenant.id, session.account.id, app_id, *marks)
    )
    return {"result": "success", "created_at": epoch(version.created_at), "id": str(version.id)}


@bp.post("/apps/imports")
@console_login_required
async def import_app() -> tuple[dict, int]:
    body = await json_object()
    mode = body.get("mode", "yaml-content")
    if mode not in ("yaml-content", "yaml-url"):
        raise InvalidParam("mode must be yaml-content or yaml-url", param="mode")
    if mode == "yaml-content" and not isinstance(body.get("yaml_content"), str):
        raise InvalidParam("mode yaml-content needs a yaml_content string", param="yaml_content")
    session = console_session()
    source = body["yaml_content"] if mode == "yaml-content" else body.get("yaml_url")
    importer = (
        container().workflows.import_app_dsl
        if mode == "yaml-content"
        else container().workflows.import_app_dsl_from_url
    )
    result = await importer().execute(
        session.tenant.id,
        session.account.id,
        source,
        publish=bool(body.get("publish")),
        overrides=_overrides(body),
        app_id=_app_id(body.get("app_id")),
    )
    return _import_json(result), _IMPORT_STATUS_CODES[result.status]


# Dify's: a failed import is 400, one waiting for the user's confirmation 202 (Accepted).
_IMPORT_STATUS_CODES = {
    ImportStatus.COMPLETED: 200,
    ImportStatus.WITH_WARNINGS: 200,
    ImportStatus.PENDING: 202,
    ImportStatus.FAILED: 400,
}


def _app_id(value: object) -> UUID | None:
    """The app an import overwrites (the editor's "Import DSL"), or None for a new app."""
    if value is None or value == "":
        return None
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidParam("app_id must be an app id", param="app_id") from None


@bp.get("/apps/<uuid:app_id>/export")
@console_login_required
async def export_app(app_id: UUID) -> dict:
    return {"data": await container().workflows.export_app_dsl().execute(console_session().tenant.id, app_id)}


def _import_json(result: ImportResult) -> dict:
    return {
        "id": str(result.id),
        "status": result.status,
        "app_id": str(result.app_id) if result.app_id else None,
        "app_mode": result.app_mode,
        "current_dsl_version": APP_DSL_VERSION,
        "imported_dsl_version": result.imported_dsl_version,
        "error": result.error or "; ".join(result.warnings),
    }


def _overrides(body: dict) -> AppOverrides:
    def text(name: str) -> str | None:
        value = body.get(name)
        return value if isinstance(value, str) else None

    return AppOverrides(
        name=text("name"),
        description=text("description"),
        icon_type=text("icon_type"),
        icon=text("icon"),
        icon_background=text("icon_background"),
    )


@bp.post("/apps/<uuid:app_id>/copy")
@console_login_required
async def copy_app(app_id: UUID) -> tuple[dict, int]:
    body = await json_object() if (await request.get_data()).strip() else {}
    session = console_session()
    copier = container().workflows.copy_app()
    result = await copier.execute(session.tenant.id, session.account.id, app_id, _overrides(body))
    app = await container().get_app().execute(session.tenant.id, result.app_id)
    return console_app_json(app), 201


@bp.post("/apps/imports/<import_id>/confirm")
@console_login_required
async def confirm_import(import_id: str) -> tuple[dict, int]:
    session = console_session()
    try:
        pending = UUID(import_id)
    except ValueError:
        pending = None  # no import has such an id: Dify's answer for an unknown one
    if pending is None:
        result = ImportResult(UUID(int=0), ImportStatus.FAILED, None, None, error=_EXPIRED)
    else:
        result = await container().workflows.confirm_import().execute(session.tenant.id, session.account.id, pending)
    body = _import_json(result) | {"id": import_id}
    return body, 400 if result.status == ImportStatus.FAILED else 200


_EXPIRED = "Import information expired or does not exist"


@bp.get("/apps/imports/<uuid:app_id>/check-dependencies")
@console_login_required
async def check_dependencies(app_id: UUID) -> dict:
    # The app must be the caller's; weir has no plugins, so no plugin dependency can be missing.
    await container().get_app().execute(console_session().tenant.id, app_id)
    return {"leaked_dependencies": []}


@bp.get("/apps/<uuid:app_id>/workflows/default-workflow-block-configs")
@console_login_required
async def default_block_configs(app_id: UUID) -> list:
    # The node types whose starting config comes from the server, as in Dify: the editor starts a new code node
    # with no code at all without it (and the run then fails); every other type's own defaults stand.
    await container().get_app().execute(console_session().tenant.id, app_id)
    return [_code_default("python3"), _TEMPLATE_DEFAULT]


# The code node's starting point per language (the editor asks when a code node's panel opens, to switch
# languages): two string arguments joined into one output.
_CODE_DEFAULTS = {
    "python3": 'def main(arg1: str, arg2: str) -> dict:\n    return {"result": arg1 + arg2}\n',
    "javascript": "function main({arg1, arg2}) {\n    return {result: arg1 + arg2}\n}\n",
}


@bp.get("/apps/<uuid:app_id>/workflows/default-workflow-block-configs/<block_type>")
@console_login_required
async def default_block_config(app_id: UUID, block_type: str) -> dict:
    await container().get_app().execute(console_session().tenant.id, app_id)
    if block_type == "template-transform":
        return _TEMPLATE_DEFAULT
    if block_type != "code":
        return {}  # no server-side default for this type: the editor's own stands
    try:
        filters = json.loads(request.args.get("q") or "{}")
    except json.JSONDecodeError:
        raise InvalidParam("q must be a JSON object", param="q") from None
    language = (filters if isinstance(filters, dict) else {}).get("code_language") or "python3"
    if language not in _CODE_DEFAULTS:
        raise InvalidParam("code_language must be python3 or javascript", param="code_language")
    return _code_default(language)


def _code_default(language: str) -> dict:
    return {
        "type": "code",
        "config": {
            "variables": [{"variable": "arg1", "value_selector": []}, {"variable": "arg2", "value_selector": []}],
            "code_language": language,
            "code": _CODE_DEFAULTS[language],
            "outputs": {"result": {"type": "string", "children": None}},
        },
    }


_TEMPLATE_DEFAULT = {
    "type": "template-transform",
    "config": {"variables": [{"variable": "arg1", "value_selector": []}], "template": "{{ arg1 }}"},
}
