"""The agent node over real HTTP: a workflow whose agent calls tools through several rounds of a scripted
OpenAI-compatible upstream, streams Dify's agent_log events, and answers text, json and usage."""

import pytest
import yaml
from dependency_injector import providers

from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.worker import tasks
from tests.agent_fakes import demo_providers
from tests.api.agent_helpers import react_reply, sse_events, tool_calls_reply
from tests.api.chat_helpers import configure_provider
from tests.api.helpers import bearer
from tests.integration.openai_stub_server import Reply

TOOLS = demo_providers()


@pytest.fixture
def container(settings, clean_database):
    """The app's container with the in-memory demo tools in place of the workspace's providers."""
    built = build_container(settings, Database(url=clean_database, embedded=False), tasks.broker)
    built.tools.tool_providers.override(providers.Object(TOOLS))
    return built


def _tool(name: str, **parameters) -> dict:
    return {
        "enabled": True,
        "provider_name": "demo",
        "tool_name": name,
        "type": "builtin",
        "parameters": {k: {"auto": 0, "value": {"type": "constant", "value": v}} for k, v in parameters.items()},
        "settings": {},
        "extra": {"description": f"the {name} tool"},
    }


def _dsl(
    strategy: str = "function_calling",
    provider: str = "langgenius/agent/agent",
    iterations: int = 5,
    tools: list | None = None,
) -> str:
    node = lambda nid, data: {"id": nid, "type": "custom", "data": data}  # noqa: E731
    edge = lambda s, t: {"id": f"{s}-{t}", "source": s, "target": t, "sourceHandle": "source"}  # noqa: E731
    constant = lambda value: {"type": "constant", "value": value}  # noqa: E731
    agent = {
        "type": "agent",
        "title": "Agent",
        "agent_strategy_provider_name": provider,
        "agent_strategy_name": strategy,
        "agent_strategy_label": strategy,
        "agent_parameters": {
            "model": constant(
                {
                    "provider": "openai_api_compatible",
                    "model": "stub-model",
                    "mode": "chat",
                    "completion_params": {"temperature": 0},
                    "type": "model-selector",
                }
            ),
            "tools": constant(tools if tools is not None else [_tool("get_weather"), _tool("add"), _tool("flaky")]),
            "instruction": constant("You help with {{#start.topic#}}."),
            "query": {"type": "mixed", "value": "{{#start.question#}}"},
            "maximum_iterations": constant(iterations),
        },
    }
    graph = {
        "nodes": [
            node(
                "start",
                {
                    "type": "start",
                    "title": "Start",
                    "variables": [
                        {"variable": "question", "label": "Question", "type": "text-input", "required": True},
                        {"variable": "topic", "label": "Topic", "type": "text-input", "required": False},
                    ],
                },
            ),
            node("agent", agent),
            node(
                "end",
                {
                    "type": "end",
                    "title": "End",
                    "outputs": [
                        {"variable": "answer", "value_selector": ["agent", "text"]},
                        {"variable": "json", "value_selector": ["agent", "json"]},
                    ],
                },
            ),
        ],
        "edges": [edge("start", "agent"), edge("agent", "end")],
    }
    return yaml.safe_dump(
        {
            "app": {"name": "Agent flow", "mode": "workflow"},
            "kind": "app",
            "version": "0.3.1",
            "workflow": {"graph": graph, "features": {}},
        }
    )


async def _import(console, upstream, dsl: str) -> tuple[dict, str]:
    await configure_provider(console, upstream)
    imported = await (
        await console.client.post(
            "/console/api/apps/imports",
            json={"mode": "yaml-content", "yaml_content": dsl, "publish": True},
            headers=console.headers,
        )
    ).get_json()
    assert imported["status"] in ("completed", "completed-with-warnings"), imported
    return imported, await console.create_app_key(imported["app_id"])


async def _run(console, key, mode="streaming", question="Weather in Oslo, and 2+3?"):
    return await console.client.post(
        "/v1/workflows/run",
        headers=bearer(key),
        json={"inputs": {"question": question, "topic": "travel"}, "response_mode": mode, "user": "alice"},
    )


async def test_function_calling_runs_rounds_of_parallel_calls_and_streams_agent_logs(console, upstream):
    imported, key = await _import(console, upstream, _dsl())
    assert imported["status"].startswith("completed") and not imported["error"], imported
    upstream.replies += [
        tool_calls_reply(("get_weather", {"city": "Oslo"}), ("add", {"a": 2, "b": 3})),
        tool_calls_reply(("flaky", {}), text="Checking once more."),
        Reply(deltas=("Sunny in Oslo; ", "2+3 is 5.")),
    ]
    events = sse_events(await (await _run(console, key)).get_data())
    finished = next(e for e in events if e["event"] == "workflow_finished")["data"]
    assert finished["status"] == "succeeded", finished
    assert finished["outputs"]["answer"] == "Checking once more.Sunny in Oslo; 2+3 is 5."
    assert finished["outputs"]["json"] == [{"sum": 5}]
    logs = [e["data"] for e in events if e["event"] == "agent_log"]
    rounds = [log for log in logs if log["parent_id"] is None and log["status"] == "success"]
    assert [r["label"] for r in rounds] == ["ROUND 1", "ROUND 2", "ROUND 3"]
    calls = [log for log in logs if log["label"].startswith("CALL") and log["status"] != "start"]
    assert [(c["label"], c["status"]) for c in calls] == [
        ("CALL get_weather", "success"),
        ("CALL add", "success"),
        ("CALL flaky", "error"),
    ]
    assert "upstream said 503" in calls[2]["data"]["output"] and calls[0]["parent_id"] == "round-1"
    assert all(log["node_id"] == "agent" and log["node_execution_id"] for log in logs)
    assert rounds[0]["metadata"]["total_tokens"] == 14 and "elapsed_time" in rounds[0]["metadata"]
    node = next(e for e in events if e["event"] == "node_finished" and e["data"]["node_id"] == "agent")["data"]
    assert node["outputs"]["usage"]["total_tokens"] == 42 and node["execution_metadata"]["total_tokens"] == 42
    first = upstream.requests[-3]["json"]
    assert first["messages"][0] == {"role": "system", "content": "You help with travel."}
    assert {t["function"]["name"] for t in first["tools"]} == {"get_weather", "add", "flaky"}
    tool_messages = [m for m in upstream.requests[-2]["json"]["messages"] if m["role"] == "tool"]
    assert [m["content"] for m in tool_messages] == ["Sunny in Oslo, 21°C", '{"sum": 5}']


async def test_max_iterations_ends_with_a_round_without_tools(console, upstream):
    _, key = await _import(console, upstream, _dsl(iterations=2))
    upstream.replies += [tool_calls_reply(("get_weather", {"city": "Oslo"})), Reply(deltas=("Out of rounds.",))]
    body = await (await _run(console, key, mode="blocking")).get_json()
    assert body["data"]["status"] == "succeeded" and body["data"]["outputs"]["answer"] == "Out of rounds."
    assert "tools" in upstream.requests[-2]["json"] and "tools" not in upstream.requests[-1]["json"]


async def test_react_and_a_foreign_strategy_provider_run_on_the_built_in_react(console, upstream):
    imported, key = await _import(
        console, upstream, _dsl(strategy="mcp_sse_ReAct", provider="junjiem/mcp_sse_agent/mcp_sse_agent")
    )
    assert imported["status"] == "completed-with-warnings" and "ReAct" in imported["error"], imported
    upstream.replies += [
        react_reply("I need the weather", "get_weather", {"city": "Rome"}),
        react_reply("I know now", "Final Answer", "Rome is sunny."),
    ]
    events = sse_events(await (await _run(console, key)).get_data())
    finished = next(e for e in events if e["event"] == "workflow_finished")["data"]
    assert finished["status"] == "succeeded" and finished["outputs"]["answer"] == "Rome is sunny.", finished
    assert upstream.requests[-2]["json"]["stop"] == ["Observation:"]
    assert "Observation: Sunny in Rome, 21°C" in upstream.requests[-1]["json"]["messages"][-1]["content"]
    call = next(
        e["data"]
        for e in events
        if e["event"] == "agent_log" and e["data"]["label"] == "CALL get_weather" and e["data"]["status"] == "success"
    )
    assert call["data"]["tool_call_args"] == {"city": "Rome"}


async def test_an_unknown_tool_provider_fails_the_node_naming_it(console, upstream):
    missing = {**_tool("get_weather"), "provider_name": "nowhere"}
    _, key = await _import(console, upstream, _dsl(tools=[missing]))
    body = await (await _run(console, key, mode="blocking")).get_json()
    assert body["data"]["status"] == "failed" and "nowhere" in body["data"]["error"]
    assert upstream.requests == []  # nothing was asked of the model


async def test_a_fixed_parameter_is_not_offered_to_the_model(console, upstream):
    _, key = await _import(console, upstream, _dsl(tools=[_tool("get_weather", city="Paris")]))
    upstream.replies += [tool_calls_reply(("get_weather", {"city": "Oslo"})), Reply(deltas=("Done.",))]
    body = await (await _run(console, key, mode="blocking")).get_json()
    assert body["data"]["status"] == "succeeded", body
    schema = upstream.requests[-2]["json"]["tools"][0]["function"]["parameters"]
    assert schema["properties"] == {}
    assert "Sunny in Paris" in upstream.requests[-1]["json"]["messages"][-1]["content"]


async def test_a_file_a_tool_makes_is_stored_and_output(console, upstream):
    _, key = await _import(console, upstream, _dsl(tools=[_tool("chart")]))
    upstream.replies += [tool_calls_reply(("chart", {})), Reply(deltas=("See the chart.",))]
    events = sse_events(await (await _run(console, key)).get_data())
    node = next(e for e in events if e["event"] == "node_finished" and e["data"]["node_id"] == "agent")["data"]
    [chart] = node["outputs"]["files"]
    assert (chart["filename"], chart["mime_type"], chart["transfer_method"]) == ("chart.png", "image/png", "tool_file")
    assert "chart.png" in upstream.requests[-1]["json"]["messages"][-1]["content"]


async def test_in_a_chatflow_the_agent_remembers_earlier_turns_and_streams_its_answer(console, upstream):
    document = yaml.safe_load(_dsl(tools=[_tool("get_weather")]))
    document["app"]["mode"] = "advanced-chat"
    nodes = document["workflow"]["graph"]["nodes"]
    agent = nodes[1]["data"]
    agent["agent_parameters"]["query"] = {"type": "mixed", "value": "{{#sys.query#}}"}
    agent["agent_parameters"]["instruction"] = {"type": "constant", "value": "Be brief."}
    agent["memory"] = {"window": {"enabled": True, "size": 3}}
    nodes[0]["data"]["variables"] = []
    nodes[2] = {
        "id": "end",
        "type": "custom",
        "data": {"type": "answer", "title": "Answer", "answer": "{{#agent.text#}}"},
    }
    _, key = await _import(console, upstream, yaml.safe_dump(document))
    upstream.replies += [tool_calls_reply(("get_weather", {"city": "Oslo"})), Reply(deltas=("Sunny", " in Oslo."))]
    first = await console.client.post(
        "/v1/chat-messages",
        headers=bearer(key),
        json={"query": "Oslo weather?", "inputs": {}, "response_mode": "streaming", "user": "alice"},
    )
    events = sse_events(await first.get_data())
    assert "".join(e["answer"] for e in events if e["event"] == "message") == "Sunny in Oslo."
    upstream.replies.append(Reply(deltas=("You asked about Oslo.",)))
    second = await (
        await console.client.post(
            "/v1/chat-messages",
            headers=bearer(key),
            json={
                "query": "What did I ask?",
                "inputs": {},
                "response_mode": "blocking",
                "user": "alice",
                "conversation_id": events[-1]["conversation_id"],
            },
        )
    ).get_json()
    assert second["answer"] == "You asked about Oslo.", second
    messages = [(m["role"], m.get("content")) for m in upstream.requests[-1]["json"]["messages"]]
    assert messages == [
        ("system", "Be brief."),
        ("user", "Oslo weather?"),
        ("assistant", "Sunny in Oslo."),
        ("user", "What did I ask?"),
    ]
