"""Builtin tools in tool nodes over real HTTP: several builtins in one run (the code sandbox, a loopback page
through the SSRF guard, an exported file readable through its signed preview URL), and the console's
builtin routes."""

import asyncio
import io
from urllib.parse import urlsplit

import pytest
from docx import Document

from tests.api.chat_helpers import configure_provider
from tests.api.helpers import bearer
from tests.api.tool_helpers import fixture, import_app, run_blocking
from tests.integration.openai_stub_server import Reply

WS = "/console/api/workspaces/current"
PAGE = b"<html><head><title>Loopback</title><script>x()</script></head><body><h1>Hi</h1><p>there</p></body></html>"


@pytest.fixture
async def page():
    async def answer(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(PAGE)
            + PAGE
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/page"
    server.close()
    await server.wait_closed()


@pytest.mark.parametrize("settings", [{"HTTP_REQUEST_ALLOWED_HOSTS": "127.0.0.1"}], indirect=True)
async def test_builtins_chain_in_one_run_and_the_exported_file_is_readable(console, page):
    imported = await import_app(console, fixture("builtin_kit.yml"))
    run = await run_blocking(console, imported["app_id"], {"page": page})
    assert run["status"] == "succeeded", run
    outputs = run["outputs"]
    assert outputs["maths"] == "42" and outputs["regex"] == [{"matches": ["42"]}] and outputs["json"] == "deep"
    assert outputs["code"] == "10\n"
    assert outputs["page"].startswith("TITLE: Loopback") and "there" in outputs["page"] and "x()" not in outputs["page"]
    [file] = outputs["files"]
    assert file["transfer_method"] == "tool_file" and file["extension"] == ".docx" and file["url"]
    url = urlsplit(file["url"])
    response = await console.client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(await response.get_data())).paragraphs]
    assert paragraphs == ["Result", "deep"]


async def test_the_webscraper_refuses_a_private_address_by_default(console):
    document = fixture("builtin_kit.yml")
    graph = document["workflow"]["graph"]
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] in ("start", "scrape", "end")]
    graph["edges"] = [
        {"id": "a", "source": "start", "target": "scrape"},
        {"id": "b", "source": "scrape", "target": "end"},
    ]
    graph["nodes"][-1]["data"]["outputs"] = [{"variable": "page", "value_selector": ["scrape", "text"]}]
    run = await run_blocking(console, (await import_app(console, document))["app_id"], {"page": "http://127.0.0.1:9/"})
    assert run["status"] == "failed" and "127.0.0.1" in run["error"]


async def test_the_console_lists_builtins_with_their_tools_and_keeps_credentials(console):
    listed = await (await console.client.get(f"{WS}/tools/builtin", headers=console.headers)).get_json()
    names = [p["name"] for p in listed]
    assert names == [
        "time", "json_process", "maths", "regex", "code", "webscraper", "audio", "md_exporter", "echarts",
        "duckduckgo", "jina", "wikipedia", "tavily", "searxng", "mcp_sse", "mcp_config", "database",
    ]
    by_name = {p["name"]: p for p in listed}
    # A key that is optional (Jina) leaves the provider usable; a required one (Tavily) until it is saved.
    assert by_name["jina"]["is_team_authorization"] and not by_name["tavily"]["is_team_authorization"]
    time = listed[0]
    assert time["type"] == "builtin" and time["is_team_authorization"] and time["plugin_id"] == "langgenius/time"
    assert {t["name"] for t in time["tools"]} >= {"current_time", "timezone_conversion", "weekday"}
    tools = await (
        await console.client.get(f"{WS}/tool-provider/builtin/langgenius/time/time/tools", headers=console.headers)
    ).get_json()
    assert [t["name"] for t in tools] == [t["name"] for t in time["tools"]]
    icon = await console.client.get(f"{WS}/tool-provider/builtin/time/icon")
    assert icon.status_code == 200 and icon.content_type.startswith("image/svg")
    labels = await (await console.client.get(f"{WS}/tool-labels", headers=console.headers)).get_json()
    assert {"search", "utilities", "other"} <= {label["name"] for label in labels}
    every = await (await console.client.get(f"{WS}/tool-providers", headers=console.headers)).get_json()
    assert {p["type"] for p in every} == {"builtin"}
    missing = await console.client.get(f"{WS}/tool-provider/builtin/nope/tools", headers=console.headers)
    assert missing.status_code == 404 and (await missing.get_json())["code"] == "not_found"
    saved = await console.client.post(
        f"{WS}/tool-provider/builtin/time/update", headers=console.headers, json={"credentials": {"ignored": "x"}}
    )
    assert saved.status_code == 200
    assert await (
        await console.client.get(f"{WS}/tool-provider/builtin/time/credentials", headers=console.headers)
    ).get_json() == [
        {
            "id": "time",
            "name": "API KEY 1",
            "provider": "time",
            "credential_type": "api-key",
            "is_default": True,
            "credentials": {},
        }
    ]
    assert (
        await console.client.post(f"{WS}/tool-provider/builtin/time/delete", headers=console.headers, json={})
    ).status_code == 200


@pytest.mark.parametrize("settings", [{"HTTP_REQUEST_ALLOWED_HOSTS": "127.0.0.1"}], indirect=True)
async def test_the_webscraper_summary_is_written_by_the_workspaces_model(console, page, upstream):
    await configure_provider(console, upstream)
    upstream.replies.append(Reply(deltas=("A greeting ", "page.")))
    document = fixture("builtin_kit.yml")
    graph = document["workflow"]["graph"]
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] in ("start", "scrape", "end")]
    graph["nodes"][1]["data"]["tool_configurations"] = {"generate_summary": True}
    graph["edges"] = [
        {"id": "a", "source": "start", "target": "scrape"},
        {"id": "b", "source": "scrape", "target": "end"},
    ]
    graph["nodes"][-1]["data"]["outputs"] = [{"variable": "page", "value_selector": ["scrape", "text"]}]
    run = await run_blocking(console, (await import_app(console, document))["app_id"], {"page": page})
    assert run["status"] == "succeeded", run
    assert run["outputs"]["page"] == "A greeting page."
    sent = upstream.requests[-1]["json"]["messages"][-1]["content"]
    assert "Hi" in sent and "there" in sent and "x()" not in sent


async def test_a_chatflow_answers_with_a_tools_text(console):
    document = {
        "app": {"name": "Clock chat", "mode": "advanced-chat"},
        "kind": "app",
        "version": "0.3.1",
        "workflow": {
            "features": {},
            "graph": {
                "nodes": [
                    {"id": "start", "data": {"type": "start", "title": "Start", "variables": []}},
                    {
                        "id": "day",
                        "data": {
                            "type": "tool",
                            "title": "Day",
                            "provider_type": "builtin",
                            "provider_id": "time",
                            "tool_name": "weekday",
                            "tool_parameters": {
                                "year": {"type": "constant", "value": 2000},
                                "month": {"type": "constant", "value": 1},
                                "day": {"type": "constant", "value": 1},
                            },
                        },
                    },
                    {"id": "answer", "data": {"type": "answer", "title": "Answer", "answer": "{{#day.text#}}"}},
                ],
                "edges": [
                    {"id": "a", "source": "start", "target": "day"},
                    {"id": "b", "source": "day", "target": "answer"},
                ],
            },
        },
    }
    imported = await import_app(console, document)
    key = await console.create_app_key(imported["app_id"])
    response = await console.client.post(
        "/v1/chat-messages",
        headers=bearer(key),
        json={"query": "what day?", "inputs": {}, "response_mode": "blocking", "user": "alice"},
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["answer"] == "January 1, 2000 is Saturday."


async def test_md_exporter_tables_come_back_as_one_tool_file_per_table_under_the_plugins_names(console):
    document = fixture("builtin_kit.yml")
    graph = document["workflow"]["graph"]
    export = next(n for n in graph["nodes"] if n["id"] == "export")
    export["data"].update(
        provider_id="bowenliang123/md_exporter/md_exporter",
        provider_type="plugin",
        tool_name="md_to_csv",
        tool_parameters={
            "md_text": {"type": "constant", "value": "| a | b |\n|---|---|\n| 1 | x |\n\ntext\n\n| c |\n|---|\n| 2 |"},
            "output_filename": {"type": "constant", "value": "parts"},
        },
    )
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] in ("start", "export", "end")]
    graph["edges"] = [
        {"id": "a", "source": "start", "target": "export"},
        {"id": "b", "source": "export", "target": "end"},
    ]
    end = next(n for n in graph["nodes"] if n["id"] == "end")
    end["data"]["outputs"] = [{"variable": "files", "value_selector": ["export", "files"]}]
    imported = await import_app(console, document)
    run = await run_blocking(console, imported["app_id"], {"page": "unused"})
    assert run["status"] == "succeeded", run
    first, second = run["outputs"]["files"]
    assert (first["filename"], second["filename"], first["mime_type"]) == ("parts_1.csv", "parts_2.csv", "text/csv")
    contents = []
    for file in (first, second):
        url = urlsplit(file["url"])
        response = await console.client.get(f"{url.path}?{url.query}")
        assert response.status_code == 200
        contents.append(await response.get_data())
    assert contents == [b"a,b\n1,x\n", b"c\n2\n"]
