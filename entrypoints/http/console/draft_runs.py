"""The workflow editor's test run (Dify's workflows/draft/run): the Service API's RunWorkflow on the app's draft,
streamed, from the account's debugger end user; and its stop."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint, Response

from application.conversations.debug_message import DEBUGGER_SESSION
from application.workflows.run_workflow import RunWorkflowRequest
from domain.apps.entities import AppMode
from domain.apps.errors import NotWorkflowApp
from domain.workflows.run_events import WorkflowFinished
from entrypoints.http import run_presenter
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body
from entrypoints.http.deps import container
from entrypoints.http.sse import follow, stream_response

bp = Blueprint("console_draft_runs", __name__)


class DraftRunBody(BaseModel):
    inputs: dict[str, Any] = Field(default_factory=dict)
    files: list[dict[str, Any]] | None = None


async def _debugger(app_id: UUID):
    session = console_session()
    app = await container().get_app().execute(session.tenant.id, app_id)
    if app.mode != AppMode.WORKFLOW:
        raise NotWorkflowApp()
    end_user = await container().resolve_end_user().execute(app, DEBUGGER_SESSION.format(account_id=session.account.id))
    return app, end_user


def _ends_run(item: object) -> bool:
    return isinstance(item, WorkflowFinished)


@bp.post("/apps/<uuid:app_id>/workflows/draft/run")
@console_login_required
async def draft_run(app_id: UUID) -> Response:
    body = await parse_body(DraftRunBody)
    app, end_user = await _debugger(app_id)
    request = RunWorkflowRequest(
        app, end_user, body.inputs, triggered_from="debugging", files=tuple(body.files or ()), draft=True
    )
    handle = await container().workflows.run_workflow().execute(request)
    return stream_response(
        follow(handle.next_event, lambda e: run_presenter.workflow_stream_event(handle, e), _ends_run)
    )


@bp.post("/apps/<uuid:app_id>/workflow-runs/tasks/<uuid:task_id>/stop")
@console_login_required
async def stop(app_id: UUID, task_id: UUID) -> dict:
    _, end_user = await _debugger(app_id)
    await container().chat.stop_generation().execute(task_id, end_user)
    return {"result": "success"}
