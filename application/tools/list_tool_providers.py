"""Every tool provider the workspace can use, as the console lists them (all kinds, or one)."""

from uuid import UUID

from domain.tools.entities import ProviderType, ToolProviderInfo
from domain.tools.naming import builtin_name
from domain.tools.ports import ToolProviders
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class ListToolProviders:
    """Rules: a builtin is authorized when none of its credentials is required (Jina's key is optional) or the
    workspace saved them; custom, workflow and MCP providers are the workspace's own, so always authorized.
    Returns (provider, authorized)."""

    def __init__(self, providers: ToolProviders, uow: ToolsUnitOfWorkFactory) -> None:
        self._providers = providers
        self._uow = uow

    async def execute(
        self, tenant_id: UUID, provider_type: ProviderType | None = None
    ) -> list[tuple[ToolProviderInfo, bool]]:
        listed = await self._providers.listed(tenant_id, provider_type)
        async with self._uow() as uow:
            saved = {c.provider for c in await uow.builtin_credentials.for_tenant(tenant_id)}
        return [
            (info, info.type != ProviderType.BUILTIN or not _needs_credentials(info) or builtin_name(info.id) in saved)
            for info in listed
        ]


def _needs_credentials(info: ToolProviderInfo) -> bool:
    return any(field.required for field in info.credentials_schema)
