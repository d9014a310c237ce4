"""Stopping, disconnecting and capping generations; every finished message reaches telemetry."""

import asyncio
import json

from prometheus_client.parser import text_string_to_metric_families

from tests.integration.openai_stub_server import Reply
from tests.polling import eventually


async def _open_stream(chat_app, query: str, user: str = "alice"):
    connection = chat_app.client.request(
        "/v1/chat-messages", method="POST", headers={**chat_app.headers, "Content-Type": "application/json"}
    )
    conn = await connection.__aenter__()
    await conn.send(json.dumps({"query": query, "user": user, "inputs": {}, "response_mode": "streaming"}).encode())
    await conn.send_complete()
    return connection, conn


async def _next_events(conn, buffer: list[str]) -> list[dict]:
    """Reads chunks until at least one whole SSE event is buffered; returns the parsed data events."""
    while "\n\n" not in buffer[0]:
        buffer[0] += (await asyncio.wait_for(conn.receive(), 10)).decode()
    *complete, buffer[0] = buffer[0].split("\n\n")
    return [json.loads(block[6:]) for block in complete if block.startswith("data: ")]


async def _message(chat_app, conversation_id: str, user: str = "alice") -> dict | None:
    response = await chat_app.client.get(
        "/v1/messages", query_string={"user": user, "conversation_id": conversation_id}, headers=chat_app.headers
    )
    data = (await response.get_json()).get("data") or []
    return data[-1] if data else None


async def test_a_stop_from_another_request_ends_the_stream_and_keeps_the_partial_answer(chat_app):
    chat_app.upstream.replies.append(Reply(deltas=("Partial", " answer", " never", " sent"), hang_after=2))
    connection, conn = await _open_stream(chat_app, "Tell me a long story")
    buffer = [""]
    events = await _next_events(conn, buffer)  # events already waiting come in one read
    first = events[0]
    stop = await chat_app.client.post(
        f"/v1/chat-messages/{first['task_id']}/stop", json={"user": "alice"}, headers=chat_app.headers
    )
    assert await stop.get_json() == {"result": "success"}
    while events[-1]["event"] != "message_end":
        events += await _next_events(conn, buffer)
    await connection.__aexit__(None, None, None)
    assert "".join(e.get("answer", "") for e in events) == "Partial answer"
    await asyncio.wait_for(chat_app.upstream.disconnected.wait(), 10)  # the upstream call was cancelled
    saved = await _message(chat_app, first["conversation_id"])
    assert saved["answer"] == "Partial answer" and saved["status"] == "normal"


async def test_a_stop_by_another_user_is_ignored(chat_app):
    chat_app.upstream.replies.append(Reply(deltas=("a", "b", "c"), delay=0.2))
    connection, conn = await _open_stream(chat_app, "Hi")
    buffer = [""]
    events = await _next_events(conn, buffer)  # events already waiting come in one read
    first = events[0]
    await chat_app.client.post(f"/v1/chat-messages/{first['task_id']}/stop", json={"user": "mallory"}, headers=chat_app.headers)
    while events[-1]["event"] != "message_end":
        events += await _next_events(conn, buffer)
    await connection.__aexit__(None, None, None)
    assert "".join(e.get("answer", "") for e in events) == "abc"


async def test_a_client_that_disconnects_does_not_lose_the_answer(chat_app):
    chat_app.upstream.replies.append(Reply(deltas=("Still", " saved", " after", " you", " left"), delay=0.05))
    connection, conn = await _open_stream(chat_app, "Will you remember?")
    first = (await _next_events(conn, [""]))[0]
    await connection.__aexit__(None, None, None)  # the client goes away mid-stream

    async def completed():
        message = await _message(chat_app, first["conversation_id"])
        return message if message and message["answer"] == "Still saved after you left" else None

    saved = await eventually(completed, what="the whole answer to be saved")
    assert saved["total_tokens"] == 14


async def test_the_per_app_cap_answers_too_many_requests(chat_app, console, container):
    from uuid import UUID

    from sqlalchemy import update

    from adapters.persistence.schema import apps

    async with container.engine().begin() as conn:
        await conn.execute(update(apps).where(apps.c.id == UUID(chat_app.app_id)).values(max_active_requests=1))
    chat_app.upstream.replies.append(Reply(deltas=("slow", " but", " sure"), delay=0.3))
    connection, conn = await _open_stream(chat_app, "occupy the only slot")
    buffer = [""]
    events = await _next_events(conn, buffer)  # the first slot is taken and answering
    status, body = await chat_app.send("second")
    assert (status, body["code"]) == (429, "too_many_requests")
    while events[-1]["event"] != "message_end":
        events += await _next_events(conn, buffer)
    await connection.__aexit__(None, None, None)
    status, _ = await chat_app.send("third, once the slot is free")
    assert status == 200


async def test_every_finished_message_is_timed_on_metrics(chat_app):
    await chat_app.send("Time me")

    async def recorded():
        text = await (await chat_app.client.get("/metrics")).get_data(as_text=True)
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "dify_message_duration_seconds_count" and sample.labels.get("app_id") == chat_app.app_id:
                    return sample.value
        return None

    assert await eventually(recorded, what="the message duration on /metrics") == 1
