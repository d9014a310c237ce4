"""The SDK-backed McpClient against a loopback MCP server (both transports): content becomes tool messages,
and every failure is a port error that leaves no task behind (the SDK's task groups all end with the call)."""

import asyncio
import time

import pytest

from adapters.tools.mcp_client import SdkMcpClient
from domain.tools.entities import MessageType
from domain.tools.errors import ToolInvokeError, ToolProviderUnavailable, ToolTimeout
from domain.tools.mcp import McpConnection
from tests.integration.mcp_stub_server import PIXEL, TOKEN, StubMcpServer
from tests.polling import eventually
from tests.processes import free_port

AUTH = {"Authorization": f"Bearer {TOKEN}"}
LOOPBACK = ("127.0.0.1",)  # the loopback server is allow-listed, as HTTP_REQUEST_ALLOWED_HOSTS would


@pytest.fixture(scope="module")
def mcp_server():
    server = StubMcpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["streamable", "sse"])
def url(request, mcp_server) -> str:
    return mcp_server.streamable_url if request.param == "streamable" else mcp_server.sse_url


def _tasks() -> int:
    return len(asyncio.all_tasks())


async def _no_task_left(before: int) -> None:
    """Every task the call started ends (a closing connection may take a moment after the call returned)."""
    await eventually(lambda: _tasks() <= before, timeout=3)


async def test_text_and_image_content_come_back_as_messages_in_order(url):
    before = _tasks()
    messages = await SdkMcpClient(LOOPBACK).call_tool(McpConnection(url, AUTH, 10, 10), "picture", {})
    assert [m.type for m in messages] == [MessageType.BLOB, MessageType.TEXT]
    assert messages[0].blob == PIXEL and messages[0].mime_type == "image/png" and messages[1].text == "a pixel"
    await _no_task_left(before)


async def test_embedded_resources_are_text_or_blobs_and_resource_links_are_links(url):
    messages = await SdkMcpClient(LOOPBACK).call_tool(McpConnection(url, AUTH, 10, 10), "documents", {})
    assert [m.type for m in messages] == [MessageType.TEXT, MessageType.BLOB, MessageType.LINK]
    assert messages[0].text == "the note"
    assert (messages[1].blob, messages[1].filename) == (b"\x00\x01", "data.bin")
    assert messages[2].text == "https://example.com/more"


async def test_a_hanging_tool_times_out_cleanly_and_leaves_no_task(url):
    before, started = _tasks(), time.monotonic()
    with pytest.raises(ToolTimeout):
        await SdkMcpClient(LOOPBACK).call_tool(McpConnection(url, AUTH, 10, 1), "hang", {})
    assert time.monotonic() - started < 8
    await _no_task_left(before)


async def test_an_error_result_is_a_tool_invoke_error_with_its_text(url):
    with pytest.raises(ToolInvokeError, match="broken on purpose") as caught:
        await SdkMcpClient(LOOPBACK).call_tool(McpConnection(url, AUTH, 10, 10), "broken", {})
    assert not isinstance(caught.value, ToolTimeout | ToolProviderUnavailable)


async def test_a_url_naming_neither_transport_falls_back_to_sse(mcp_server):
    tools = await SdkMcpClient(LOOPBACK).list_tools(McpConnection(mcp_server.events_url, AUTH, 5, 5))
    assert "add" in [t.name for t in tools]
    messages = await SdkMcpClient(LOOPBACK).call_tool(McpConnection(mcp_server.events_url, AUTH, 5, 5), "add", {"a": 1})
    assert messages[0].text == "2"


async def test_a_refused_token_is_unavailable(url):
    with pytest.raises(ToolProviderUnavailable):
        await SdkMcpClient(LOOPBACK).list_tools(McpConnection(url, {"Authorization": "Bearer nope"}, 5, 5))


@pytest.mark.parametrize("path", ["/mcp", "/sse"])
async def test_a_server_that_is_down_is_unavailable(path):
    before = _tasks()
    with pytest.raises(ToolProviderUnavailable, match=r"127\.0\.0\.1"):
        await SdkMcpClient(LOOPBACK).list_tools(McpConnection(f"http://127.0.0.1:{free_port()}{path}", {}, 3, 3))
    await _no_task_left(before)


async def test_a_server_that_accepts_and_never_answers_times_out_at_the_connect_timeout():
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # reads until the client gives up, never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        before, started = _tasks(), time.monotonic()
        with pytest.raises(ToolTimeout):
            await SdkMcpClient(LOOPBACK).list_tools(McpConnection(f"http://127.0.0.1:{port}/mcp", {}, 1, 1))
        assert time.monotonic() - started < 6
        await _no_task_left(before)
    finally:
        server.close()


async def test_a_cancelled_call_is_cancelled_not_translated(url, mcp_server):
    started = len(mcp_server.hanging)
    task = asyncio.create_task(SdkMcpClient(LOOPBACK).call_tool(McpConnection(url, AUTH, 10, 10), "hang", {}))
    await eventually(lambda: len(mcp_server.hanging) > started, what="the hanging tool to start")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_private_server_is_refused_unless_allow_listed(mcp_server):
    with pytest.raises(ToolProviderUnavailable, match="loopback"):
        await SdkMcpClient().list_tools(McpConnection(mcp_server.streamable_url, AUTH, 5, 5))
