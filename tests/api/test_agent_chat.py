"""Agent-chat apps over real HTTP: agent_mode in the model config, /v1/chat-messages streaming agent_thought
and agent_message events through several tool rounds of a scripted upstream, blocking answers, thoughts
stored and listed with the message, the round limit, failing tools and bad configurations."""

import asyncio
import json

import pytest
import yaml
from dependency_injector import providers

from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.worker import tasks
from tests.agent_fakes import demo_providers
from tests.api.agent_helpers import react_reply, sse_events, tool_calls_reply
from tests.api.chat_helpers import ChatApp, configure_provider, make_app
from tests.integration.openai_stub_server import Reply


@pytest.fixture
def container(settings, clean_database):
    """The app's container with the in-memory demo tools beside the real builtins."""
    built = build_container(settings, Database(url=clean_database, embedded=False), tasks.broker)
    built.tools.tool_providers.override(providers.Object(demo_providers(fallback=built.tools.tool_providers())))
    return built


def _tool(name: str, provider: str = "demo", **parameters) -> dict:
    return {
        "enabled": True,
        "provider_type": "builtin",
        "provider_id": provider,
        "provider_name": provider,
        "tool_name": name,
        "tool_label": name.title(),
        "tool_parameters": parameters,
    }


def agent_mode(strategy: str = "function_call", tools: list | None = None, max_iteration: int = 5) -> dict:
    tools = tools if tools is not None else [_tool("get_weather"), _tool("add"), _tool("flaky")]
    return {"enabled": True, "strategy": strategy, "max_iteration": max_iteration, "tools": tools, "prompt": None}


async def _agent_app(console, upstream, **mode) -> ChatApp:
    await configure_provider(console, upstream)
    return await make_app(console, upstream, mode="agent-chat", agent_mode=agent_mode(**mode))


async def _stream(app: ChatApp, query: str, **body) -> list[dict]:
    response = await app.client.post(
        "/v1/chat-messages",
        headers=app.headers,
        json={"query": query, "inputs": {}, "response_mode": "streaming", "user": "alice", **body},
    )
    assert response.status_code == 200, await response.get_data()
    return sse_events(await response.get_data())


async def test_function_calling_streams_thoughts_and_agent_messages_and_lists_them(console, upstream):
    app = await _agent_app(console, upstream)
    upstream.replies += [
        tool_calls_reply(("get_weather", {"city": "Oslo"}), ("add", {"a": 2, "b": 3})),
        tool_calls_reply(("flaky", {})),
        Reply(deltas=("Sunny in Oslo", " and 5.")),
    ]
    events = await _stream(app, "Weather in Oslo, and 2+3?")
    names = [e["event"] for e in events]
    assert "message" not in names and names[-1] == "message_end"
    assert "".join(e["answer"] for e in events if e["event"] == "agent_message") == "Sunny in Oslo and 5."
    thoughts = [e for e in events if e["event"] == "agent_thought"]
    finals = {t["position"]: t for t in thoughts}  # the last update of each round
    assert sorted(finals) == [1, 2, 3]
    first = finals[1]
    assert first["tool"] == "get_weather;add" and first["message_id"] == events[-1]["message_id"]
    assert yaml.safe_load(first["tool_input"]) == {"get_weather": {"city": "Oslo"}, "add": {"a": 2, "b": 3}}
    assert yaml.safe_load(first["observation"]) == {"get_weather": "Sunny in Oslo, 21°C", "add": '{"sum": 5}'}
    assert "upstream said 503" in finals[2]["observation"]  # the failing tool, and the agent went on
    assert finals[3]["tool"] == "" and set(first) >= {
        "id",
        "conversation_id",
        "tool_labels",
        "message_files",
        "created_at",
        "task_id",
    }
    announced = thoughts[0]
    assert announced["position"] == 1 and announced["observation"] == "" and announced["id"] == first["id"]
    assert events[-1]["metadata"]["usage"]["total_tokens"] == 42

    listed = await (
        await app.client.get(
            "/v1/messages",
            headers=app.headers,
            query_string={"user": "alice", "conversation_id": events[-1]["conversation_id"]},
        )
    ).get_json()
    message = listed["data"][0]
    assert message["answer"] == "Sunny in Oslo and 5."
    assert [(t["position"], t["tool"]) for t in message["agent_thoughts"]] == [
        (1, "get_weather;add"),
        (2, "flaky"),
        (3, ""),
    ]
    assert message["agent_thoughts"][0]["observation"] == first["observation"]
    # The console's log of the conversation (Logs & Annotations, Debug & Preview) shows the same thoughts.
    logged = await (
        await app.client.get(
            f"/console/api/apps/{app.app_id}/chat-messages",
            headers=app.console.headers,
            query_string={"conversation_id": events[-1]["conversation_id"]},
        )
    ).get_json()
    assert [(t["position"], t["tool"]) for t in logged["data"][0]["agent_thoughts"]] == [
        (1, "get_weather;add"),
        (2, "flaky"),
        (3, ""),
    ]


async def test_blocking_mode_returns_the_final_answer_and_history_is_remembered(console, upstream):
    app = await _agent_app(console, upstream)
    upstream.replies += [tool_calls_reply(("get_weather", {"city": "Rome"})), Reply(deltas=("Rome is sunny.",))]
    status, body = await app.send("Weather in Rome?")
    assert status == 200 and body["answer"] == "Rome is sunny." and body["mode"] == "agent-chat", body
    upstream.replies.append(Reply(deltas=("You asked about Rome.",)))
    status, again = await app.send("What did I ask?", conversation_id=body["conversation_id"])
    assert again["answer"] == "You asked about Rome."
    roles = [(m["role"], m.get("content")) for m in upstream.requests[-1]["json"]["messages"]]
    assert ("user", "Weather in Rome?") in roles and ("assistant", "Rome is sunny.") in roles
    assert roles[-1] == ("user", "What did I ask?")


async def test_react_with_a_real_builtin_tool(console, upstream):
    conversion = _tool("timezone_conversion", provider="time")
    app = await _agent_app(console, upstream, strategy="react", tools=[conversion])
    upstream.replies += [
        react_reply(
            "I convert the time",
            "timezone_conversion",
            {"current_time": "2026-01-01 12:00:00", "current_timezone": "UTC", "target_timezone": "Asia/Tokyo"},
        ),
        react_reply("Done", "Final Answer", "It is 21:00 in Tokyo."),
    ]
    events = await _stream(app, "Noon UTC in Tokyo?")
    assert "".join(e["answer"] for e in events if e["event"] == "agent_message") == "It is 21:00 in Tokyo."
    round_one = [e for e in events if e["event"] == "agent_thought" and e["position"] == 1][-1]
    assert round_one["thought"] == "I convert the time" and round_one["tool"] == "timezone_conversion"
    assert "2026-01-01 21:00:00" in round_one["observation"]
    assert upstream.requests[-1]["json"]["stop"] == ["Observation:"]


async def test_the_round_limit_ends_with_an_answer_without_tools(console, upstream):
    app = await _agent_app(console, upstream, max_iteration=2)
    upstream.replies += [tool_calls_reply(("get_weather", {"city": "Oslo"})), Reply(deltas=("Enough.",))]
    status, body = await app.send("Loop forever")
    assert status == 200 and body["answer"] == "Enough."
    assert "tools" in upstream.requests[-2]["json"] and "tools" not in upstream.requests[-1]["json"]


async def test_an_unknown_tool_is_refused_before_anything_is_stored(console, upstream):
    app = await _agent_app(console, upstream, tools=[_tool("get_weather", provider="nowhere")])
    status, body = await app.send("Hi")
    assert status == 404 and body["code"] == "not_found" and "nowhere" in body["message"], body
    listed = await (
        await app.client.get("/v1/conversations", headers=app.headers, query_string={"user": "alice"})
    ).get_json()
    assert listed["data"] == [] and upstream.requests == []


async def test_a_malformed_agent_mode_is_a_400(console, upstream):
    await configure_provider(console, upstream)
    created = await console.create_app("Broken agent", "agent-chat")
    for bad in (
        {"enabled": True, "strategy": "telepathy"},
        {"enabled": True, "tools": [{"tool_name": "x"}]},
        {"enabled": True, "tools": "all"},
    ):
        response = await console.client.post(
            f"/console/api/apps/{created['id']}/model-config",
            headers=console.headers,
            json={"model": {"provider": "openai_api_compatible", "name": "stub-model"}, "agent_mode": bad},
        )
        body = await response.get_json()
        assert response.status_code == 400 and body["code"] == "invalid_param" and "agent_mode" in body["message"]


async def test_an_agent_chat_dsl_imports_runs_and_exports_its_agent_mode(console, upstream):
    await configure_provider(console, upstream)
    dsl = yaml.safe_dump(
        {
            "app": {"name": "Agent DSL", "mode": "agent-chat"},
            "kind": "app",
            "version": "0.3.1",
            "model_config": {
                "model": {
                    "provider": "openai_api_compatible",
                    "name": "stub-model",
                    "mode": "chat",
                    "completion_params": {},
                },
                "pre_prompt": "You are a weather bot.",
                "agent_mode": agent_mode(tools=[_tool("get_weather")]),
            },
        }
    )
    imported = await (
        await console.client.post(
            "/console/api/apps/imports", headers=console.headers, json={"mode": "yaml-content", "yaml_content": dsl}
        )
    ).get_json()
    assert imported["status"].startswith("completed") and not imported["error"] and imported["app_mode"] == "agent-chat", imported
    app = ChatApp(console, imported["app_id"], await console.create_app_key(imported["app_id"]), upstream)
    upstream.replies += [tool_calls_reply(("get_weather", {"city": "Lima"})), Reply(deltas=("Lima: sunny.",))]
    status, body = await app.send("Lima?")
    assert status == 200 and body["answer"] == "Lima: sunny."
    assert upstream.requests[-2]["json"]["messages"][0] == {"role": "system", "content": "You are a weather bot."}
    exported = await (
        await console.client.get(f"/console/api/apps/{app.app_id}/export", headers=console.headers)
    ).get_json()
    again = yaml.safe_load(exported["data"])["model_config"]["agent_mode"]
    assert again["strategy"] == "function_call" and again["tools"][0]["tool_name"] == "get_weather"


async def test_a_file_a_tool_makes_is_named_on_its_thought(console, upstream):
    app = await _agent_app(console, upstream, tools=[_tool("chart")])
    upstream.replies += [tool_calls_reply(("chart", {})), Reply(deltas=("Here.",))]
    events = await _stream(app, "Draw it")
    [done] = [e for e in events if e["event"] == "agent_thought" and e["position"] == 1 and e["observation"]]
    [file_id] = done["message_files"]
    assert len(file_id) == 36


async def test_a_stop_mid_agent_keeps_the_rounds_done_and_the_partial_answer(console, upstream):
    app = await _agent_app(console, upstream)
    upstream.replies += [
        tool_calls_reply(("get_weather", {"city": "Oslo"})),
        Reply(deltas=("Partial", " answer", " never sent"), hang_after=2),
    ]
    connection = app.client.request(
        "/v1/chat-messages", method="POST", headers={**app.headers, "Content-Type": "application/json"}
    )
    conn = await connection.__aenter__()
    await conn.send(
        json.dumps({"query": "Oslo?", "user": "alice", "inputs": {}, "response_mode": "streaming"}).encode()
    )
    await conn.send_complete()
    buffer, events = "", []
    while not any(e["event"] == "agent_message" and e["answer"] == " answer" for e in events):
        buffer += (await asyncio.wait_for(conn.receive(), 10)).decode()
        *complete, buffer = buffer.split("\n\n")
        events += [json.loads(b[6:]) for b in complete if b.startswith("data: ")]
    stop = await app.client.post(
        f"/v1/chat-messages/{events[0]['task_id']}/stop", json={"user": "alice"}, headers=app.headers
    )
    assert await stop.get_json() == {"result": "success"}
    while events[-1]["event"] != "message_end":
        buffer += (await asyncio.wait_for(conn.receive(), 10)).decode()
        *complete, buffer = buffer.split("\n\n")
        events += [json.loads(b[6:]) for b in complete if b.startswith("data: ")]
    await connection.__aexit__(None, None, None)
    await asyncio.wait_for(upstream.disconnected.wait(), 10)
    listed = await (
        await app.client.get(
            "/v1/messages",
            headers=app.headers,
            query_string={"user": "alice", "conversation_id": events[-1]["conversation_id"]},
        )
    ).get_json()
    [message] = listed["data"]
    assert message["answer"] == "Partial answer" and message["status"] == "normal"
    assert [t["tool"] for t in message["agent_thoughts"]] == ["get_weather"]  # the stopped round left none
