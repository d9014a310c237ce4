"""A workspace's MCP servers, at Dify's console paths (api/controllers/console/workspace/tool_providers.py):
`tool-provider/mcp` (POST create, PUT update, DELETE), `tool-provider/mcp/tools/{id}`,
`tool-provider/mcp/update/{id}` (list the server's tools again) and `tools/mcp` (all of them)."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint

from application.tools.mcp_provider_form import McpProviderForm
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body
from entrypoints.http.console import mcp_views as views
from entrypoints.http.deps import container

bp = Blueprint("console_mcp_providers", __name__)

MCP = "/workspaces/current/tool-provider/mcp"


class ProviderBody(BaseModel):
    server_url: str
    name: str
    icon: str = ""
    icon_type: str = "emoji"
    icon_background: str | None = ""
    server_identifier: str
    timeout: float | None = None
    sse_read_timeout: float | None = None
    headers: dict[str, str] | None = None

    def form(self) -> McpProviderForm:
        return McpProviderForm(
            name=self.name,
            server_url=self.server_url,
            server_identifier=self.server_identifier,
            icon=self.icon,
            icon_type=self.icon_type,
            icon_background=self.icon_background or "",
            timeout=self.timeout,
            sse_read_timeout=self.sse_read_timeout,
            headers=self.headers,
        )


class UpdateBody(ProviderBody):
    provider_id: str


class DeleteBody(BaseModel):
    provider_id: str = Field(min_length=1)


def _provider_id(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidParam("MCP tool not found", param="provider_id") from None


@bp.post(MCP)
@console_login_required
async def create_provider() -> dict[str, Any]:
    body = await parse_body(ProviderBody)
    session = console_session()
    provider = await container().tools.create_mcp_provider().execute(session.tenant.id, session.account.id, body.form())
    return views.provider(provider, session.account.name)


@bp.put(MCP)
@console_login_required
async def update_provider() -> dict[str, str]:
    body = await parse_body(UpdateBody)
    await (
        container()
        .tools.update_mcp_provider()
        .execute(console_session().tenant.id, _provider_id(body.provider_id), body.form())
    )
    return {"result": "success"}


@bp.delete(MCP)
@console_login_required
async def delete_provider() -> dict[str, str]:
    body = await parse_body(DeleteBody)
    await container().tools.delete_mcp_provider().execute(console_session().tenant.id, _provider_id(body.provider_id))
    return {"result": "success"}


@bp.get(f"{MCP}/tools/<provider_id>")
@console_login_required
async def provider_detail(provider_id: str) -> dict[str, Any]:
    provider, author = (
        await container().tools.get_mcp_provider().execute(console_session().tenant.id, _provider_id(provider_id))
    )
    return views.provider(provider, author)


@bp.get(f"{MCP}/update/<provider_id>")
@console_login_required
async def refresh_tools(provider_id: str) -> dict[str, Any]:
    tenant = console_session().tenant.id
    provider = await container().tools.refresh_mcp_tools().execute(tenant, _provider_id(provider_id))
    _, author = await container().tools.get_mcp_provider().execute(tenant, provider.id)
    return views.provider(provider, author)


@bp.get("/workspaces/current/tools/mcp")
@console_login_required
async def list_providers() -> list[dict[str, Any]]:
    providers, authors = await container().tools.list_mcp_providers().execute(console_session().tenant.id)
    return [views.provider(p, authors.get(p.user_id, "Anonymous") if p.user_id else "Anonymous") for p in providers]
