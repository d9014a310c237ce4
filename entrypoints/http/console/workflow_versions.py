"""The workflow editor's published versions (Dify's workflows/publish GET and workflows list), a workflow app's
run log, and the lists of what weir does not run for a workflow: trigger plugins, agent strategy plugins and
the editor's schema definitions."""

from uuid import UUID

from quart import Blueprint, Response, jsonify, request

from domain.apps.entities import AppMode
from domain.apps.errors import NotWorkflowApp
from domain.shared.errors import Forbidden, InvalidParam
from domain.tenancy.entities import Account
from domain.workflows.entities import Workflow
from domain.workflows.ports import RunLogFilter
from entrypoints.http import run_presenter
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.deps import container
from entrypoints.http.presenters import epoch
from entrypoints.http.query import datetime_arg, int_arg, page_arg

bp = Blueprint("console_workflow_versions", __name__)


def _account(workflow: Workflow, authors: dict[UUID, Account] | None) -> dict | None:
    account = console_session().account
    if authors is not None:
        account = authors.get(workflow.created_by)
    elif workflow.created_by != account.id:
        return None
    if account is None:
        return None
    return {"id": str(account.id), "name": account.name, "email": account.email}


def workflow_json(workflow: Workflow, authors: dict[UUID, Account] | None = None) -> dict:
    """A version as the editor reads it; its author from `authors` when given (the versions panel writes
    created_by.name for every row), else named only when it is the signed-in account."""
    return {
        "id": str(workflow.id),
        "graph": workflow.graph,
        "features": workflow.features,
        "hash": str(epoch(workflow.updated_at)),
        "version": workflow.version,
        "marked_name": workflow.marked_name,
        "marked_comment": workflow.marked_comment,
        "created_by": _account(workflow, authors),
        "created_at": epoch(workflow.created_at),
        "updated_by": None,
        "updated_at": epoch(workflow.updated_at),
        "tool_published": False,
        "environment_variables": workflow.environment_variables,
        "conversation_variables": workflow.conversation_variables,
        "rag_pipeline_variables": [],
    }


@bp.get("/apps/<uuid:app_id>/workflows/publish")
@console_login_required
async def published(app_id: UUID) -> Response:
    _, _, live, authors = (
        await container().workflows.list_published_versions().execute(console_session().tenant.id, app_id, 1, 1)
    )
    # Before the first publish Dify answers null, which the editor reads as "never published".
    return jsonify(workflow_json(live, authors) if live else None)


@bp.get("/apps/<uuid:app_id>/workflows")
@console_login_required
async def versions(app_id: UUID) -> dict:
    page, limit = page_arg(), int_arg("limit", 10, maximum=100)
    session = console_session()
    user_id = (request.args.get("user_id") or "").strip()
    if user_id and user_id != str(session.account.id):
        raise Forbidden("Only your own versions can be listed.")  # Dify's: user_id filters to oneself
    named_only = (request.args.get("named_only") or "").lower() == "true"
    found, more, _, authors = (
        await container()
        .workflows.list_published_versions()
        .execute(session.tenant.id, app_id, page, limit, named_only, session.account.id if user_id else None)
    )
    return {"items": [workflow_json(w, authors) for w in found], "page": page, "limit": limit, "has_more": more}


@bp.patch("/apps/<uuid:app_id>/workflows/<uuid:workflow_id>")
@console_login_required
async def mark_version(app_id: UUID, workflow_id: UUID) -> dict:
    body = await json_object()
    name, comment = body.get("marked_name"), body.get("marked_comment")
    if not all(v is None or isinstance(v, str) for v in (name, comment)):
        raise InvalidParam("marked_name and marked_comment must be strings")
    workflow = (
        await container()
        .workflows.update_version_marks()
        .execute(console_session().tenant.id, app_id, workflow_id, name, comment)
    )
    return workflow_json(workflow)


@bp.delete("/apps/<uuid:app_id>/workflows/<uuid:workflow_id>")
@console_login_required
async def delete_version(app_id: UUID, workflow_id: UUID) -> Response:
    await container().workflows.delete_version().execute(console_session().tenant.id, app_id, workflow_id)
    return Response("", 204)


@bp.post("/apps/<uuid:app_id>/workflows/<uuid:workflow_id>/restore")
@console_login_required
async def restore_version(app_id: UUID, workflow_id: UUID) -> dict:
    session = console_session()
    draft = (
        await container()
        .workflows.restore_version()
        .execute(session.tenant.id, session.account.id, app_id, workflow_id)
    )
    return {"result": "success", "hash": str(epoch(draft.updated_at)), "updated_at": epoch(draft.updated_at)}


@bp.get("/workspaces/current/triggers")
@console_login_required
async def trigger_providers() -> Response:
    return jsonify([])


@bp.get("/spec/schema-definitions")
@console_login_required
async def schema_definitions() -> Response:
    return jsonify([])


@bp.get("/apps/<uuid:app_id>/workflow-app-logs")
@console_login_required
async def workflow_app_logs(app_id: UUID) -> dict:
    """The logs page of a workflow app: the Service API's run log of the app, everyone's runs."""
    app = await container().get_app().execute(console_session().tenant.id, app_id)
    if app.mode not in (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT):
        raise NotWorkflowApp()
    page, limit = page_arg(), int_arg("limit", 20, maximum=100)
    filters = RunLogFilter(
        status=request.args.get("status") or None,
        keyword=request.args.get("keyword") or None,
        created_after=datetime_arg("created_at__after"),
        created_before=datetime_arg("created_at__before"),
        end_user_session=request.args.get("created_by_end_user_session_id") or None,
    )
    entries, total = await container().workflows.list_workflow_logs().execute(app, filters, page, limit)
    data = [run_presenter.run_log_entry(entry) for entry in entries]
    return {"page": page, "limit": limit, "total": total, "has_more": page * limit < total, "data": data}


@bp.get("/workspaces/current/agent-providers")
@console_login_required
async def agent_providers() -> Response:
    # Dify lists agent strategy plugins here; weir's agent strategies are built in, not plugins.
    return jsonify([])
