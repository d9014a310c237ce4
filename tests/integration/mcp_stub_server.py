"""A loopback MCP server built with the `mcp` SDK (MCPServer, v1's FastMCP), served over both transports by
uvicorn on an event loop of its own in a thread: streamable HTTP at `/mcp`, SSE at `/sse` (on a second port) and
at `/events` (a third).

Its tools: `add` (numbers), `shout` (text, enum), `picture` (an image and a text), `documents` (embedded resources, a link),
`broken` (an error result),
`hang` (never answers until released; `hanging` counts its calls). Every request must carry
`Authorization: Bearer <token>`.
"""

import asyncio
import base64
import socket
import threading
from typing import Literal

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import (
    BlobResourceContents,
    EmbeddedResource,
    ImageContent,
    ResourceLink,
    TextContent,
    TextResourceContents,
)

TOKEN = "mcp-secret-token"
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def build_server(release: asyncio.Event, hanging: list[str]) -> MCPServer:
    server = MCPServer(name="stub-tools", instructions="Loopback tools for weir's tests.")

    @server.tool(description="Add two numbers.")
    def add(a: float, b: int = 1) -> str:
        total = a + b
        return str(int(total) if total == int(total) else total)

    @server.tool(description="Say a word loudly or softly.")
    def shout(word: str, mood: Literal["loud", "soft"] = "loud") -> str:
        return word.upper() + "!" if mood == "loud" else word.lower() + "…"

    @server.tool(description="A one-pixel picture and its caption.")
    def picture() -> list:
        return [
            ImageContent(type="image", data=base64.b64encode(PIXEL).decode(), mime_type="image/png"),
            TextContent(type="text", text="a pixel"),
        ]

    @server.tool(description="A note and a file as embedded resources, and a link.")
    def documents() -> list:
        return [
            EmbeddedResource(type="resource", resource=TextResourceContents(uri="memo://note", text="the note")),
            EmbeddedResource(
                type="resource",
                resource=BlobResourceContents(
                    uri="file:///tmp/data.bin",
                    blob=base64.b64encode(b"\x00\x01").decode(),
                    mime_type="application/octet-stream",
                ),
            ),
            ResourceLink(type="resource_link", uri="https://example.com/more", name="more"),
        ]

    @server.tool(description="Always fails.")
    def broken() -> str:
        # A deliberate failure: the client gets an error result with this text (and no traceback is logged).
        raise ToolError("the tool is broken on purpose")

    @server.tool(description="Never answers until the test releases it.")
    async def hang() -> str:
        hanging.append("hang")
        await release.wait()
        return "released"

    return server


class _BearerGuard:
    """ASGI middleware: 401 without the expected bearer token."""

    def __init__(self, app, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            if headers.get(b"authorization", b"").decode() != f"Bearer {self.token}":
                await send(
                    {"type": "http.response.start", "status": 401, "headers": [(b"content-type", b"application/json")]}
                )
                await send({"type": "http.response.body", "body": b'{"error": "unauthorized"}'})
                return
        await self.app(scope, receive, send)


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class StubMcpServer:
    """Both transports of one MCPServer; `streamable_url` and `sse_url` are what a workspace provider stores."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self._loop = asyncio.new_event_loop()
        self._release = asyncio.Event()
        self._servers: list[uvicorn.Server] = []
        self._tasks: list[asyncio.Task] = []
        self.hanging: list[str] = []  # one entry each time `hang` started
        self._sockets = [_bound_socket(), _bound_socket(), _bound_socket()]
        self._thread = threading.Thread(target=self._loop.run_forever, name="stub-mcp", daemon=True)

    @property
    def streamable_url(self) -> str:
        return f"http://127.0.0.1:{self._sockets[0].getsockname()[1]}/mcp"

    @property
    def sse_url(self) -> str:
        return f"http://127.0.0.1:{self._sockets[1].getsockname()[1]}/sse"

    @property
    def events_url(self) -> str:
        """SSE at a path that names neither transport."""
        return f"http://127.0.0.1:{self._sockets[2].getsockname()[1]}/events"

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(20)

    async def _start(self) -> None:
        mcp = build_server(self._release, self.hanging)
        apps = (mcp.streamable_http_app(), mcp.sse_app(), mcp.sse_app(sse_path="/events"))
        for app, sock in zip(apps, self._sockets, strict=True):
            config = uvicorn.Config(_BearerGuard(app, self.token), log_level="warning", lifespan="on")
            server = uvicorn.Server(config)
            self._servers.append(server)
            self._tasks.append(self._loop.create_task(server.serve(sockets=[sock])))
        while not all(s.started for s in self._servers):
            await asyncio.sleep(0.01)

    def release_hanging(self) -> None:
        self._loop.call_soon_threadsafe(self._release.set)

    def stop(self) -> None:
        async def _stop() -> None:
            self._release.set()
            for server in self._servers:
                server.should_exit = True
            _, pending = await asyncio.wait(self._tasks, timeout=1)
            for server in self._servers if pending else ():
                server.force_exit = True  # a stream a test left open must not hold the shutdown
            if pending:
                await asyncio.wait(pending, timeout=5)
            # What the servers leave behind (sse-starlette's shutdown watcher) ends with this loop.
            leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in leftovers:
                task.cancel()
            await asyncio.gather(*leftovers, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
