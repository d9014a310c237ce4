from dataclasses import dataclass
from typing import Any

from application.apps.describe_parameters import DescribeParameters
from domain.apps.entities import App, AppMode
from domain.apps.errors import AppUnavailable
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.mcp import AppMcpServer, McpServerInactive, McpServerNotFound
from domain.tools.mcp_schema import app_tool_schema

CHAT_MODES = (AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.ADVANCED_CHAT)


@dataclass(frozen=True, slots=True)
class AppTool:
    """The one tool an app MCP server offers: named after the app, its inputs as parameters."""

    server: AppMcpServer
    app: App
    input_schema: dict[str, Any]

    @property
    def name(self) -> str:
        return self.app.name

    @property
    def description(self) -> str:
        return self.server.description

    @property
    def is_chat(self) -> bool:
        return self.app.mode in CHAT_MODES


class DescribeAppTool:
    """What /mcp/server/{code}/mcp serves: the app behind an active server code and its tool.

    Rules: an unknown code, or one whose app is gone, is McpServerNotFound; an inactive server is
    McpServerInactive; an app without a usable form (a workflow never published) is AppUnavailable. The tool's
    parameters are the app's text, select and number inputs (described as the server's `parameters` say), and
    `query` first for chat apps."""

    def __init__(self, uow: UnitOfWorkFactory, describe_parameters: DescribeParameters) -> None:
        self._uow = uow
        self._describe = describe_parameters

    async def execute(self, server_code: str) -> AppTool:
        async with self._uow() as uow:
            server = await uow.app_mcp_servers.by_code(server_code)
            if server is None:
                raise McpServerNotFound()
            app = await uow.apps.get(server.app_id)
        if app is None:
            raise McpServerNotFound("App Not Found")
        if server.status != "active":
            raise McpServerInactive()
        config = (await self._describe.execute(app)).config
        if config is None:
            raise AppUnavailable("App is unavailable")
        schema = app_tool_schema(app.mode in CHAT_MODES, config.user_input_form, server.parameters)
        return AppTool(server=server, app=app, input_schema=schema)
