"""Wiring of apps served as MCP servers: the console's server settings and the /mcp/server endpoint's calls."""

from dependency_injector import containers, providers

from application.tools.mcp_call_app_tool import CallAppTool
from application.tools.mcp_describe_app_tool import DescribeAppTool
from application.tools.mcp_enable_app_server import EnableAppMcpServer
from application.tools.mcp_get_app_server import GetAppMcpServer
from application.tools.mcp_regenerate_server_code import RegenerateServerCode
from application.tools.mcp_update_app_server import UpdateAppMcpServer


class McpServerContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    uow_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()
    secret_tokens = providers.Dependency()
    describe_parameters = providers.Dependency()  # the chat context's DescribeParameters
    resolve_end_user = providers.Dependency()
    send_message = providers.Dependency()
    run_workflow = providers.Dependency()
    run_chatflow = providers.Dependency()

    enable = providers.Factory(EnableAppMcpServer, uow_factory, secret_tokens, clock, ids)
    update = providers.Factory(UpdateAppMcpServer, uow_factory, clock)
    get = providers.Factory(GetAppMcpServer, uow_factory)
    regenerate_code = providers.Factory(RegenerateServerCode, uow_factory, secret_tokens, clock)
    describe_app_tool = providers.Factory(DescribeAppTool, uow_factory, describe_parameters)
    call_app_tool = providers.Factory(CallAppTool, resolve_end_user, send_message, run_workflow, run_chatflow)
