"""Workflow app routes: run (blocking, streaming, async), run detail, stop, logs, re-attachable events."""

from collections.abc import AsyncIterator
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint, Response, jsonify, request

from application.workflows.run_workflow import RunWorkflowRequest
from domain.apps.entities import AppMode
from domain.apps.errors import NotWorkflowApp
from domain.workflows.ports import RunLogFilter
from domain.workflows.run_events import WorkflowFinished, WorkflowPaused
from entrypoints.http import run_presenter
from entrypoints.http.auth import app_api, current_app_model, current_end_user
from entrypoints.http.bodies import parse_body
from entrypoints.http.deps import container
from entrypoints.http.query import datetime_arg, limit_arg, page_arg
from entrypoints.http.sse import PING, PING_INTERVAL_SECONDS, event, follow, stream_response

bp = Blueprint("service_workflows", __name__)
WORKFLOW = (AppMode.WORKFLOW,)
RUN_READERS = (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT)


class RunBody(BaseModel):
    inputs: dict[str, Any] = Field(default_factory=dict)
    response_mode: Literal["blocking", "streaming", "async"] | None = None
    user: str | None = None  # required of Service API callers by `app_api`; a web app call has its passport
    files: list[dict[str, Any]] | None = None


@bp.post("/workflows/run")
@app_api(modes=WORKFLOW, wrong_mode=NotWorkflowApp, user_from="json", user_required=True)
async def run_latest() -> Response:
    return await _run(None)


@bp.post("/workflows/<uuid:workflow_id>/run")
@app_api(modes=WORKFLOW, wrong_mode=NotWorkflowApp, user_from="json", user_required=True)
async def run_version(workflow_id: UUID) -> Response:
    return await _run(workflow_id)


async def _run(workflow_id: UUID | None) -> Response:
    body = await parse_body(RunBody)
    end_user = await current_end_user()
    run_request = RunWorkflowRequest(
        current_app_model(), end_user, body.inputs, workflow_id, files=tuple(body.files or ())
    )
    if body.response_mode == "async":
        # Beyond Dify: 202 at once; the run continues on the `workflow` queue and can be polled or re-attached.
        handle = await container().workflows.start_async_run().execute(run_request)
        response = jsonify(
            {
                "task_id": str(handle.task_id),
                "workflow_run_id": str(handle.run.id),
                "data": {"id": str(handle.run.id), "status": "running"},
            }
        )
        response.status_code = 202
        return response
    handle = await container().workflows.run_workflow().execute(run_request)
    if body.response_mode == "streaming":
        creator = run_presenter.end_user_creator(end_user)
        return stream_response(
            follow(handle.next_event, lambda e: run_presenter.workflow_stream_event(handle, e, creator), _ends_run)
        )
    while (item := await handle.next_event()) is not None:
        if isinstance(item, WorkflowFinished):
            return jsonify(run_presenter.workflow_blocking(handle, item))
        if isinstance(item, WorkflowPaused):  # waits for a human-input form: the run so far
            return jsonify(run_presenter.workflow_paused_blocking(handle, item))
    raise AssertionError("a run always ends with WorkflowFinished or WorkflowPaused")


def _ends_run(item: object) -> bool:
    return isinstance(item, WorkflowFinished | WorkflowPaused)


@bp.get("/workflows/run/<uuid:run_id>")
@app_api(modes=RUN_READERS, wrong_mode=NotWorkflowApp)
async def run_detail(run_id: UUID) -> dict:
    run = await container().workflows.get_workflow_run().execute(current_app_model(), run_id)
    return run_presenter.run_detail(run)


@bp.post("/workflows/tasks/<uuid:task_id>/stop")
@app_api(modes=WORKFLOW, wrong_mode=NotWorkflowApp, user_from="json", user_required=True)
async def stop(task_id: UUID) -> dict:
    await container().chat.stop_generation().execute(task_id, await current_end_user())
    return {"result": "success"}


@bp.get("/workflows/logs")
@app_api(modes=RUN_READERS, wrong_mode=NotWorkflowApp)
async def logs() -> dict:
    page, limit = page_arg(), limit_arg()
    filters = RunLogFilter(
        status=request.args.get("status") or None,
        keyword=request.args.get("keyword") or None,
        created_after=datetime_arg("created_at__after"),
        created_before=datetime_arg("created_at__before"),
        end_user_session=request.args.get("created_by_end_user_session_id") or None,
    )
    entries, total = await container().workflows.list_workflow_logs().execute(
        current_app_model(), filters, page, limit
    )
    data = [run_presenter.run_log_entry(entry) for entry in entries]
    return {"page": page, "limit": limit, "total": total, "has_more": page * limit < total, "data": data}


@bp.get("/workflow/<uuid:run_id>/events")
@app_api(modes=RUN_READERS, wrong_mode=NotWorkflowApp, user_from="query", user_required=True)
async def run_events(run_id: UUID) -> Response:
    """Re-attaches to a run's stream from any process: replays every stored event, then follows live ones.
    A pause ends the stream unless the run went on after it (its resumed events follow) or the client asks
    `continue_on_pause=true` (then it waits for the resumption, up to the run's end)."""
    app = current_app_model()
    await container().workflows.get_workflow_run().execute(app, run_id)
    reader = container().workflows.read_run_events()  # the stream body runs outside the request context
    continue_on_pause = request.args.get("continue_on_pause", "false").lower() == "true"

    async def _goes_on(position: int) -> bool:  # the run was resumed after this pause
        return bool(await reader.execute(app, run_id, position, 0))

    async def replay() -> AsyncIterator[bytes]:
        position = 0
        while True:
            batch = await reader.execute(app, run_id, position, PING_INTERVAL_SECONDS)
            if not batch:
                yield PING
                continue
            for at, item in batch:
                yield event(run_presenter.replayed_event(run_id, item))
                if isinstance(item, WorkflowFinished):
                    return
                last = at == batch[-1][0]
                if isinstance(item, WorkflowPaused) and not continue_on_pause and last and not await _goes_on(at):
                    return
            position = batch[-1][0]

    return stream_response(replay())
