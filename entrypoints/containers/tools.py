"""Wiring of the tools context: the builtin providers, one finder per provider kind, and the tool call.

`finders` maps a provider kind to its finder; a new kind (mcp) is one more entry there.
"""

from dependency_injector import containers, providers

from adapters.dsl.yaml_codec import YamlDslCodec
from adapters.persistence.tools_unit_of_work import SqlaToolsUnitOfWork
from adapters.tools.builtin.time import time_provider
from adapters.tools.mcp_client import SdkMcpClient
from adapters.workflow.httpx_client import HttpxHttpClient
from application.tools.api_provider import ApiToolFinder
from application.tools.builtin_finder import BuiltinToolFinder
from application.tools.invoke_tool import InvokeTool
from application.tools.mcp_create_provider import CreateMcpProvider
from application.tools.mcp_delete_provider import DeleteMcpProvider
from application.tools.mcp_finder import McpToolFinder
from application.tools.mcp_get_provider import GetMcpProvider
from application.tools.mcp_list_providers import ListMcpProviders
from application.tools.mcp_refresh_tools import RefreshMcpTools
from application.tools.mcp_update_provider import UpdateMcpProvider
from application.tools.tool_files import StoreToolFiles
from application.tools.tool_providers import ComposedToolProviders
from application.tools.workflow_provider import WorkflowToolFinder


def builtin_providers() -> list:
    """Every builtin weir serves, in the order the console lists them."""
    return [time_provider()]


class ToolsContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    session_factory = providers.Dependency()
    secret_cipher = providers.Dependency()
    uow_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()
    metrics_sink = providers.Dependency()
    trace_exporter = providers.Dependency()
    file_storage = providers.Dependency()
    resolve_end_user = providers.Dependency()
    # A callable making the workflows context's RunWorkflow; bound after both contexts exist (build_container),
    # since the workflows context's tool node needs this one.
    run_workflow = providers.Dependency()

    tools_uow = providers.Factory(SqlaToolsUnitOfWork, session_factory, secret_cipher)
    tools_uow_factory = tools_uow.provider

    builtins = providers.Singleton(builtin_providers)
    builtin_finder = providers.Singleton(BuiltinToolFinder, builtins, tools_uow_factory)
    # Custom tools call out through the same SSRF guard as http-request nodes.
    http_client = providers.Singleton(HttpxHttpClient, allowed_hosts=config.allowed_hosts)
    schema_codec = providers.Singleton(YamlDslCodec)
    api_finder = providers.Singleton(ApiToolFinder, tools_uow_factory, http_client, schema_codec)
    workflow_finder = providers.Singleton(
        WorkflowToolFinder, tools_uow_factory, uow_factory, run_workflow, resolve_end_user, config.max_call_depth
    )
    mcp_client = providers.Singleton(SdkMcpClient, allowed_hosts=config.allowed_hosts)
    mcp_finder = providers.Singleton(McpToolFinder, tools_uow_factory, mcp_client)
    finders = providers.Dict(builtin=builtin_finder, api=api_finder, workflow=workflow_finder, mcp=mcp_finder)
    tool_providers = providers.Singleton(ComposedToolProviders, finders)

    invoke_tool = providers.Factory(InvokeTool, tool_providers, metrics_sink, trace_exporter, clock, ids)
    store_tool_files = providers.Factory(StoreToolFiles, uow_factory, file_storage, clock, ids)

    # A workspace's MCP servers (console tool-provider/mcp).
    create_mcp_provider = providers.Factory(CreateMcpProvider, tools_uow_factory, mcp_client, clock, ids)
    update_mcp_provider = providers.Factory(UpdateMcpProvider, tools_uow_factory, mcp_client, clock)
    delete_mcp_provider = providers.Factory(DeleteMcpProvider, tools_uow_factory)
    list_mcp_providers = providers.Factory(ListMcpProviders, tools_uow_factory, uow_factory)
    get_mcp_provider = providers.Factory(GetMcpProvider, tools_uow_factory, uow_factory)
    refresh_mcp_tools = providers.Factory(RefreshMcpTools, tools_uow_factory, mcp_client, clock)
