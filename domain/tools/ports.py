"""The tool port: one shape for every kind of tool provider, and the lookup that finds one."""

from collections.abc import Mapping
from typing import Any, Protocol
from uuid import UUID

from domain.tools.entities import ProviderType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo


class ToolProvider(Protocol):
    """A source of tools (the builtin `time`, one custom OpenAPI schema, one published workflow, one MCP
    server).

    Contract: `tools()` lists what it offers now (an MCP provider may ask its server). `invoke` runs one
    tool with parameters already checked against its declaration (`domain.tools.parameters.check`) and
    returns its messages in order. Errors: `ToolNotFound` for a name it does not offer,
    `ToolParameterError` for a value it refuses, `ToolTimeout`/`ToolProviderUnavailable`/`ToolInvokeError`
    when the call fails; never another exception for an expected failure. Cancellation passes through.
    """

    def info(self) -> ToolProviderInfo: ...

    async def tools(self) -> list[Tool]: ...

    async def invoke(
        self, tool_name: str, parameters: Mapping[str, Any], invocation: ToolInvocation
    ) -> list[ToolMessage]: ...


class ToolProviders(Protocol):
    """Finds the provider a DSL names. `provider_id` may be a bare name (`time`), a plugin id
    (`langgenius/time/time`), or the id of a workspace's custom, workflow or MCP provider.

    Contract: returns the provider with the workspace's credentials for it (decrypted, in
    `credentials(...)`), or raises `ToolProviderNotFound`.
    """

    async def find(self, tenant_id: UUID, provider_type: ProviderType, provider_id: str) -> ToolProvider: ...

    async def credentials(
        self, tenant_id: UUID, provider_type: ProviderType, provider_id: str
    ) -> Mapping[str, Any]: ...

    async def listed(self, tenant_id: UUID, provider_type: ProviderType | None = None) -> list[ToolProviderInfo]: ...


class ToolProviderFinder(Protocol):
    """The providers of one kind (builtin, api, workflow, mcp) for a workspace; `ToolProviders` composes one
    finder per kind.

    Contract: `find` returns the provider a DSL names or raises `ToolProviderNotFound`; `credentials` the
    workspace's decrypted credentials for it (empty when it needs none); `listed` every provider of this
    kind the workspace can use, each with its tools.
    """

    async def find(self, tenant_id: UUID, provider_id: str) -> ToolProvider: ...

    async def credentials(self, tenant_id: UUID, provider_id: str) -> Mapping[str, Any]: ...

    async def listed(self, tenant_id: UUID) -> list[ToolProviderInfo]: ...
