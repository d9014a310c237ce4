"""Conversations, messages, feedback, suggestions, parameters and uploads, as a Dify client uses them."""

import io
from uuid import UUID

from quart.datastructures import FileStorage

from tests.integration.openai_stub_server import Reply


async def _get(chat_app, path: str, **query) -> tuple[int, dict]:
    response = await chat_app.client.get(path, query_string=query, headers=chat_app.headers)
    return response.status_code, await response.get_json()


async def test_conversations_are_listed_per_user_renamed_and_deleted(chat_app):
    _, first = await chat_app.send("First question about billing")
    _, second = await chat_app.send("Another topic")
    await chat_app.send("Bob's question", user="bob")
    status, listing = await _get(chat_app, "/v1/conversations", user="alice", limit=1)
    assert status == 200 and listing["has_more"] is True
    assert [c["id"] for c in listing["data"]] == [second["conversation_id"]]
    _, rest = await _get(chat_app, "/v1/conversations", user="alice", last_id=second["conversation_id"])
    assert [c["id"] for c in rest["data"]] == [first["conversation_id"]] and rest["has_more"] is False
    assert rest["data"][0]["name"] == "First question about billing"

    url = f"/v1/conversations/{first['conversation_id']}"
    renamed = await chat_app.client.post(url + "/name", json={"name": "Billing", "user": "alice"}, headers=chat_app.headers)
    assert (await renamed.get_json())["name"] == "Billing"
    chat_app.upstream.replies.append(Reply(deltas=("Billing ", "help")))
    auto = await chat_app.client.post(url + "/name", json={"auto_generate": True, "user": "alice"}, headers=chat_app.headers)
    assert (await auto.get_json())["name"] == "Billing help"

    foreign = await chat_app.client.delete(url, json={"user": "bob"}, headers=chat_app.headers)
    assert foreign.status_code == 404
    deleted = await chat_app.client.delete(url, json={"user": "alice"}, headers=chat_app.headers)
    assert deleted.status_code == 204
    _, after = await _get(chat_app, "/v1/conversations", user="alice")
    assert [c["id"] for c in after["data"]] == [second["conversation_id"]]
    status, _body = await _get(chat_app, "/v1/conversations", user="alice", last_id="00000000-0000-7000-8000-000000000009")
    assert status == 404


async def test_messages_page_backwards_with_their_feedback(chat_app):
    _, first = await chat_app.send("one")
    conversation = first["conversation_id"]
    for query in ("two", "three"):
        await chat_app.send(query, conversation_id=conversation)
    status, page = await _get(chat_app, "/v1/messages", user="alice", conversation_id=conversation, limit=2)
    assert status == 200 and page["has_more"] is True
    assert [m["query"] for m in page["data"]] == ["two", "three"]  # chronological within the page
    older = page["data"][0]["id"]
    _, before = await _get(chat_app, "/v1/messages", user="alice", conversation_id=conversation, first_id=older)
    assert [m["query"] for m in before["data"]] == ["one"] and before["has_more"] is False
    message = page["data"][1]
    assert message["answer"] == "Hello world" and message["total_tokens"] == 14 and message["status"] == "normal"

    url = f"/v1/messages/{message['id']}/feedbacks"
    liked = await chat_app.client.post(url, json={"rating": "like", "user": "alice"}, headers=chat_app.headers)
    assert await liked.get_json() == {"result": "success"}
    _, page = await _get(chat_app, "/v1/messages", user="alice", conversation_id=conversation, limit=2)
    assert page["data"][1]["feedback"] == {"rating": "like"}
    _, feedbacks = await _get(chat_app, "/v1/app/feedbacks")
    assert [(f["message_id"], f["rating"]) for f in feedbacks["data"]] == [(message["id"], "like")]
    revoke = await chat_app.client.post(url, json={"rating": None, "user": "alice"}, headers=chat_app.headers)
    assert revoke.status_code == 200
    again = await chat_app.client.post(url, json={"rating": None, "user": "alice"}, headers=chat_app.headers)
    assert again.status_code == 400
    stranger = await chat_app.client.post(url, json={"rating": "like", "user": "mallory"}, headers=chat_app.headers)
    assert stranger.status_code == 404


async def test_another_users_conversation_is_invisible(chat_app):
    _, first = await chat_app.send("private")
    status, body = await _get(chat_app, "/v1/messages", user="bob", conversation_id=first["conversation_id"])
    assert (status, body["message"]) == (404, "Conversation Not Exists.")


async def test_suggested_questions_come_from_the_model(chat_app):
    _, answer = await chat_app.send("Tell me about plans")
    chat_app.upstream.replies.append(Reply(deltas=('["What does it cost?", ', '"Is there a trial?", "How to cancel?"]',)))
    status, body = await _get(chat_app, f"/v1/messages/{answer['message_id']}/suggested", user="alice")
    assert status == 200 and body == {"result": "success", "data": ["What does it cost?", "Is there a trial?", "How to cancel?"]}


async def test_parameters_meta_and_site_describe_the_app(chat_app):
    _, params = await _get(chat_app, "/v1/parameters")
    assert params["opening_statement"] == "Hello! Ask me anything."
    assert params["suggested_questions"] == ["What can you do?"]
    assert params["suggested_questions_after_answer"] == {"enabled": True}
    assert params["user_input_form"][0]["text-input"]["variable"] == "company"
    assert params["system_parameters"]["file_size_limit"] == 15
    assert (await _get(chat_app, "/v1/meta"))[1] == {"tool_icons": {}}
    assert (await _get(chat_app, "/v1/site"))[1]["title"] == "Helper"


async def test_file_upload_stores_the_bytes_and_enforces_limits(chat_app, container):
    data = b"hello, weir" * 10
    response = await chat_app.client.post(
        "/v1/files/upload", headers=chat_app.headers, form={"user": "alice"},
        files={"file": FileStorage(stream=io.BytesIO(data), filename="notes.txt", content_type="text/plain")},
    )
    body = await response.get_json()
    assert response.status_code == 201, body
    assert (body["name"], body["size"], body["extension"], body["mime_type"]) == ("notes.txt", len(data), "txt", "text/plain")
    async with container.uow() as uow:
        stored = await uow.uploads.get(UUID(body["id"]))
    assert await container.file_storage().load(stored.key) == data

    missing = await chat_app.client.post("/v1/files/upload", headers=chat_app.headers, form={"user": "alice"})
    assert (missing.status_code, (await missing.get_json())["code"]) == (400, "no_file_uploaded")
    big = FileStorage(stream=io.BytesIO(b"x" * (11 * 1024 * 1024)), filename="a.png", content_type="image/png")
    too_big = await chat_app.client.post("/v1/files/upload", headers=chat_app.headers, files={"file": big})
    assert (too_big.status_code, (await too_big.get_json())["code"]) == (413, "file_too_large")


async def test_the_source_url_is_a_signed_link_that_expires_and_cannot_be_forged(chat_app):
    from urllib.parse import urlsplit

    part = FileStorage(stream=io.BytesIO(b"%PDF-fake"), filename="doc.pdf", content_type="application/pdf")
    body = await (await chat_app.client.post("/v1/files/upload", headers=chat_app.headers, files={"file": part})).get_json()
    url = urlsplit(body["source_url"])
    assert url.path == f"/files/{body['id']}/file-preview"
    fetched = await chat_app.client.get(url.path + "?" + url.query)
    assert fetched.status_code == 200 and await fetched.get_data() == b"%PDF-fake"
    assert fetched.headers["Content-Type"] == "application/pdf"
    forged = await chat_app.client.get(url.path + "?" + url.query.replace("sign=", "sign=x"))
    assert forged.status_code == 403
