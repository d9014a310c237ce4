"""Advanced-chat (chatflow) apps answer on /v1/chat-messages with workflow events, message events and
conversation variables that carry over between turns."""

import json

import yaml

from tests.api.chat_helpers import configure_provider
from tests.api.helpers import bearer
from tests.integration.openai_stub_server import Reply

TURNS = {"id": "v-turns", "name": "turns", "value_type": "number", "value": 0, "description": "turns so far"}


def _dsl(conversation_variables: tuple[dict, ...] = (TURNS,)) -> str:
    node = lambda nid, data: {"id": nid, "type": "custom", "data": data}  # noqa: E731
    edge = lambda s, t: {"id": f"{s}-{t}", "source": s, "target": t, "sourceHandle": "source"}  # noqa: E731
    graph = {
        "nodes": [
            node("start", {"type": "start", "title": "Start", "variables": []}),
            node("llm", {"type": "llm", "title": "LLM", "model": {
                "provider": "openai_api_compatible", "name": "stub-model", "mode": "chat", "completion_params": {}},
                "prompt_template": [{"role": "system", "text": "Be brief."}],
                "memory": {"window": {"enabled": True, "size": 5}, "query_prompt_template": "{{#sys.query#}}"}}),
            node("count", {"type": "assigner", "title": "Count turns", "version": "2", "items": [
                {"variable_selector": ["conversation", "turns"], "input_type": "constant", "operation": "+=", "value": 1}]}),
            node("answer", {"type": "answer", "title": "Answer", "answer": "{{#llm.text#}} (turn {{#conversation.turns#}})"}),
        ],
        "edges": [edge("start", "llm"), edge("llm", "count"), edge("count", "answer")],
    }
    return yaml.safe_dump({
        "app": {"name": "Chatflow", "mode": "advanced-chat"}, "kind": "app", "version": "0.3.1",
        "workflow": {"graph": graph, "features": {}, "conversation_variables": list(conversation_variables)},
    })


async def _chatflow_key(console, upstream, dsl: str | None = None) -> str:
    await configure_provider(console, upstream)
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": dsl or _dsl(), "publish": True},
        headers=console.headers)).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    return await console.create_app_key(imported["app_id"])


async def test_a_chatflow_streams_workflow_and_message_events(console, upstream):
    key = await _chatflow_key(console, upstream)
    upstream.replies.append(Reply(deltas=("Hi", " there")))
    response = await console.client.post("/v1/chat-messages", headers=bearer(key), json={
        "query": "Hello", "inputs": {}, "response_mode": "streaming", "user": "alice"})
    events = [json.loads(b[6:]) for b in (await response.get_data()).decode().strip().split("\n\n") if b.startswith("data: ")]
    names = [e["event"] for e in events]
    assert names[0] == "workflow_started" and names[-2:] == ["workflow_finished", "message_end"]
    assert events[-2]["data"]["created_by"]["user"] == "alice"
    assert "".join(e["answer"] for e in events if e["event"] == "message") == "Hi there (turn 1)"
    assert len({e["conversation_id"] for e in events}) == 1 and len({e["message_id"] for e in events}) == 1


async def test_conversation_variables_carry_over_and_history_is_listed(console, upstream):
    key = await _chatflow_key(console, upstream)
    status = await console.client.post("/v1/chat-messages", headers=bearer(key), json={
        "query": "One", "inputs": {}, "response_mode": "blocking", "user": "alice"})
    first = await status.get_json()
    assert status.status_code == 200 and first["answer"] == "Hello world (turn 1)" and first["mode"] == "advanced-chat"
    second = await (await console.client.post("/v1/chat-messages", headers=bearer(key), json={
        "query": "Two", "inputs": {}, "response_mode": "blocking", "user": "alice",
        "conversation_id": first["conversation_id"]})).get_json()
    assert second["answer"] == "Hello world (turn 2)"
    remembered = upstream.requests[-1]["json"]["messages"]
    assert [(m["role"], m["content"]) for m in remembered] == [
        ("system", "Be brief."), ("user", "One"), ("assistant", "Hello world (turn 1)"), ("user", "Two"),
    ]
    variables = await (await console.client.get(
        f"/v1/conversations/{first['conversation_id']}/variables", query_string={"user": "alice"}, headers=bearer(key))).get_json()
    assert [(v["name"], v["value"], v["value_type"]) for v in variables["data"]] == [("turns", "2", "number")]
    messages = await (await console.client.get("/v1/messages", query_string={
        "user": "alice", "conversation_id": first["conversation_id"]}, headers=bearer(key))).get_json()
    assert [m["answer"] for m in messages["data"]] == ["Hello world (turn 1)", "Hello world (turn 2)"]
    runs = await (await console.client.get("/v1/workflows/logs", headers=bearer(key))).get_json()
    assert runs["total"] == 2


async def test_conversation_variables_are_paged_and_filtered_by_name(console, upstream):
    extra = [{"id": f"v-{name}", "name": name, "value_type": "string", "value": name.upper(), "description": ""}
             for name in ("topic", "user_name", "Topic_note", "score")]
    key = await _chatflow_key(console, upstream, _dsl((TURNS, *extra)))
    first = await (await console.client.post("/v1/chat-messages", headers=bearer(key), json={
        "query": "One", "inputs": {}, "response_mode": "blocking", "user": "alice"})).get_json()
    url = f"/v1/conversations/{first['conversation_id']}/variables"

    async def page(**query) -> tuple[int, dict]:
        response = await console.client.get(url, query_string={"user": "alice", **query}, headers=bearer(key))
        return response.status_code, await response.get_json()

    _, everything = await page()
    assert (everything["limit"], everything["has_more"]) == (20, False)
    assert [v["name"] for v in everything["data"]] == ["turns", "topic", "user_name", "Topic_note", "score"]
    assert everything["data"][0]["value"] == "1" and everything["data"][1]["value"] == "TOPIC"

    names, last_id, pages = [], None, []
    while True:
        _, body = await page(limit=2, **({"last_id": last_id} if last_id else {}))
        names += [v["name"] for v in body["data"]]
        pages.append((len(body["data"]), body["has_more"], body["limit"]))
        if not body["has_more"]:
            break
        last_id = body["data"][-1]["id"]
    assert names == ["turns", "topic", "user_name", "Topic_note", "score"]
    assert pages == [(2, True, 2), (2, True, 2), (1, False, 2)]
    _, exact = await page(limit=5)
    assert exact["has_more"] is False and len(exact["data"]) == 5

    _, topics = await page(variable_name="TOPIC")
    assert [v["name"] for v in topics["data"]] == ["topic", "Topic_note"] and topics["has_more"] is False
    _, after = await page(variable_name="topic", last_id="v-topic")
    assert [v["name"] for v in after["data"]] == ["Topic_note"]

    status, unknown = await page(last_id="v-nothing")
    assert (status, unknown["code"], unknown["message"]) == (404, "not_found", "Conversation Variable Not Exists.")
    for wrong in ({"variable_name": "a';--"}, {"variable_name": "x" * 256}, {"limit": "0"}, {"limit": "101"}):
        status, body = await page(**wrong)
        assert (status, body["code"]) == (400, "invalid_param"), wrong
