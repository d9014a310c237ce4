"""An advanced-chat app's answer on /v1/chat-messages: workflow events plus `message` / `message_end`."""

from collections.abc import AsyncIterator

from quart import Response, jsonify

from application.workflows.run_chatflow import ChatflowHandle
from entrypoints.http.errors import error_response
from entrypoints.http.presenters import epoch
from entrypoints.http.sse import PING, PING_INTERVAL_SECONDS, event, stream_response


def _ids(handle: ChatflowHandle) -> dict:
    return {
        "task_id": str(handle.task_id), "id": str(handle.message.id), "message_id": str(handle.message.id),
        "conversation_id": str(handle.conversation.id),
    }


def _flatten(handle: ChatflowHandle, payload: dict) -> dict:
    ids, created_at = _ids(handle), epoch(handle.message.created_at)
    if payload["event"] == "message":
        return {"event": "message", **ids, "answer": payload["data"]["answer"], "created_at": created_at}
    if payload["event"] == "message_end":
        return {"event": "message_end", **ids, "metadata": payload["data"]["metadata"], "created_at": created_at}
    return {"event": payload["event"], **ids, "workflow_run_id": str(handle.run.id), "data": payload["data"]}


async def _stream(handle: ChatflowHandle) -> AsyncIterator[bytes]:
    while True:
        payload = await handle.next_payload(timeout=PING_INTERVAL_SECONDS)
        if payload is None:
            yield PING
            continue
        yield event(_flatten(handle, payload))
        if payload["event"] == "message_end":
            return


async def chatflow_answer(handle: ChatflowHandle, streaming: bool) -> Response:
    if streaming:
        return stream_response(_stream(handle))
    answer, failed = [], None
    while (payload := await handle.next_payload()) is not None:
        if payload["event"] == "message":
            answer.append(payload["data"]["answer"])
        elif payload["event"] == "workflow_finished" and payload["data"]["status"] == "failed":
            failed = payload["data"]["error"]
        elif payload["event"] == "message_end":
            if failed:
                return error_response("completion_request_error", failed, 400)
            return jsonify({
                **_ids(handle), "event": "message", "mode": "advanced-chat", "answer": handle.message.answer,
                "metadata": payload["data"]["metadata"], "created_at": epoch(handle.message.created_at),
            })
    raise AssertionError("a chatflow always ends with message_end")
