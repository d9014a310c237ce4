from uuid import UUID

from application.tools.mcp_provider_form import McpProviderForm
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.tools.errors import ToolInvokeError
from domain.tools.mcp import McpClient, McpConnection, McpProvider
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class CreateMcpProvider:
    """Adds an MCP server to a workspace.

    Rules: name, URL and server_identifier are each unique in the workspace; the server is asked for its
    tools before anything is stored, and if it cannot be reached (down, refusing the headers, too slow) the
    call fails with Dify's "Failed to connect to MCP server" and nothing is stored. No database connection
    is held while the server is asked.
    """

    def __init__(self, uow: ToolsUnitOfWorkFactory, client: McpClient, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._client = client
        self._clock = clock
        self._ids = ids

    async def execute(self, tenant_id: UUID, user_id: UUID, form: McpProviderForm) -> McpProvider:
        if form.keeps_url:
            raise InvalidParam("Server URL is not valid.", param="server_url")
        timeout, sse_read_timeout = form.timeouts()
        now = self._clock.now()
        provider = McpProvider(
            id=self._ids.new_id(),
            tenant_id=tenant_id,
            name=form.name.strip(),
            server_identifier=form.server_identifier,
            server_url=form.server_url,
            headers=dict(form.headers or {}),
            icon=form.stored_icon(),
            timeout=timeout,
            sse_read_timeout=sse_read_timeout,
            tools=[],
            user_id=user_id,
            created_at=now,
            updated_at=now,
        )
        async with self._uow() as uow:
            await refuse_clash(uow, provider)
        provider.tools = await list_or_refuse(self._client, provider.connection())
        async with self._uow() as uow:
            await refuse_clash(uow, provider)  # another request may have taken the name meanwhile
            await uow.mcp_providers.add(provider)
            await uow.commit()
        return provider


async def refuse_clash(uow, provider: McpProvider) -> None:
    clash = await uow.mcp_providers.clash(provider)
    if clash is not None:
        shown = {
            "name": provider.name,
            "server_url": provider.server_url,
            "server_identifier": provider.server_identifier,
        }[clash]
        raise InvalidParam(f"MCP tool {shown} already exists", param=clash)


async def list_or_refuse(client: McpClient, connection: McpConnection):
    """The server's tools, or Dify's 400 when it cannot be used."""
    try:
        return await client.list_tools(connection)
    except ToolInvokeError as error:
        raise InvalidParam(f"Failed to connect to MCP server: {error.message}") from error
