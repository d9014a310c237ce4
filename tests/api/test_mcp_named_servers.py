"""MCP servers an app names itself, as the marketplace's MCP plugins take them (over real HTTP, against a loopback
MCP server built with the `mcp` SDK): an agent node of an MCP agent strategy (`mcp_servers_config`) offers the
server's tools to the model and calls them; the `mcp_config` and `mcp_sse` tool plugins list and call a
server given in the node."""

import json

import pytest
import yaml

from tests.api.agent_helpers import sse_events, tool_calls_reply
from tests.api.chat_helpers import configure_provider
from tests.api.helpers import bearer
from tests.api.tool_helpers import import_app, run_blocking, tool_node_app
from tests.integration.mcp_stub_server import TOKEN, StubMcpServer
from tests.integration.openai_stub_server import Reply

AUTH = {"Authorization": f"Bearer {TOKEN}"}
# The loopback MCP server is private: allow-listed as an operator would (the SSRF guard refuses it otherwise).
pytestmark = pytest.mark.parametrize("settings", [{"HTTP_REQUEST_ALLOWED_HOSTS": "127.0.0.1"}], indirect=True)


@pytest.fixture(scope="module")
def mcp_server():
    server = StubMcpServer()
    server.start()
    yield server
    server.stop()


def constant(value):
    return {"type": "constant", "value": value}


def _agent_dsl(servers_config: str) -> dict:
    node = lambda nid, data: {"id": nid, "type": "custom", "data": data}  # noqa: E731
    edge = lambda s, t: {"id": f"{s}-{t}", "source": s, "target": t, "sourceHandle": "source"}  # noqa: E731
    agent = {
        "type": "agent",
        "title": "MCP agent",
        "agent_strategy_provider_name": "junjiem/mcp_see_agent/mcp_see_agent",
        "agent_strategy_name": "mcp_sse_function_calling",
        "agent_parameters": {
            "model": constant(
                {"provider": "openai_api_compatible", "model": "stub-model", "mode": "chat", "completion_params": {}}
            ),
            "mcp_servers_config": constant(servers_config),
            "instruction": constant("Use the tools."),
            "query": {"type": "mixed", "value": "{{#start.question#}}"},
            "maximum_iterations": constant("3"),
        },
    }
    return {
        "app": {"name": "MCP agent", "mode": "workflow"},
        "kind": "app",
        "version": "0.3.1",
        "workflow": {
            "features": {},
            "graph": {
                "nodes": [
                    node(
                        "start",
                        {
                            "type": "start",
                            "title": "Start",
                            "variables": [
                                {"variable": "question", "label": "Q", "type": "text-input", "required": True}
                            ],
                        },
                    ),
                    node("agent", agent),
                    node(
                        "end",
                        {
                            "type": "end",
                            "title": "End",
                            "outputs": [{"variable": "answer", "value_selector": ["agent", "text"]}],
                        },
                    ),
                ],
                "edges": [edge("start", "agent"), edge("agent", "end")],
            },
        },
    }


async def test_an_mcp_agent_offers_the_servers_tools_to_the_model_and_calls_them(console, upstream, mcp_server):
    await configure_provider(console, upstream)
    config = json.dumps({"mcpServers": {"stub": {"transport": "sse", "url": mcp_server.sse_url, "headers": AUTH}}})
    imported = await import_app_with_warnings(console, _agent_dsl(config))
    key = await console.create_app_key(imported["app_id"])
    upstream.replies += [tool_calls_reply(("add", {"a": 2, "b": 3})), Reply(deltas=("2+3 is 5.",))]
    response = await console.client.post(
        "/v1/workflows/run",
        headers=bearer(key),
        json={"inputs": {"question": "2+3?"}, "response_mode": "streaming", "user": "alice"},
    )
    events = sse_events(await response.get_data())
    finished = next(e for e in events if e["event"] == "workflow_finished")["data"]
    assert finished["status"] == "succeeded" and finished["outputs"]["answer"] == "2+3 is 5.", finished
    offered = {t["function"]["name"] for t in upstream.requests[-2]["json"]["tools"]}
    assert {"add", "shout", "picture"} <= offered
    tool_messages = [m for m in upstream.requests[-1]["json"]["messages"] if m["role"] == "tool"]
    (answer,) = [m["content"] for m in tool_messages]
    assert answer.splitlines()[0] == "5"  # the MCP server's own answer (its structured result follows)


async def test_an_mcp_agent_whose_server_cannot_be_reached_fails_before_asking_the_model(console, upstream):
    await configure_provider(console, upstream)
    imported = await import_app_with_warnings(console, _agent_dsl("http://127.0.0.1:9/sse"))
    data = await run_blocking(console, imported["app_id"], {"question": "hi"})
    assert data["status"] == "failed" and "MCP server" in data["error"], data
    assert upstream.requests == []


async def test_a_bad_servers_config_fails_the_node_saying_what_is_wrong(console, upstream):
    await configure_provider(console, upstream)
    imported = await import_app_with_warnings(console, _agent_dsl('{"stub": {"headers": {}}}'))
    data = await run_blocking(console, imported["app_id"], {"question": "hi"})
    assert data["status"] == "failed" and "mcp_servers_config" in data["error"] and "no url" in data["error"], data


async def test_the_mcp_config_plugin_lists_and_calls_a_server_given_in_the_node(console, mcp_server):
    common = {"server_url": mcp_server.streamable_url, "headers": json.dumps(AUTH)}
    provider = "arrenxxxxx/mcp_config_during_use/mcp_config"
    listed = await import_app(console, tool_node_app(provider, "mcp_list_tools", common))
    data = await run_blocking(console, listed["app_id"], {})
    assert data["status"] == "succeeded", data
    tools = data["outputs"]["json"][0]["tools"]
    add = next(t for t in tools if t["name"] == "add")
    assert add["inputSchema"]["required"] == ["a"] and "a" in add["inputSchema"]["properties"]
    call = {**common, "tool_name": "shout", "arguments": '{"word": "hey"}'}
    called = await import_app(console, tool_node_app(provider, "mcp_call_tool", call))
    data = await run_blocking(console, called["app_id"], {})
    assert data["status"] == "succeeded" and data["outputs"]["text"] == "HEY!", data


async def test_the_mcp_sse_plugin_calls_the_tool_on_whichever_server_has_it(console, mcp_server):
    servers = json.dumps(
        {
            "first": {"url": mcp_server.sse_url, "headers": AUTH},
            "second": {"url": mcp_server.streamable_url, "headers": AUTH},
        }
    )
    provider = "junjiem/mcp_sse/mcp_sse"
    call = {"servers_config": servers, "tool_name": "add", "arguments": '{"a": 40, "b": 2}'}
    imported = await import_app(console, tool_node_app(provider, "mcp_sse_call_tool", call))
    data = await run_blocking(console, imported["app_id"], {})
    assert data["status"] == "succeeded" and data["outputs"]["text"] == "42", data
    missing = await import_app(console, tool_node_app(provider, "mcp_sse_call_tool", {**call, "tool_name": "nope"}))
    data = await run_blocking(console, missing["app_id"], {})
    assert data["status"] == "failed" and "nope" in data["error"] and "first" in data["error"], data


async def test_the_mcp_sse_plugin_without_servers_says_where_to_set_them(console):
    imported = await import_app(console, tool_node_app("junjiem/mcp_sse/mcp_sse", "mcp_sse_list_tools", {}))
    data = await run_blocking(console, imported["app_id"], {})
    assert data["status"] == "failed" and "servers_config" in data["error"], data


async def import_app_with_warnings(console, document: dict) -> dict:
    """An MCP agent strategy imports with the warning that it runs on a built-in strategy."""
    response = await console.client.post(
        "/console/api/apps/imports",
        json={"mode": "yaml-content", "yaml_content": yaml.safe_dump(document), "publish": True},
        headers=console.headers,
    )
    imported = await response.get_json()
    assert imported["status"] in ("completed", "completed-with-warnings"), imported
    return imported
