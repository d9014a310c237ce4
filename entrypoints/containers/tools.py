"""Wiring of the tools context: the builtin providers, one finder per provider kind, and the tool call.

`finders` maps a provider kind to its finder; a new kind (mcp) is one more entry there.
"""

from dependency_injector import containers, providers

from adapters.persistence.tools_unit_of_work import SqlaToolsUnitOfWork
from adapters.tools.builtin.time import time_provider
from application.tools.builtin_finder import BuiltinToolFinder
from application.tools.invoke_tool import InvokeTool
from application.tools.tool_files import StoreToolFiles
from application.tools.tool_providers import ComposedToolProviders


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

    tools_uow = providers.Factory(SqlaToolsUnitOfWork, session_factory, secret_cipher)
    tools_uow_factory = tools_uow.provider

    builtins = providers.Singleton(builtin_providers)
    builtin_finder = providers.Singleton(BuiltinToolFinder, builtins, tools_uow_factory)
    finders = providers.Dict(builtin=builtin_finder)
    tool_providers = providers.Singleton(ComposedToolProviders, finders)

    invoke_tool = providers.Factory(InvokeTool, tool_providers, metrics_sink, trace_exporter, clock, ids)
    store_tool_files = providers.Factory(StoreToolFiles, uow_factory, file_storage, clock, ids)
