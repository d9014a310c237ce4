"""MCP both ways: a workspace's MCP servers (tools weir calls) and apps served as MCP servers (weir answers).

Dify names these an MCP tool provider (`tool_mcp_providers`) and an app MCP server (`app_mcp_servers`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol
from uuid import UUID

from domain.shared.errors import DomainError, NotFound
from domain.tools.entities import Tool, ToolMessage

# Dify's defaults for a provider's timeouts, in seconds: the HTTP operations, and a wait for the next event
# of a streamed answer (which is also how long one tool call may take).
DEFAULT_TIMEOUT = 30.0
DEFAULT_SSE_READ_TIMEOUT = 300.0
# Dify shows a stored URL with its path hidden; a PUT that sends the placeholder back keeps the URL.
HIDDEN_URL_MARK = "[__HIDDEN__]"


@dataclass(frozen=True, slots=True)
class McpConnection:
    """How to reach one MCP server: streamable HTTP, or SSE when the URL's path ends in `/sse` (or names
    neither and the server refuses streamable HTTP)."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT
    sse_read_timeout: float = DEFAULT_SSE_READ_TIMEOUT


class McpClient(Protocol):
    """Talks to an MCP server through the official SDK.

    Contract: each call opens a session, does its work and closes it (no task outlives the call).
    `list_tools` returns every tool the server lists (all pages) with its parameters. `call_tool` returns
    the result's content as tool messages in order. Errors: `ToolProviderUnavailable` when the server cannot
    be reached or refuses the session (a refused connection, an HTTP error, a wrong URL);
    `ToolTimeout` when it stops answering within the connection's timeouts; `ToolInvokeError` for an
    error result (`isError`) or a JSON-RPC error. Cancellation passes through.
    """

    async def list_tools(self, connection: McpConnection) -> list[Tool]: ...

    async def call_tool(
        self, connection: McpConnection, name: str, arguments: Mapping[str, Any]
    ) -> list[ToolMessage]: ...


@dataclass(slots=True)
class McpProvider:
    """A workspace's MCP server. `server_url` and `headers` are secrets (encrypted at rest, masked when shown);
    `tools` is the list the server gave at the last refresh."""

    id: UUID
    tenant_id: UUID
    name: str
    server_identifier: str
    server_url: str
    headers: dict[str, str]
    icon: str  # a URL, or JSON {"content": emoji, "background": colour} as Dify stores emoji icons
    timeout: float
    sse_read_timeout: float
    tools: list[Tool]
    user_id: UUID | None
    created_at: datetime
    updated_at: datetime

    def connection(self) -> McpConnection:
        return McpConnection(self.server_url, dict(self.headers), self.timeout, self.sse_read_timeout)


class McpProviderRepository(Protocol):
    async def get(self, tenant_id: UUID, provider_id: UUID) -> McpProvider | None: ...

    async def find(self, tenant_id: UUID, key: str) -> McpProvider | None:
        """By id, or by server_identifier (what DSL files name)."""
        ...

    async def for_tenant(self, tenant_id: UUID) -> list[McpProvider]: ...

    async def clash(self, provider: McpProvider) -> str | None:
        """Which of name / server_url / server_identifier another provider of the workspace already uses."""
        ...

    async def add(self, provider: McpProvider) -> None: ...

    async def save(self, provider: McpProvider) -> None: ...

    async def delete(self, tenant_id: UUID, provider_id: UUID) -> bool: ...


class McpServerStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


@dataclass(slots=True)
class AppMcpServer:
    """An app served over MCP at /mcp/server/{server_code}/mcp. `parameters` maps input names to the
    descriptions a client sees."""

    id: UUID
    tenant_id: UUID
    app_id: UUID
    name: str
    description: str
    server_code: str
    status: McpServerStatus
    parameters: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class AppMcpServerRepository(Protocol):
    async def for_app(self, app_id: UUID) -> AppMcpServer | None: ...

    async def get(self, tenant_id: UUID, server_id: UUID) -> AppMcpServer | None: ...

    async def by_code(self, server_code: str) -> AppMcpServer | None: ...

    async def add(self, server: AppMcpServer) -> None: ...

    async def save(self, server: AppMcpServer) -> None: ...


def masked_url(url: str) -> str:
    """What the console shows of a stored URL: scheme and host, the path hidden (Dify's mask)."""
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    base = f"{scheme}://{host}"
    return f"{base}/******" if slash and path else base


def masked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header values hidden but for their first and last two characters when long enough (Dify's mask)."""
    return {k: (v[:2] + "*" * (len(v) - 4) + v[-2:]) if len(v) > 6 else "*" * len(v) for k, v in headers.items()}


class McpServerNotFound(NotFound):
    """No app is served at this server code (or its app is gone)."""

    default_message = "Server Not Found"


class McpServerInactive(DomainError):
    default_message = "Server is not active"
