"""Wiring of the tools context: the builtin providers, one finder per provider kind, and the tool call.

`finders` maps a provider kind to its finder; a new kind (mcp) is one more entry there.
"""

from dependency_injector import containers, providers

from adapters.dsl.yaml_codec import YamlDslCodec
from adapters.persistence.tools_unit_of_work import SqlaToolsUnitOfWork
from adapters.tools.builtin.audio import OpenAICompatibleAudio, audio_provider
from adapters.tools.builtin.code import code_provider
from adapters.tools.builtin.database import database_provider
from adapters.tools.builtin.duckduckgo import duckduckgo_provider
from adapters.tools.builtin.echarts import echarts_provider
from adapters.tools.builtin.jina import jina_provider
from adapters.tools.builtin.json_process import json_process_provider
from adapters.tools.builtin.maths import maths_provider
from adapters.tools.builtin.mcp_plugins import mcp_config_provider, mcp_sse_provider
from adapters.tools.builtin.md_exporter import md_exporter_provider
from adapters.tools.builtin.regex import regex_provider
from adapters.tools.builtin.searxng import searxng_provider
from adapters.tools.builtin.tavily import tavily_provider
from adapters.tools.builtin.time import time_provider
from adapters.tools.builtin.webscraper import webscraper_provider
from adapters.tools.builtin.wikipedia import wikipedia_provider
from adapters.workflow.httpx_client import HttpxHttpClient
from application.tools.api_provider import ApiToolFinder
from application.tools.builtin_finder import BuiltinToolFinder
from application.tools.invoke_tool import InvokeTool
from application.tools.list_tool_providers import ListToolProviders
from application.tools.manage_api_providers import (
    AddApiProvider,
    DeleteApiProvider,
    FetchRemoteSchema,
    GetApiProvider,
    ParseApiSchema,
    TestApiTool,
    UpdateApiProvider,
)
from application.tools.manage_builtin import DeleteBuiltinCredentials, GetBuiltinProvider, SaveBuiltinCredentials
from application.tools.manage_workflow_tools import (
    CreateWorkflowTool,
    DeleteWorkflowTool,
    GetWorkflowTool,
    UpdateWorkflowTool,
)
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


def builtin_providers(
    *, http_client, mcp_client, code_runner, resolve_model, uow_factory, file_storage, allowed_hosts
) -> list:
    """Every builtin weir serves, in the order the console lists them."""
    return [
        time_provider(),
        json_process_provider(),
        maths_provider(),
        regex_provider(),
        code_provider(code_runner),
        webscraper_provider(http_client, resolve_model),
        audio_provider(uow_factory, file_storage, OpenAICompatibleAudio()),
        md_exporter_provider(),
        echarts_provider(),
        duckduckgo_provider(resolve_model),
        jina_provider(http_client, resolve_model),
        wikipedia_provider(http_client),
        tavily_provider(http_client),
        searxng_provider(http_client),
        mcp_sse_provider(mcp_client),
        mcp_config_provider(mcp_client),
        database_provider(resolve_model, allowed_hosts),
    ]


def sdk_mcp_client(**kwargs):
    """The MCP client, imported when the first MCP tool is used: the SDK costs seconds at start-up."""
    from adapters.tools.mcp_client import SdkMcpClient

    return SdkMcpClient(**kwargs)


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
    resolve_model = providers.Dependency()  # the models context's ResolveModel (webscraper summaries)
    code_runner = providers.Dependency()  # the workflows context's CodeRunner (the code builtin)
    # A callable making the workflows context's RunWorkflow; bound after both contexts exist (build_container),
    # since the workflows context's tool node needs this one.
    run_workflow = providers.Dependency()

    tools_uow = providers.Factory(SqlaToolsUnitOfWork, session_factory, secret_cipher)
    tools_uow_factory = tools_uow.provider

    # Custom tools and the webscraper call out through the same SSRF guard as http-request nodes.
    http_client = providers.Singleton(HttpxHttpClient, allowed_hosts=config.allowed_hosts)
    mcp_client = providers.Singleton(sdk_mcp_client, allowed_hosts=config.allowed_hosts)
    builtins = providers.Singleton(
        builtin_providers,
        http_client=http_client,
        mcp_client=mcp_client.provider,  # made when a plugin first calls a server (the SDK is slow to import)
        allowed_hosts=config.allowed_hosts,
        code_runner=code_runner,
        resolve_model=resolve_model,
        uow_factory=uow_factory,
        file_storage=file_storage,
    )
    builtin_finder = providers.Singleton(BuiltinToolFinder, builtins, tools_uow_factory)
    schema_codec = providers.Singleton(YamlDslCodec)
    api_finder = providers.Singleton(ApiToolFinder, tools_uow_factory, http_client, schema_codec)
    workflow_finder = providers.Singleton(
        WorkflowToolFinder, tools_uow_factory, uow_factory, run_workflow, resolve_end_user, config.max_call_depth
    )
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
    list_tool_providers = providers.Factory(ListToolProviders, tool_providers, tools_uow_factory)
    get_builtin_provider = providers.Factory(GetBuiltinProvider, builtin_finder, tools_uow_factory)
    save_builtin_credentials = providers.Factory(SaveBuiltinCredentials, builtin_finder, tools_uow_factory)
    delete_builtin_credentials = providers.Factory(DeleteBuiltinCredentials, builtin_finder, tools_uow_factory)

    parse_api_schema = providers.Factory(ParseApiSchema, schema_codec)
    add_api_provider = providers.Factory(AddApiProvider, tools_uow_factory, schema_codec, clock, ids)
    update_api_provider = providers.Factory(UpdateApiProvider, tools_uow_factory, schema_codec, clock)
    delete_api_provider = providers.Factory(DeleteApiProvider, tools_uow_factory)
    get_api_provider = providers.Factory(GetApiProvider, tools_uow_factory, schema_codec)
    test_api_tool = providers.Factory(TestApiTool, tools_uow_factory, schema_codec, http_client)
    fetch_remote_schema = providers.Factory(FetchRemoteSchema, http_client)

    create_workflow_tool = providers.Factory(CreateWorkflowTool, tools_uow_factory, uow_factory, clock, ids)
    update_workflow_tool = providers.Factory(UpdateWorkflowTool, tools_uow_factory, uow_factory, clock)
    delete_workflow_tool = providers.Factory(DeleteWorkflowTool, tools_uow_factory)
    get_workflow_tool = providers.Factory(GetWorkflowTool, tools_uow_factory, uow_factory)
