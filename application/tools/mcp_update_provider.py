from uuid import UUID

from application.tools.mcp_create_provider import list_or_refuse, refuse_clash
from application.tools.mcp_provider_form import McpProviderForm
from domain.shared.clock import Clock
from domain.tools.errors import ToolProviderNotFound
from domain.tools.mcp import McpClient, masked_headers
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class UpdateMcpProvider:
    """Changes a workspace MCP server (Dify's PUT tool-provider/mcp).

    Rules: a URL holding Dify's hidden-URL placeholder keeps the stored URL; a header sent back with its
    masked value keeps the stored value; timeouts left out keep theirs. When the URL or the headers change,
    the server is asked for its tools again before anything is saved (and a server that cannot be reached
    leaves the provider as it was). Names stay unique in the workspace.
    """

    def __init__(self, uow: ToolsUnitOfWorkFactory, client: McpClient, clock: Clock) -> None:
        self._uow = uow
        self._client = client
        self._clock = clock

    async def execute(self, tenant_id: UUID, provider_id: UUID, form: McpProviderForm) -> None:
        async with self._uow() as uow:
            provider = await uow.mcp_providers.get(tenant_id, provider_id)
        if provider is None:
            raise ToolProviderNotFound("MCP tool not found")
        before = (provider.server_url, dict(provider.headers))
        provider.name = form.name.strip()
        provider.server_identifier = form.server_identifier
        provider.icon = form.stored_icon()
        if not form.keeps_url:
            provider.server_url = form.server_url
        if form.headers is not None:
            shown, stored = masked_headers(provider.headers), provider.headers
            provider.headers = {k: stored[k] if k in stored and v == shown[k] else v for k, v in form.headers.items()}
        provider.timeout = form.timeout or provider.timeout
        provider.sse_read_timeout = form.sse_read_timeout or provider.sse_read_timeout
        async with self._uow() as uow:
            await refuse_clash(uow, provider)
        if (provider.server_url, provider.headers) != before:
            provider.tools = await list_or_refuse(self._client, provider.connection())
        provider.updated_at = self._clock.now()
        async with self._uow() as uow:
            await refuse_clash(uow, provider)
            await uow.mcp_providers.save(provider)
            await uow.commit()
