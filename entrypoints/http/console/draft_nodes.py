"""The workflow editor's single-step run of a node of the draft (Dify's workflows/draft/nodes/{id}/run) and
the node's last run, both as a node execution."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint

from application.conversations.debug_message import DEBUGGER_SESSION
from application.workflows.run_draft_node import DraftNodeRequest
from domain.apps.entities import AppMode
from domain.apps.errors import NotWorkflowApp
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body
from entrypoints.http.console.run_views import node_execution
from entrypoints.http.deps import container

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


@bp.post("/apps/<uuid:app_id>/workflows/draft/nodes/<node_id>/run")
@console_login_required
async def run_node(app_id: UUID, node_id: str) -> dict:
    body = await parse_body(NodeRunBody)
    app = await _app(app_id)
    session = DEBUGGER_SESSION.format(account_id=console_session().account.id)
    end_user = await container().resolve_end_user().execute(app, session)
    request = DraftNodeRequest(app, end_user, node_id, body.inputs, body.query)
    execution, runner = await container().workflows.run_draft_node().execute(request)
    return node_execution(execution, runner)


@bp.get("/apps/<uuid:app_id>/workflows/draft/nodes/<node_id>/last-run")
@console_login_required
async def last_run(app_id: UUID, node_id: str) -> dict:
    execution, runner = await container().workflows.last_node_run().execute(await _app(app_id), node_id)
    return node_execution(execution, runner)
