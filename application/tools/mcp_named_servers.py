"""MCP servers an agent node names itself (the MCP agent strategies' `mcp_server` / `mcp_servers_config`):
their tools are listed when the node starts and offered to the model beside the node's own tools; a call
goes straight to the server (no workspace provider stands behind it, so there are no credentials to add)."""

from collections.abc import Callable, Sequence

from application.agents.toolbox import AgentTool
from application.tools.mcp_finder import McpToolProvider
from domain.agents.entities import AgentToolSpec
from domain.agents.tool_schema import tool_definition
from domain.shared.errors import DomainError
from domain.tools.entities import ProviderType
from domain.tools.errors import ToolProviderUnavailable
from domain.tools.mcp import McpClient, McpConnection


async def named_server_tools(
    client: Callable[[], McpClient] | None, servers: Sequence[tuple[str, McpConnection]]
) -> list[AgentTool]:
    """The tools of every named server, each called directly. Raises ToolProviderUnavailable naming the server
    that could not be listed (the node fails before the model runs, as for a missing workspace tool)."""
    if not servers:
        return []
    if client is None:
        raise ToolProviderUnavailable("MCP servers named by an agent node cannot be reached from this process.")
    mcp = client()  # made on first use: the MCP SDK is slow to import
    prepared: list[AgentTool] = []
    for name, connection in servers:
        try:
            tools = await mcp.list_tools(connection)
        except DomainError as error:
            raise ToolProviderUnavailable(f"MCP server {name}: {error.message}") from None
        provider = McpToolProvider(name, name, connection, tools, mcp)
        for tool in tools:
            spec = AgentToolSpec(ProviderType.MCP, name, tool.name, description=tool.description)
            prepared.append(AgentTool(spec, tool, provider, tool_definition(tool, {}, tool.description), direct=True))
    return prepared
