"""Workspace MCP servers over real HTTP: a loopback MCP server built with the `mcp` SDK (both transports, a
bearer token required) is added at Dify's console paths, its tools listed, then called from a workflow's tool
node (provider_type mcp); a server that is down, refuses the token or stops answering fails cleanly."""

import time

import pytest
from sqlalchemy import text

from tests.api.tool_helpers import import_app, run_blocking
from tests.integration.mcp_stub_server import PIXEL, TOKEN, StubMcpServer
from tests.processes import free_port

MCP = "/console/api/workspaces/current/tool-provider/mcp"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# The loopback MCP server is private: allow-listed as an operator would (the SSRF guard refuses it otherwise).
pytestmark = pytest.mark.parametrize("settings", [{"HTTP_REQUEST_ALLOWED_HOSTS": "127.0.0.1"}], indirect=True)


@pytest.fixture(scope="module")
def mcp_server():
    server = StubMcpServer()
    server.start()
    yield server
    server.stop()


def _body(url: str, identifier: str = "stub", name: str = "Stub tools", **extra) -> dict:
    return {
        "server_url": url,
        "name": name,
        "icon": "🧰",
        "icon_type": "emoji",
        "icon_background": "#FFEAD5",
        "server_identifier": identifier,
        "headers": AUTH,
        **extra,
    }


async def _create(console, body: dict) -> tuple[int, dict]:
    response = await console.client.post(MCP, json=body, headers=console.headers)
    return response.status_code, await response.get_json()


async def _listed(console) -> list[dict]:
    response = await console.client.get("/console/api/workspaces/current/tools/mcp", headers=console.headers)
    assert response.status_code == 200
    return await response.get_json()


def _tool_app(identifier: str, tool_name: str, parameters: dict, **node) -> dict:
    return {
        "app": {"name": f"MCP {tool_name}", "mode": "workflow"},
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
                            "variables": [{"variable": "a", "label": "A", "type": "number", "required": False}],
                        },
                    },
                    {
                        "id": "call",
                        "type": "custom",
                        "data": {
                            "type": "tool",
                            "title": "Call",
                            "provider_type": "mcp",
                            "provider_id": identifier,
                            "provider_name": identifier,
                            "tool_name": tool_name,
                            "tool_parameters": parameters,
                            "tool_configurations": {},
                            **node,
                        },
                    },
                    {
                        "id": "end",
                        "type": "custom",
                        "data": {
                            "type": "end",
                            "title": "End",
                            "outputs": [
                                {"variable": "text", "value_selector": ["call", "text"]},
                                {"variable": "json", "value_selector": ["call", "json"]},
                                {"variable": "files", "value_selector": ["call", "files"]},
                            ],
                        },
                    },
                ],
                "edges": [
                    {"id": "e1", "source": "start", "target": "call", "sourceHandle": "source"},
                    {"id": "e2", "source": "call", "target": "end", "sourceHandle": "source"},
                ],
            },
        },
    }


async def test_a_streamable_http_server_is_added_with_its_tools_and_its_secrets_hidden(console, container, mcp_server):
    status, provider = await _create(console, _body(mcp_server.streamable_url))
    assert status == 200, provider
    assert provider["type"] == "mcp" and provider["name"] == "Stub tools" and provider["server_identifier"] == "stub"
    assert provider["server_url"].endswith("/******") and "/mcp" not in provider["server_url"]
    assert provider["masked_headers"]["Authorization"].startswith("Be") and TOKEN not in str(provider)
    assert provider["icon"] == {"content": "🧰", "background": "#FFEAD5"}
    tools = {t["name"]: t for t in provider["tools"]}
    assert set(tools) == {"add", "shout", "picture", "documents", "broken", "hang"}
    add = {p["name"]: p for p in tools["add"]["parameters"]}
    assert add["a"]["type"] == "number" and add["a"]["required"] and add["a"]["form"] == "llm"
    assert add["b"]["required"] is False and add["b"]["default"] == 1
    mood = {p["name"]: p for p in tools["shout"]["parameters"]}["mood"]
    assert mood["type"] == "select" and [o["value"] for o in mood["options"]] == ["loud", "soft"]

    assert [p["id"] for p in await _listed(console)] == [provider["id"]]
    every = await console.client.get("/console/api/workspaces/current/tool-providers?type=mcp", headers=console.headers)
    [listed] = await every.get_json()
    assert listed["id"] == "stub" and listed["type"] == "mcp" and len(listed["tools"]) == 6  # DSL files name it so
    detail = await console.client.get(f"{MCP}/tools/{provider['id']}", headers=console.headers)
    assert (await detail.get_json())["tools"] == provider["tools"]
    async with container.engine().connect() as db:
        row = (await db.execute(text("SELECT server_url, headers FROM tool_mcp_providers"))).one()
    assert "127.0.0.1" not in row.server_url and TOKEN not in row.headers  # encrypted at rest


async def test_a_tool_node_calls_an_sse_server_and_outputs_its_text_and_json(console, mcp_server):
    status, provider = await _create(console, _body(mcp_server.sse_url, identifier="stub-sse"))
    assert status == 200, provider
    imported = await import_app(
        console,
        _tool_app(
            "stub-sse",
            "add",
            {"a": {"type": "variable", "value": ["start", "a"]}, "b": {"type": "constant", "value": 3}},
        ),
    )
    run = await run_blocking(console, imported["app_id"], {"a": 2})
    assert run["status"] == "succeeded", run
    assert run["outputs"]["text"] == "5" and run["outputs"]["json"] == [{"result": "5"}]


async def test_an_image_from_the_server_becomes_a_file_of_the_tool_node(console, mcp_server):
    await _create(console, _body(mcp_server.streamable_url))
    imported = await import_app(console, _tool_app("stub", "picture", {}))
    run = await run_blocking(console, imported["app_id"], {})
    assert run["status"] == "succeeded", run
    assert run["outputs"]["text"] == "a pixel"
    [image] = run["outputs"]["files"]
    assert image["mime_type"] == "image/png" and image["size"] == len(PIXEL) and image["type"] == "image", image


async def test_an_error_result_fails_the_node_with_the_servers_message(console, mcp_server):
    await _create(console, _body(mcp_server.streamable_url))
    imported = await import_app(console, _tool_app("stub", "broken", {}))
    run = await run_blocking(console, imported["app_id"], {})
    assert run["status"] == "failed" and "broken on purpose" in run["error"]


async def test_a_server_that_stops_answering_times_out(console, mcp_server):
    status, _ = await _create(console, _body(mcp_server.streamable_url, sse_read_timeout=1))
    assert status == 200
    imported = await import_app(console, _tool_app("stub", "hang", {}))
    started = time.monotonic()
    run = await run_blocking(console, imported["app_id"], {})
    assert run["status"] == "failed" and "did not answer" in run["error"], run
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("case", ["down", "wrong token"])
async def test_a_server_that_cannot_be_used_is_refused_and_nothing_is_stored(console, mcp_server, case):
    if case == "down":
        body = _body(f"http://127.0.0.1:{free_port()}/mcp", timeout=3)
    else:
        body = _body(mcp_server.streamable_url, headers={"Authorization": "Bearer wrong"})
    status, error = await _create(console, body)
    assert status == 400 and error["code"] == "invalid_param", error
    assert error["message"].startswith("Failed to connect to MCP server")
    assert await _listed(console) == []


async def test_names_urls_and_identifiers_are_unique_in_a_workspace(console, mcp_server):
    assert (await _create(console, _body(mcp_server.streamable_url)))[0] == 200
    status, error = await _create(console, _body(mcp_server.sse_url, identifier="other"))
    assert status == 400 and error["message"] == "MCP tool Stub tools already exists"
    status, error = await _create(console, _body(mcp_server.streamable_url, name="Again", identifier="other"))
    assert status == 400 and "already exists" in error["message"]
    assert len(await _listed(console)) == 1


async def test_update_keeps_the_hidden_url_and_masked_headers_refresh_and_delete(console, mcp_server):
    _, provider = await _create(console, _body(mcp_server.streamable_url))
    update = {
        **_body(provider["server_url"].replace("******", "[__HIDDEN__]"), name="Renamed", identifier="stub2"),
        "headers": provider["masked_headers"],
        "provider_id": provider["id"],
        "timeout": 10,
    }
    response = await console.client.put(MCP, json=update, headers=console.headers)
    assert response.status_code == 200 and await response.get_json() == {"result": "success"}
    refreshed = await console.client.get(f"{MCP}/update/{provider['id']}", headers=console.headers)
    body = await refreshed.get_json()
    assert refreshed.status_code == 200, body  # still the same URL and token: the server answers
    assert body["name"] == "Renamed" and body["server_identifier"] == "stub2" and body["timeout"] == 10
    assert len(body["tools"]) == 6

    response = await console.client.delete(MCP, json={"provider_id": provider["id"]}, headers=console.headers)
    assert response.status_code == 200
    assert await _listed(console) == []
    missing = await console.client.get(f"{MCP}/tools/{provider['id']}", headers=console.headers)
    assert missing.status_code == 404


async def test_bad_input_is_refused_in_difys_shape(console):
    status, error = await _create(console, _body("ftp://example.com/mcp"))
    assert status == 400 and error["code"] == "invalid_param" and error["message"] == "Server URL is not valid."
    status, error = await _create(console, _body("http://example.com/mcp", identifier="Not Valid!"))
    assert status == 400 and error["params"] == "server_identifier"


async def test_a_tool_node_naming_an_mcp_server_the_workspace_lacks_fails_naming_it(console):
    imported = await import_app(console, _tool_app("nowhere", "add", {}))
    run = await run_blocking(console, imported["app_id"], {})
    assert run["status"] == "failed" and "nowhere" in run["error"], run


async def test_a_refresh_while_the_server_is_down_fails_and_keeps_the_tools_it_had(console):
    server = StubMcpServer()
    server.start()
    try:
        _, provider = await _create(console, _body(server.streamable_url))
    finally:
        server.stop()
    refreshed = await console.client.get(f"{MCP}/update/{provider['id']}", headers=console.headers)
    error = await refreshed.get_json()
    assert refreshed.status_code == 400 and error["message"].startswith("Failed to connect to MCP server")
    detail = await console.client.get(f"{MCP}/tools/{provider['id']}", headers=console.headers)
    body = await detail.get_json()
    assert body["tools"] == provider["tools"] and body["updated_at"] == provider["updated_at"]
