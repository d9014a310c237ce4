"""POST /v1/chat-messages against a real OpenAI-compatible upstream on loopback."""

import json

from tests.api.chat_helpers import MODEL, make_app
from tests.integration.openai_stub_server import Reply


async def test_blocking_chat_answers_prices_and_remembers(chat_app):
    status, body = await chat_app.send("Hi there", inputs={"company": "Initech"})
    assert status == 200, body
    assert body["event"] == "message" and body["mode"] == "chat" and body["answer"] == "Hello world"
    usage = body["metadata"]["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"]) == (11, 3, 14)
    assert usage["prompt_price"] == "0.0055000" and usage["completion_price"] == "0.0045000"
    assert usage["total_price"] == "0.0100000" and usage["currency"] == "USD" and usage["latency"] > 0
    sent = chat_app.upstream.requests[-1]["json"]
    assert sent["model"] == MODEL and sent["stream"] is True and sent["temperature"] == 0.2
    assert sent["messages"][0] == {"role": "system", "content": "You are a helpful assistant for Initech."}
    assert sent["messages"][-1] == {"role": "user", "content": "Hi there"}
    assert chat_app.upstream.requests[-1]["headers"]["authorization"] == "Bearer sk-stub-secret-key"

    status, again = await chat_app.send("And then?", conversation_id=body["conversation_id"])
    assert status == 200 and again["conversation_id"] == body["conversation_id"]
    history = chat_app.upstream.requests[-1]["json"]["messages"]
    assert [m["role"] for m in history] == ["system", "user", "assistant", "user"]
    assert history[1:3] == [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello world"}]


async def test_streaming_chat_sends_difys_event_sequence(chat_app):
    chat_app.upstream.replies.append(Reply(deltas=("One", " two", " three")))
    response = await chat_app.client.post(
        "/v1/chat-messages",
        json={"query": "Count", "user": "alice", "inputs": {}, "response_mode": "streaming"},
        headers=chat_app.headers,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["X-Accel-Buffering"] == "no"
    raw = (await response.get_data()).decode()
    events = [json.loads(block[len("data: "):]) for block in raw.strip().split("\n\n") if block.startswith("data: ")]
    assert [e["event"] for e in events] == ["message", "message", "message", "message_end"]
    assert "".join(e["answer"] for e in events[:-1]) == "One two three"
    assert len({(e["task_id"], e["message_id"], e["conversation_id"]) for e in events}) == 1
    assert events[-1]["metadata"]["usage"]["total_tokens"] == 14


async def test_a_provider_error_is_difys_error_and_the_message_is_saved_as_error(chat_app):
    chat_app.upstream.replies.append(Reply(status=400, error={"error": {"message": "model overloaded with nonsense"}}))
    status, body = await chat_app.send("Hi")
    assert status == 400 and body["code"] == "completion_request_error"
    assert "nonsense" in body["message"]


async def test_inputs_are_validated_before_anything_is_written(chat_app):
    status, body = await chat_app.send("Hi", inputs={"company": "x" * 60})
    assert status == 400 and body["code"] == "invalid_param"
    assert chat_app.upstream.requests == []


async def test_no_provider_is_provider_not_initialize(console, upstream):
    app = await make_app(console, upstream)
    status, body = await app.send("Hi")
    assert (status, body["code"]) == (400, "provider_not_initialize")


async def test_missing_user_and_wrong_mode(chat_app, console, upstream):
    response = await chat_app.client.post("/v1/chat-messages", json={"query": "Hi", "inputs": {}}, headers=chat_app.headers)
    assert response.status_code == 400 and (await response.get_json())["code"] == "invalid_param"
    completion = await make_app(console, upstream, mode="completion")
    status, body = await completion.send("Hi")
    assert (status, body["code"]) == (400, "not_chat_app")


async def test_unknown_conversation_is_not_found(chat_app):
    status, body = await chat_app.send("Hi", conversation_id="00000000-0000-7000-8000-000000000001")
    assert (status, body["code"], body["message"]) == (404, "not_found", "Conversation Not Exists.")


async def test_the_next_message_uses_a_config_or_credentials_changed_a_moment_ago(chat_app):
    """The app's config and its provider's credentials are kept between messages; a change is seen at once."""
    console = chat_app.console
    assert (await chat_app.send("Hi"))[0] == 200
    assert (await chat_app.send("Hi again"))[0] == 200  # served from what the first message read
    config = {"model": {"provider": "openai_api_compatible", "name": MODEL, "mode": "chat", "completion_params": {}},
              "pre_prompt": "You are a pirate."}
    changed = await console.client.post(
        f"/console/api/apps/{chat_app.app_id}/model-config", json=config, headers=console.headers
    )
    assert changed.status_code == 200
    assert (await chat_app.send("Ahoy"))[0] == 200
    assert chat_app.upstream.requests[-1]["json"]["messages"][0] == {"role": "system", "content": "You are a pirate."}

    credentials = {"api_key": "sk-rotated-key", "endpoint_url": chat_app.upstream.base_url,
                   "models": [{"name": MODEL, "context_size": 4096}]}
    rotated = await console.client.post(
        "/console/api/workspaces/current/model-providers/openai_api_compatible/credentials",
        json={"credentials": credentials}, headers=console.headers,
    )
    assert rotated.status_code == 200
    assert (await chat_app.send("Still there?"))[0] == 200
    assert chat_app.upstream.requests[-1]["headers"]["authorization"] == "Bearer sk-rotated-key"
