"""Apps served as MCP servers (Dify 1.6), driven by the official `mcp` SDK's client over real HTTP: weir's app
runs on uvicorn in this event loop (the console is set up through the in-process test client of the same app);
the SDK lists the app's one tool and calls it, which runs the workflow, or asks the loopback OpenAI upstream."""

import asyncio
import json
import socket

import httpx2
import pytest
import uvicorn
from mcp import Client, ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from entrypoints.http.app import create_app
from tests.api.chat_helpers import configure_provider, make_app
from tests.api.tool_helpers import import_app
from tests.integration.openai_stub_server import Reply

WORKFLOW = {
    "app": {"name": "greeter", "mode": "workflow", "description": "Greets people."},
    "kind": "app",
    "version": "0.3.1",
    "workflow": {
        "features": {},
        "graph": {
            "nodes": [
                {
                    "id": "start",
                    "type": "custom",
                    "data": {
                        "type": "start",
                        "title": "Start",
                        "variables": [
                            {"variable": "name", "label": "Name", "type": "text-input", "required": True},
                            {"variable": "times", "label": "Times", "type": "number", "required": False},
                            {
                                "variable": "tone",
                                "label": "Tone",
                                "type": "select",
                                "options": ["warm", "dry"],
                                "required": False,
                            },
                        ],
                    },
                },
                {
                    "id": "end",
                    "type": "custom",
                    "data": {
                        "type": "end",
                        "title": "End",
                        "outputs": [
                            {"variable": "greeting", "value_selector": ["start", "name"]},
                            {"variable": "tone", "value_selector": ["start", "tone"]},
                        ],
                    },
                },
            ],
            "edges": [{"id": "e1", "source": "start", "target": "end", "sourceHandle": "source"}],
        },
    },
}


@pytest.fixture
async def quart_app(container):
    app = create_app(container)
    async with app.test_app():  # before_serving / after_serving
        yield app


@pytest.fixture
async def client(quart_app):
    return quart_app.test_client()


@pytest.fixture
async def weir_url(quart_app):
    """The same app over real HTTP (uvicorn on a loopback port, lifespan already run by the test app)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(quart_app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    await task


async def _enable(console, app_id: str, **body) -> dict:
    response = await console.client.post(
        f"/console/api/apps/{app_id}/server", json={"parameters": {}, **body}, headers=console.headers
    )
    assert response.status_code == 201, await response.get_json()
    return await response.get_json()


async def test_a_workflow_app_is_one_tool_that_the_sdk_lists_and_calls(console, weir_url):
    imported = await import_app(console, WORKFLOW)
    server = await _enable(console, imported["app_id"], parameters={"name": "Who to greet"})
    assert server["status"] == "active" and len(server["server_code"]) == 16
    assert server["name"] == "greeter" and server["description"] == "Greets people."
    fetched = await console.client.get(f"/console/api/apps/{imported['app_id']}/server", headers=console.headers)
    assert await fetched.get_json() == server

    url = f"{weir_url}/mcp/server/{server['server_code']}/mcp"
    async with (
        httpx2.AsyncClient() as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write, read_timeout_seconds=30) as session,
    ):
        initialized = await session.initialize()
        assert initialized.instructions == "Greets people."
        [tool] = (await session.list_tools()).tools
        assert tool.name == "greeter" and tool.description == "Greets people."
        assert tool.input_schema["required"] == ["name"]
        properties = tool.input_schema["properties"]
        assert properties["name"] == {"type": "string", "description": "Who to greet"}
        assert properties["times"]["type"] == "number" and properties["tone"]["enum"] == ["warm", "dry"]

        result = await session.call_tool("greeter", {"name": "Ada", "tone": "warm"})
        assert result.is_error is False
        assert json.loads(result.content[0].text) == {"greeting": "Ada", "tone": "warm"}

        with pytest.raises(MCPError, match="name"):  # the app's form refuses a missing required input
            await session.call_tool("greeter", {"tone": "dry"})


async def test_a_chat_app_answers_a_query_from_its_model(console, weir_url, upstream):
    await configure_provider(console, upstream)
    chat = await make_app(console, upstream)
    server = await _enable(console, chat.app_id, description="Ask the helper.")
    upstream.replies.append(Reply(deltas=("Hello", " from", " weir")))

    # The high-level Client probes the 2026 `server/discover` first and falls back to the initialize handshake.
    async with Client(f"{weir_url}/mcp/server/{server['server_code']}/mcp") as client:
        [tool] = (await client.list_tools()).tools
        assert tool.input_schema["required"][0] == "query"
        assert set(tool.input_schema["properties"]) == {"query", "company"}
        result = await client.call_tool(tool.name, {"query": "Who are you?", "company": "Initech"})
    assert result.content[0].text == "Hello from weir"
    sent = upstream.requests[-1]["json"]["messages"]
    assert sent[0]["content"] == "You are a helpful assistant for Initech." and sent[-1]["content"] == "Who are you?"


async def test_inactive_servers_and_old_codes_stop_answering(console, weir_url):
    imported = await import_app(console, WORKFLOW)
    server = await _enable(console, imported["app_id"])
    url = f"{weir_url}/mcp/server/{server['server_code']}/mcp"
    ping = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    async with httpx2.AsyncClient() as http:
        assert (await http.post(url, json=ping)).status_code == 200

        response = await console.client.put(
            f"/console/api/apps/{imported['app_id']}/server",
            json={"id": server["id"], "parameters": {}, "status": "inactive"},
            headers=console.headers,
        )
        assert (await response.get_json())["status"] == "inactive"
        refused = (await http.post(url, json=ping)).json()
        assert refused["error"]["message"] == "Server is not active" and refused["id"] == 1

        refreshed = await console.client.get(
            f"/console/api/apps/{server['id']}/server/refresh", headers=console.headers
        )
        new_code = (await refreshed.get_json())["server_code"]
        assert new_code != server["server_code"]
        gone = await http.post(url, json=ping)
        assert gone.status_code == 404 and gone.json()["error"]["message"] == "Server Not Found"

        bad = await http.post(
            f"{weir_url}/mcp/server/{new_code}/mcp", content=b"{nope", headers={"content-type": "application/json"}
        )
        assert bad.status_code == 400 and bad.json()["error"]["code"] == -32700

        deleted = await console.client.delete(f"/console/api/apps/{imported['app_id']}", headers=console.headers)
        assert deleted.status_code == 204
        orphan = await http.post(f"{weir_url}/mcp/server/{new_code}/mcp", json=ping)
        assert orphan.status_code == 404 and orphan.json()["error"]["message"] in ("App Not Found", "Server Not Found")


async def test_an_app_is_served_once_and_a_wrong_status_is_refused(console):
    imported = await import_app(console, WORKFLOW)
    server = await _enable(console, imported["app_id"])
    again = await console.client.post(
        f"/console/api/apps/{imported['app_id']}/server", json={"parameters": {}}, headers=console.headers
    )
    assert again.status_code == 400
    response = await console.client.put(
        f"/console/api/apps/{imported['app_id']}/server",
        json={"id": server["id"], "parameters": {}, "status": "paused"},
        headers=console.headers,
    )
    assert response.status_code == 400 and (await response.get_json())["message"] == "Invalid status"
    missing = await console.client.get(
        "/console/api/apps/00000000-0000-0000-0000-000000000000/server", headers=console.headers
    )
    assert missing.status_code == 404


async def test_a_completion_app_takes_its_query_as_one_of_its_inputs(console, weir_url, upstream):
    await configure_provider(console, upstream)
    app = await make_app(
        console,
        upstream,
        mode="completion",
        pre_prompt="Translate: {{query}}",
        user_input_form=[{"paragraph": {"label": "Query", "variable": "query", "required": True}}],
    )
    server = await _enable(console, app.app_id)
    upstream.replies.append(Reply(deltas=("Bonjour",)))
    async with Client(f"{weir_url}/mcp/server/{server['server_code']}/mcp", mode="legacy") as client:
        [tool] = (await client.list_tools()).tools
        assert tool.input_schema["required"] == ["query"]
        result = await client.call_tool(tool.name, {"query": "Hello"})
    assert result.content[0].text == "Bonjour"
    assert "Translate: Hello" in json.dumps(upstream.requests[-1]["json"]["messages"])


CHATFLOW = {
    "app": {"name": "echo", "mode": "advanced-chat"},
    "kind": "app",
    "version": "0.3.1",
    "workflow": {
        "features": {},
        "graph": {
            "nodes": [
                {
                    "id": "start",
                    "type": "custom",
                    "data": {
                        "type": "start",
                        "title": "Start",
                        "variables": [{"variable": "mood", "label": "Mood", "type": "text-input", "required": False}],
                    },
                },
                {
                    "id": "answer",
                    "type": "custom",
                    "data": {
                        "type": "answer",
                        "title": "Answer",
                        "answer": "You said {{#sys.query#}} ({{#start.mood#}})",
                    },
                },
            ],
            "edges": [{"id": "e1", "source": "start", "target": "answer", "sourceHandle": "source"}],
        },
    },
}


async def test_an_advanced_chat_app_answers_with_its_answer_nodes(console, weir_url):
    imported = await import_app(console, CHATFLOW)
    server = await _enable(console, imported["app_id"])
    async with Client(f"{weir_url}/mcp/server/{server['server_code']}/mcp") as client:
        [tool] = (await client.list_tools()).tools
        assert tool.input_schema["required"] == ["query"] and "mood" in tool.input_schema["properties"]
        result = await client.call_tool("echo", {"query": "hi", "mood": "calm"})
    assert result.is_error is False and result.content[0].text == "You said hi (calm)"
