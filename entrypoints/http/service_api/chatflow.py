"""An advanced-chat app's answer on /v1/chat-messages: workflow events plus `message` / `message_end`."""

from quart import Response, jsonify

from application.workflows.run_chatflow import ChatflowHandle
from domain.apps.entities import EndUser
from domain.workflows.entities import RunStatus
from domain.workflows.run_events import MessageEnd, WorkflowFinished, WorkflowPaused
from entrypoints.http import run_presenter
from entrypoints.http.errors import error_response
from entrypoints.http.sse import follow, stream_response


def _ends_answer(item: object) -> bool:
    return isinstance(item, MessageEnd | WorkflowPaused)


async def chatflow_answer(handle: ChatflowHandle, streaming: bool, end_user: EndUser | None = None) -> Response:
    if streaming:
        creator = run_presenter.end_user_creator(end_user) if end_user else None  # None: nobody to name
        return stream_response(
            follow(handle.next_event, lambda e: run_presenter.chatflow_stream_event(handle, e, creator), _ends_answer)
        )
    failed = None
    while (item := await handle.next_event()) is not None:
        if isinstance(item, WorkflowFinished) and item.status is RunStatus.FAILED:
            failed = item.error
        elif isinstance(item, WorkflowPaused):  # waits for a human-input form: the answer so far
            return jsonify(run_presenter.chatflow_paused_blocking(handle, item))
        elif isinstance(item, MessageEnd):
            if failed:
                return error_response("completion_request_error", failed, 400)
            return jsonify(run_presenter.chatflow_blocking(handle, item))
    raise AssertionError("a chatflow always ends with MessageEnd or WorkflowPaused")
