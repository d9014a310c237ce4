"""An app served as an MCP server, at Dify's console paths (api/controllers/console/app/mcp_server.py)."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel
from quart import Blueprint

from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body
from entrypoints.http.console.mcp_views import app_server
from entrypoints.http.deps import container

bp = Blueprint("console_mcp_servers", __name__)


class EnableBody(BaseModel):
    description: str | None = None
    parameters: dict[str, Any]


class UpdateBody(EnableBody):
    id: UUID
    status: str | None = None


@bp.get("/apps/<uuid:app_id>/server")
@console_login_required
async def get_server(app_id: UUID) -> dict[str, Any]:
    server = await container().mcp_server.get().execute(console_session().tenant.id, app_id)
    return app_server(server) if server else {}


@bp.post("/apps/<uuid:app_id>/server")
@console_login_required
async def enable_server(app_id: UUID) -> tuple[dict[str, Any], int]:
    body = await parse_body(EnableBody)
    server = (
        await container()
        .mcp_server.enable()
        .execute(console_session().tenant.id, app_id, body.description, body.parameters)
    )
    return app_server(server), 201


@bp.put("/apps/<uuid:app_id>/server")
@console_login_required
async def update_server(app_id: UUID) -> dict[str, Any]:
    body = await parse_body(UpdateBody)
    server = (
        await container()
        .mcp_server.update()
        .execute(console_session().tenant.id, app_id, body.id, body.description, body.parameters, body.status)
    )
    return app_server(server)


@bp.get("/apps/<uuid:server_id>/server/refresh")
@console_login_required
async def regenerate_code(server_id: UUID) -> dict[str, Any]:
    server = await container().mcp_server.regenerate_code().execute(console_session().tenant.id, server_id)
    return app_server(server)
