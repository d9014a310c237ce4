"""Wiring of the tools context: the builtin providers, one finder per provider kind, and the tool call.

`finders` maps a provider kind to its finder; a new kind (mcp) is one more entry there.
"""

from dependency_injector import containers, providers

from adapters.dsl.yaml_codec import YamlDslCodec
from adapters.persistence.tools_unit_of_work import SqlaToolsUnitOfWork
from adapters.tools.builtin.time import time_provider
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
    finders = providers.Dict(builtin=builtin_finder, api=api_finder, workflow=workflow_finder)
    tool_providers = providers.Singleton(ComposedToolProviders, finders)

    invoke_tool = providers.Factory(InvokeTool, tool_providers, metrics_sink, trace_exporter, clock, ids)
    store_tool_files = providers.Factory(StoreToolFiles, uow_factory, file_storage, clock, ids)

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
