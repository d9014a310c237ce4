"""The workflow editor's single-step run of a node of the draft (Dify's workflows/draft/nodes/{id}/run) and
the node's last run, both as a node execution; and the single run of an iteration or a loop, streamed as a
run's events."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint, Response

from application.conversations.debug_message import DEBUGGER_SESSION
from application.workflows.debug_triggers import RETRY_IN_MS
from application.workflows.run_draft_node import DraftNodeRequest
from domain.apps.entities import AppMode
from domain.apps.errors import NotWorkflowApp
from domain.workflows.run_events import WorkflowFinished
from entrypoints.http import run_presenter
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body
from entrypoints.http.console.run_views import node_execution
from entrypoints.http.deps import container
from entrypoints.http.sse import follow, stream_response

bp = Blueprint("console_draft_nodes", __name__)


class NodeRunBody(BaseModel):
    inputs: dict[str, Any] = Field(default_factory=dict)
    query: str = ""
    files: list[dict[str, Any]] | None = None
    conversation_id: str | None = None


async def _app(app_id: UUID):
    app = await container().get_app().execute(console_session().tenant.id, app_id)
    if app.mode not in (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT):
        raise NotWorkflowApp()
    return app


async def _request(app_id: UUID, node_id: str) -> DraftNodeRequest:
    body = await parse_body(NodeRunBody)
    return await _debugger_request(app_id, node_id, body.inputs, body.query)


async def _debugger_request(app_id: UUID, node_id: str, inputs: dict[str, Any], query: str) -> DraftNodeRequest:
    """A node run alone by the signed-in account's debugger end user."""
    app = await _app(app_id)
    session = DEBUGGER_SESSION.format(account_id=console_session().account.id)
    end_user = await container().resolve_end_user().execute(app, session)
    return DraftNodeRequest(app, end_user, node_id, inputs, query)


@bp.post("/apps/<uuid:app_id>/workflows/draft/nodes/<node_id>/run")
@console_login_required
async def run_node(app_id: UUID, node_id: str) -> dict:
    execution, runner = await container().workflows.run_draft_node().execute(await _request(app_id, node_id))
    return node_execution(execution, runner)


@bp.post("/apps/<uuid:app_id>/workflows/draft/nodes/<node_id>/trigger/run")
@console_login_required
async def run_trigger_node(app_id: UUID, node_id: str) -> dict:
    """A trigger node run alone (Dify's): a schedule at once, a webhook once its debug URL was called."""
    start = await container().workflows.next_debug_trigger().execute(console_session().tenant.id, app_id, [node_id])
    if start is None:
        return {"status": "waiting", "retry_in": RETRY_IN_MS}
    request = await _debugger_request(app_id, node_id, start.inputs, "")
    execution, runner = await container().workflows.run_draft_node().execute(request)
    return node_execution(execution, runner)


async def _run_container(app_id: UUID, node_id: str, container_type: str) -> Response:
    request = await _request(app_id, node_id)
    handle = await container().workflows.run_draft_node().start(request, container_type)
    creator = run_presenter.account_creator(console_session().account)  # the editor shows it as the executor

    def frame(event) -> dict:
        return run_presenter.workflow_stream_event(handle, event, creator)

    return stream_response(follow(handle.next_event, frame, lambda e: isinstance(e, WorkflowFinished)))


@bp.post("/apps/<uuid:app_id>/workflows/draft/iteration/nodes/<node_id>/run")
@bp.post("/apps/<uuid:app_id>/advanced-chat/workflows/draft/iteration/nodes/<node_id>/run")
@console_login_required
async def run_iteration(app_id: UUID, node_id: str) -> Response:
    return await _run_container(app_id, node_id, "iteration")


@bp.post("/apps/<uuid:app_id>/workflows/draft/loop/nodes/<node_id>/run")
@bp.post("/apps/<uuid:app_id>/advanced-chat/workflows/draft/loop/nodes/<node_id>/run")
@console_login_required
async def run_loop(app_id: UUID, node_id: str) -> Response:
    return await _run_container(app_id, node_id, "loop")


@bp.get("/apps/<uuid:app_id>/workflows/draft/nodes/<node_id>/last-run")
@console_login_required
async def last_run(app_id: UUID, node_id: str) -> dict:
    execution, runner = await container().workflows.last_node_run().execute(await _app(app_id), node_id)
    return node_execution(execution, runner)
