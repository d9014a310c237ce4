"""Annotations over the Service API and the console: CRUD, annotation reply turned on by a background job, and a
matching query answered from the annotation without the model being called."""

import io
import json

import pytest
from werkzeug.datastructures import FileStorage

from tests.api.chat_helpers import ChatApp, make_app
from tests.api.helpers import bearer
from tests.api.test_advanced_chat import _chatflow_key
from tests.polling import eventually

LOCAL_MODEL = {"embedding_provider_name": "weir_local", "embedding_model_name": "all-MiniLM-L6-v2"}


async def call(app: ChatApp, method: str, url: str, **kwargs):
    response = await app.client.open(url, method=method, headers=app.headers, **kwargs)
    data = await response.get_data()
    return response.status_code, (json.loads(data) if data and response.mimetype == "application/json" else data)


async def enable_reply(app: ChatApp, threshold: float = 0.8) -> None:
    status, job = await call(
        app, "POST", "/v1/apps/annotation-reply/enable", json={"score_threshold": threshold, **LOCAL_MODEL}
    )
    assert status == 200 and job["job_status"] == "waiting", job

    async def finished():
        _, body = await call(app, "GET", f"/v1/apps/annotation-reply/enable/status/{job['job_id']}")
        return body if body["job_status"] in ("completed", "error") else None

    assert (await eventually(finished))["job_status"] == "completed"


async def test_annotations_are_created_listed_updated_and_deleted(chat_app):
    status, created = await call(
        chat_app, "POST", "/v1/apps/annotations", json={"question": "What is weir?", "answer": "A backend."}
    )
    assert (
        status == 201
        and created["question"] == "What is weir?"
        and created["answer"] == "A backend."
        and created["hit_count"] == 0
    )
    await call(chat_app, "POST", "/v1/apps/annotations", json={"question": "Pricing?", "answer": "Free."})

    status, listing = await call(chat_app, "GET", "/v1/apps/annotations", query_string={"keyword": "weir"})
    assert status == 200 and [a["id"] for a in listing["data"]] == [created["id"]] and listing["total"] == 1

    status, updated = await call(
        chat_app,
        "PUT",
        f"/v1/apps/annotations/{created['id']}",
        json={"question": "What is weir?", "answer": "Dify, done better."},
    )
    assert status == 200 and updated["answer"] == "Dify, done better."

    assert (await call(chat_app, "DELETE", f"/v1/apps/annotations/{created['id']}"))[0] == 204
    _, listing = await call(chat_app, "GET", "/v1/apps/annotations")
    assert [a["question"] for a in listing["data"]] == ["Pricing?"]
    status, body = await call(
        chat_app, "PUT", f"/v1/apps/annotations/{created['id']}", json={"question": "q", "answer": "a"}
    )
    assert (status, body["code"]) == (404, "not_found")


async def test_a_blank_answer_is_refused_and_nothing_is_stored(chat_app):
    status, body = await call(chat_app, "POST", "/v1/apps/annotations", json={"question": "Q", "answer": "  "})
    assert (status, body["code"]) == (400, "invalid_param")
    assert (await call(chat_app, "GET", "/v1/apps/annotations"))[1]["total"] == 0


async def test_an_unknown_job_is_invalid_param(chat_app):
    status, body = await call(
        chat_app, "GET", "/v1/apps/annotation-reply/enable/status/00000000-0000-7000-8000-000000000001"
    )
    assert (status, body["code"], body["message"]) == (400, "invalid_param", "The job does not exist.")


async def test_a_matching_query_is_answered_from_the_annotation_without_the_model(chat_app):
    _, annotation = await call(
        chat_app,
        "POST",
        "/v1/apps/annotations",
        json={"question": "How do I reset my password?", "answer": "Use the link on the login page."},
    )
    await enable_reply(chat_app)
    before = len(chat_app.upstream.requests)

    status, body = await call(
        chat_app,
        "POST",
        "/v1/chat-messages",
        json={"query": "How do I reset my password?", "user": "alice", "inputs": {}, "response_mode": "streaming"},
    )
    events = [json.loads(line[5:]) for line in body.decode().split("\n") if line.startswith("data:")]
    assert status == 200 and [e["event"] for e in events] == ["message", "message_end"]
    assert events[0]["answer"] == "Use the link on the login page."
    assert events[1]["metadata"]["annotation_reply"]["id"] == annotation["id"]
    assert events[1]["metadata"]["annotation_reply"]["account"]["name"]
    assert len(chat_app.upstream.requests) == before, "the model was called for an annotated question"

    _, listing = await call(chat_app, "GET", "/v1/apps/annotations")
    assert listing["data"][0]["hit_count"] == 1
    _, messages = await call(
        chat_app, "GET", "/v1/messages", query_string={"user": "alice", "conversation_id": events[0]["conversation_id"]}
    )
    assert messages["data"][0]["answer"] == "Use the link on the login page."

    # An unrelated question still reaches the model.
    status, _ = await chat_app.send("Tell me a story about dragons")
    assert status == 200 and len(chat_app.upstream.requests) == before + 1


async def test_after_disable_the_model_answers_again(chat_app):
    await call(chat_app, "POST", "/v1/apps/annotations", json={"question": "Opening hours?", "answer": "9 to 5."})
    await enable_reply(chat_app)
    status, job = await call(
        chat_app, "POST", "/v1/apps/annotation-reply/disable", json={"score_threshold": 0.8, **LOCAL_MODEL}
    )
    assert status == 200

    async def disabled():
        _, body = await call(chat_app, "GET", f"/v1/apps/annotation-reply/disable/status/{job['job_id']}")
        return body["job_status"] == "completed"

    await eventually(disabled)
    before = len(chat_app.upstream.requests)
    status, answer = await chat_app.send("Opening hours?")
    assert (
        status == 200 and "annotation_reply" not in answer["metadata"] and len(chat_app.upstream.requests) == before + 1
    )


@pytest.mark.parametrize("threshold", [1.5, -0.1])
async def test_a_threshold_outside_zero_to_one_is_refused(chat_app, threshold):
    status, body = await call(
        chat_app, "POST", "/v1/apps/annotation-reply/enable", json={"score_threshold": threshold, **LOCAL_MODEL}
    )
    assert (status, body["code"]) == (400, "invalid_param")


async def console_call(app: ChatApp, method: str, path: str, **kwargs):
    response = await app.client.open(
        f"/console/api/apps/{app.app_id}{path}", method=method, headers=app.console.headers, **kwargs
    )
    data = await response.get_data()
    return response.status_code, (json.loads(data) if data and response.mimetype == "application/json" else data)


async def test_the_console_imports_a_csv_exports_it_and_lists_hit_histories(chat_app):
    csv = b"question,answer\nWhere is the office?,In Lyon.\nWho founded it?,Ada.\n"
    files = {"file": FileStorage(stream=io.BytesIO(csv), filename="annotations.csv", content_type="text/csv")}
    status, job = await console_call(chat_app, "POST", "/annotations/batch-import", files=files)
    assert status == 200 and job["record_count"] == 2, job

    async def imported():
        _, body = await console_call(chat_app, "GET", f"/annotations/batch-import-status/{job['job_id']}")
        return body["job_status"] == "completed"

    await eventually(imported)
    _, exported = await console_call(chat_app, "GET", "/annotations/export")
    assert sorted(a["question"] for a in exported["data"]) == ["Where is the office?", "Who founded it?"]
    assert (await console_call(chat_app, "GET", "/annotations/count"))[1] == {"count": 2}

    assert (await console_call(chat_app, "GET", "/annotation-setting"))[1] == {"enabled": False}
    await enable_reply(chat_app)
    _, setting = await console_call(chat_app, "GET", "/annotation-setting")
    assert setting["enabled"] and setting["embedding_model"] == LOCAL_MODEL and setting["score_threshold"] == 0.8
    _, setting = await console_call(
        chat_app, "POST", f"/annotation-settings/{setting['id']}", json={"score_threshold": 0.9}
    )
    assert setting["score_threshold"] == 0.9

    status, answer = await chat_app.send("Where is the office?")
    assert status == 200 and answer["answer"] == "In Lyon."
    office = next(a for a in exported["data"] if a["question"] == "Where is the office?")
    _, histories = await console_call(chat_app, "GET", f"/annotations/{office['id']}/hit-histories")
    assert histories["total"] == 1 and histories["data"][0]["question"] == "Where is the office?"
    assert histories["data"][0]["match"] == "Where is the office?" and histories["data"][0]["response"] == "In Lyon."
    assert histories["data"][0]["source"] == "api"  # a Service API chat (the console's debug chat: "console")

    assert (await console_call(chat_app, "DELETE", "/annotations"))[0] == 204
    assert (await console_call(chat_app, "GET", "/annotations/count"))[1] == {"count": 0}


async def test_a_file_that_is_not_csv_is_refused(chat_app):
    files = {"file": FileStorage(stream=io.BytesIO(b"q,a\nx,y\n"), filename="notes.txt", content_type="text/plain")}
    status, body = await console_call(chat_app, "POST", "/annotations/batch-import", files=files)
    assert (status, body["code"]) == (400, "invalid_param")


async def test_an_advanced_chat_app_answers_from_an_annotation_without_running_its_workflow(console, upstream):
    key = await _chatflow_key(console, upstream)
    app = ChatApp(console=console, app_id="", key=key, upstream=upstream)
    await call(
        app, "POST", "/v1/apps/annotations", json={"question": "Is there a free plan?", "answer": "Yes, forever."}
    )
    await enable_reply(app)

    status, body = await call(
        app,
        "POST",
        "/v1/chat-messages",
        json={"query": "Is there a free plan?", "user": "bob", "inputs": {}, "response_mode": "streaming"},
    )
    events = [json.loads(line[5:]) for line in body.decode().split("\n") if line.startswith("data:")]
    assert (
        status == 200
        and [e["event"] for e in events] == ["message", "message_end"]
        and events[0]["answer"] == "Yes, forever."
    )
    assert upstream.requests == [], "the chatflow's LLM node ran for an annotated question"
    runs = await (await console.client.get("/v1/workflows/logs", headers=bearer(key))).get_json()
    assert runs["total"] == 0


async def test_a_completion_app_answers_from_an_annotation_too(console, upstream, chat_app):
    app = await make_app(
        console,
        upstream,
        mode="completion",
        pre_prompt="Answer: {{query}}",
        user_input_form=[{"paragraph": {"label": "Query", "variable": "query", "required": True}}],
    )
    await call(
        app, "POST", "/v1/apps/annotations", json={"question": "What is the refund window?", "answer": "30 days."}
    )
    await enable_reply(app)
    before = len(upstream.requests)
    status, body = await call(
        app,
        "POST",
        "/v1/completion-messages",
        json={"inputs": {"query": "What is the refund window?"}, "user": "alice", "response_mode": "blocking"},
    )
    assert status == 200 and body["answer"] == "30 days." and "annotation_reply" in body["metadata"]
    assert len(upstream.requests) == before
