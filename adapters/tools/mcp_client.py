"""The McpClient port on the official `mcp` SDK: streamable HTTP or SSE (see `_over_either`), one session a call.

The SDK runs each session in anyio task groups (a reader, a writer, a GET stream); they all live inside the
`async with` blocks here, so a call leaves no task behind whether it succeeds, fails, times out or is
cancelled. Failures inside those groups arrive wrapped in exception groups; `_translate` picks the cause and
raises the port's error instead.
"""

import base64
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

import anyio
import httpx2
import mcp_types
from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from adapters.workflow.ssrf import AddressPolicy, host_refusal
from domain.tools.entities import Tool, ToolMessage
from domain.tools.errors import ToolInvokeError, ToolProviderUnavailable, ToolTimeout
from domain.tools.mcp import McpConnection
from domain.tools.mcp_schema import parameters_from_schema

log = logging.getLogger("weir.tools.mcp")

_PAGES = 50  # a server that keeps handing out cursors cannot hold a listing forever
_STREAM_MARGIN = 5.0
T = TypeVar("T")


class SdkMcpClient:
    """McpClient (domain/tools/mcp.py) over the `mcp` SDK's ClientSession."""

    def __init__(
        self, allowed_hosts: Iterable[str] = (), client_name: str = "weir", client_version: str = "1.0"
    ) -> None:
        self._info = mcp_types.Implementation(name=client_name, version=client_version)
        # The SSRF guard of http-request nodes: private, loopback and link-local servers only when allow-listed
        # (HTTP_REQUEST_ALLOWED_HOSTS). The host is checked before each session; the SDK follows redirects
        # only within the same origin, so no redirect leaves the checked host.
        self._policy = AddressPolicy(allowed_hosts)

    async def list_tools(self, connection: McpConnection) -> list[Tool]:
        tools = await self._over_either(connection, _list_all)
        return [_tool(t) for t in tools]

    async def call_tool(self, connection: McpConnection, name: str, arguments: Mapping[str, Any]) -> list[ToolMessage]:
        async def call(session: ClientSession) -> mcp_types.CallToolResult:
            with anyio.fail_after(connection.sse_read_timeout):
                return await session.call_tool(name, dict(arguments), read_timeout_seconds=connection.sse_read_timeout)

        result = await self._over_either(connection, call)
        messages = [m for block in result.content for m in _messages(block)]
        if result.structured_content is not None and not result.is_error:
            messages.append(ToolMessage.of_json(result.structured_content))
        if result.is_error:
            text = "".join(m.text for m in messages if m.text) or "The MCP tool reported an error."
            raise ToolInvokeError(f"MCP tool {name} failed: {text}")
        return messages

    async def _over_either(self, connection: McpConnection, work: Callable[[ClientSession], Awaitable[T]]) -> T:
        """`work` in a session over the URL's transport. As Dify does, a URL naming neither (its path ends in
        neither `/mcp` nor `/sse`) whose streamable-HTTP handshake is refused is tried once more over SSE;
        nothing is retried once a handshake succeeded, so a tool is never called twice."""
        sse = _path_end(connection.url) == "sse"
        try:
            async with self._session(connection, sse) as session:
                return await work(session)
        except _HandshakeRefused:
            if sse or _path_end(connection.url) == "mcp":
                raise
        async with self._session(connection, True) as session:
            return await work(session)

    @asynccontextmanager
    async def _session(self, connection: McpConnection, sse: bool) -> AsyncIterator[ClientSession]:
        await self._guard(connection)
        try:
            async with (
                self._transport(connection, sse) as (read, write),
                ClientSession(read, write, read_timeout_seconds=connection.timeout, client_info=self._info) as session,
            ):
                # A server that accepts the connection and then says nothing must not hold us past the
                # connection timeout, whatever the transport's own timeouts are.
                with anyio.fail_after(connection.timeout):
                    await _initialize(session, connection)
                yield session
        except BaseException as exc:  # translated below; cancellation is re-raised as it came
            _translate(exc, connection)
            raise

    async def _guard(self, connection: McpConnection) -> None:
        parts = urlsplit(connection.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        reason = await host_refusal(self._policy, parts.hostname or "", port, connection.timeout)
        if reason is None:
            return
        if reason.startswith("cannot be resolved"):
            raise ToolProviderUnavailable(f"The MCP server's host {parts.hostname} {reason}")
        raise ToolProviderUnavailable(
            f"Refused to connect to the MCP server at {_where(connection.url)}: {reason}. "
            "Allow it with HTTP_REQUEST_ALLOWED_HOSTS if this is intended."
        )

    def _transport(self, connection: McpConnection, sse: bool):
        # The call's own deadline (sse_read_timeout) must fire before the stream's read timeout, which would
        # otherwise end the session as "connection closed" and hide that the server was too slow.
        read_timeout = connection.sse_read_timeout + _STREAM_MARGIN
        if sse:
            return sse_client(
                connection.url,
                headers=dict(connection.headers),
                timeout=connection.timeout,
                sse_read_timeout=read_timeout,
            )
        timeout = httpx2.Timeout(connection.timeout, read=read_timeout)
        return _streamable(connection.url, httpx2.AsyncClient(headers=dict(connection.headers), timeout=timeout))


async def _initialize(session: ClientSession, connection: McpConnection) -> None:
    try:
        await session.initialize()
    except MCPError as error:
        if error.code == mcp_types.REQUEST_TIMEOUT:
            raise
        # The streamable transport reports an HTTP refusal (401, 403, 404…) as a JSON-RPC error: at the
        # handshake it means the server cannot be used with this URL and these headers.
        where = _where(connection.url)
        raise _HandshakeRefused(f"The MCP server at {where} refused the session: {error.message}") from None


@asynccontextmanager
async def _streamable(url: str, http: httpx2.AsyncClient):
    async with http, streamable_http_client(url, http_client=http) as streams:
        yield streams


class _HandshakeRefused(ToolProviderUnavailable):
    """The server answered, but not the initialize handshake (a refusal, or another transport)."""


async def _list_all(session: ClientSession) -> list[mcp_types.Tool]:
    tools: list[mcp_types.Tool] = []
    cursor: str | None = None
    for _ in range(_PAGES):
        page = await session.list_tools(params=mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            break
    return tools


def _path_end(url: str) -> str:
    """The last segment of the URL's path (`mcp`, `sse`, …)."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].lower()


def _tool(tool: mcp_types.Tool) -> Tool:
    return Tool(
        name=tool.name,
        label=tool.title or tool.name,
        description=tool.description or "",
        parameters=parameters_from_schema(tool.input_schema or {}),
    )


def _messages(block: Any) -> list[ToolMessage]:
    """One content block as tool messages: text as text, images and audio as blobs, an embedded resource
    as its text or its bytes, a resource link as a link."""
    if isinstance(block, mcp_types.TextContent):
        return [ToolMessage.of_text(block.text)]
    if isinstance(block, (mcp_types.ImageContent, mcp_types.AudioContent)):
        return [ToolMessage.of_blob(_decode(block.data), block.mime_type)]
    if isinstance(block, mcp_types.EmbeddedResource):
        resource = block.resource
        if isinstance(resource, mcp_types.TextResourceContents):
            return [ToolMessage.of_text(resource.text)]
        filename = str(resource.uri).rstrip("/").rsplit("/", 1)[-1]
        return [ToolMessage.of_blob(_decode(resource.blob), resource.mime_type or "application/octet-stream", filename)]
    if isinstance(block, mcp_types.ResourceLink):
        return [ToolMessage.of_link(str(block.uri))]
    return []


def _decode(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except ValueError:
        raise ToolInvokeError("The MCP server sent content that is not valid base64.") from None


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _translate(exc: BaseException, connection: McpConnection) -> None:
    """Raise the port's error for a failure of the SDK or the HTTP client; return for anything else
    (cancellation, the port's own errors raised inside the session) so the caller re-raises it."""
    cancelled = anyio.get_cancelled_exc_class()
    leaves = [leaf for leaf in _leaves(exc) if not isinstance(leaf, cancelled | GeneratorExit | KeyboardInterrupt)]
    if not leaves:
        return
    for leaf in leaves:
        if isinstance(leaf, ToolInvokeError):
            raise leaf from None
    where = _where(connection.url)
    for leaf in leaves:
        if isinstance(leaf, TimeoutError | httpx2.TimeoutException):
            raise ToolTimeout(f"The MCP server at {where} did not answer within its timeout.") from exc
        if isinstance(leaf, MCPError):
            if leaf.code == mcp_types.REQUEST_TIMEOUT:
                raise ToolTimeout(f"The MCP server at {where} did not answer within its timeout.") from exc
            if leaf.code == mcp_types.CONNECTION_CLOSED:
                raise ToolProviderUnavailable(f"The MCP server at {where} closed the connection.") from exc
            raise ToolInvokeError(f"The MCP server at {where} answered with an error: {leaf.message}") from exc
        if isinstance(leaf, httpx2.HTTPStatusError):
            status = leaf.response.status_code
            raise ToolProviderUnavailable(f"The MCP server at {where} answered HTTP {status}.") from exc
        if isinstance(leaf, httpx2.TransportError | OSError):
            raise ToolProviderUnavailable(f"Could not connect to the MCP server at {where}: {leaf}") from exc
    log.warning("mcp call to %s failed", where, exc_info=exc)
    raise ToolProviderUnavailable(f"The MCP server at {where} could not be used: {leaves[0]}") from exc


def _where(url: str) -> str:
    """The URL without its path or query, which may carry a secret (Dify hides them too)."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}"
