"""The workflow editor's test runs: a workflow app's draft (Dify's workflows/draft/run) by the Service API's
RunWorkflow, a chatflow's draft (advanced-chat/workflows/draft/run) by its RunChatflow, both streamed, from the
account's debugger end user; and their stop."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field, field_validator
from quart import Blueprint, Response

from application.conversations.debug_message import DEBUGGER_SESSION
from application.workflows.debug_triggers import RETRY_IN_MS
from application.workflows.run_chatflow import ChatflowRequest
from application.workflows.run_workflow import DEBUGGING, RunWorkflowRequest
from domain.apps.entities import AppMode
from domain.apps.errors import NotChatApp, NotWorkflowApp
from domain.workflows.run_events import MessageEnd, WorkflowFinished, WorkflowPaused
from entrypoints.http import run_presenter
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body
from entrypoints.http.deps import container
from entrypoints.http.service_api.schemas import optional_uuid
from entrypoints.http.sse import follow, stream_response

bp = Blueprint("console_draft_runs", __name__)


class DraftRunBody(BaseModel):
    inputs: dict[str, Any] = Field(default_factory=dict)
    files: list[dict[str, Any]] | None = None


class DraftChatBody(DraftRunBody):
    query: str = ""
    conversation_id: UUID | None = None
    parent_message_id: str | None = None  # Dify's regenerate branch: weir's chat history is linear

    _blank_conversation = field_validator("conversation_id", mode="before")(optional_uuid)


async def _debugger(app_id: UUID, *modes: AppMode):
    session = console_session()
    app = await container().get_app().execute(session.tenant.id, app_id)
    if app.mode not in modes:
        raise NotChatApp() if modes == (AppMode.ADVANCED_CHAT,) else NotWorkflowApp()
    end_user = await container().resolve_end_user().execute(app, DEBUGGER_SESSION.format(account_id=session.account.id))
    return app, end_user


def _ends_run(item: object) -> bool:
    return isinstance(item, WorkflowFinished)


async def _streamed_run(request: RunWorkflowRequest) -> Response:
    """A test run of the draft, its events streamed as the editor reads them."""
    handle = await container().workflows.run_workflow().execute(request)
    creator = run_presenter.account_creator(console_session().account)
    return stream_response(
        follow(handle.next_event, lambda e: run_presenter.workflow_stream_event(handle, e, creator), _ends_run)
    )


@bp.post("/apps/<uuid:app_id>/workflows/draft/run")
@console_login_required
async def draft_run(app_id: UUID) -> Response:
    body = await parse_body(DraftRunBody)
    app, end_user = await _debugger(app_id, AppMode.WORKFLOW)
    request = RunWorkflowRequest(
        app, end_user, body.inputs, triggered_from=DEBUGGING, files=tuple(body.files or ()), draft=True
    )
    return await _streamed_run(request)


class TriggerRunBody(BaseModel):
    node_id: str = ""
    node_ids: list[str] = Field(default_factory=list)


async def _trigger_run(app_id: UUID, node_ids: list[str]) -> Response | dict:
    """A test run from the draft's trigger that is ready (Dify's trigger/run and run-all), or `waiting`."""
    start = await container().workflows.next_debug_trigger().execute(console_session().tenant.id, app_id, node_ids)
    if start is None:
        return {"status": "waiting", "retry_in": RETRY_IN_MS}
    app, end_user = await _debugger(app_id, AppMode.WORKFLOW)
    request = RunWorkflowRequest(
        app, end_user, start.inputs, triggered_from=DEBUGGING, draft=True, root_node_id=start.node_id
    )
    return await _streamed_run(request)


@bp.post("/apps/<uuid:app_id>/workflows/draft/trigger/run")
@console_login_required
async def trigger_run(app_id: UUID) -> Response | dict:
    body = await parse_body(TriggerRunBody)
    return await _trigger_run(app_id, [body.node_id] if body.node_id else [])


@bp.post("/apps/<uuid:app_id>/workflows/draft/trigger/run-all")
@console_login_required
async def trigger_run_all(app_id: UUID) -> Response | dict:
    body = await parse_body(TriggerRunBody)
    return await _trigger_run(app_id, body.node_ids)


def _ends_answer(item: object) -> bool:
    return isinstance(item, MessageEnd | WorkflowPaused)


@bp.post("/apps/<uuid:app_id>/advanced-chat/workflows/draft/run")
@console_login_required
async def draft_chat(app_id: UUID) -> Response:
    """The chatflow's preview chat: the answer as the Service API's advanced-chat stream sends it."""
    body = await parse_body(DraftChatBody)
    app, end_user = await _debugger(app_id, AppMode.ADVANCED_CHAT)
    request = ChatflowRequest(
        app,
        end_user,
        body.query,
        body.inputs,
        body.conversation_id,
        streaming=True,
        files=tuple(body.files or ()),
        draft=True,
    )
    handle = await container().workflows.run_chatflow().start(request)
    creator = run_presenter.account_creator(console_session().account)
    return stream_response(
        follow(handle.next_event, lambda e: run_presenter.chatflow_stream_event(handle, e, creator), _ends_answer)
    )


@bp.post("/apps/<uuid:app_id>/workflow-runs/tasks/<uuid:task_id>/stop")
@console_login_required
async def stop(app_id: UUID, task_id: UUID) -> dict:
    _, end_user = await _debugger(app_id, AppMode.WORKFLOW, AppMode.ADVANCED_CHAT)
    await container().chat.stop_generation().execute(task_id, end_user)
    return {"result": "success"}
