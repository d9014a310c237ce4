"""The builtin kind: providers written in weir, named by bare name or plugin id, with workspace credentials."""

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from domain.tools.entities import ToolProviderInfo
from domain.tools.errors import ToolProviderNotFound
from domain.tools.naming import builtin_name
from domain.tools.ports import ToolProvider
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class BuiltinToolFinder:
    """Rules: `langgenius/time/time`, `langgenius/time` and `time` name the same provider; credentials are
    the workspace's own, empty when none were saved."""

    def __init__(self, providers: Sequence[ToolProvider], uow: ToolsUnitOfWorkFactory) -> None:
        self._providers = {builtin_name(p.info().id): p for p in providers}
        self._uow = uow

    def get(self, provider_id: str) -> ToolProvider:
        provider = self._providers.get(builtin_name(provider_id))
        if provider is None:
            raise ToolProviderNotFound(f"Builtin tool provider {provider_id} not found.")
        return provider

    def all(self) -> list[ToolProvider]:
        return list(self._providers.values())

    async def find(self, tenant_id: UUID, provider_id: str) -> ToolProvider:
        return self.get(provider_id)

    async def credentials(self, tenant_id: UUID, provider_id: str) -> Mapping[str, Any]:
        name = builtin_name(self.get(provider_id).info().id)
        async with self._uow() as uow:
            saved = await uow.builtin_credentials.get(tenant_id, name)
        return dict(saved.credentials) if saved else {}

    async def listed(self, tenant_id: UUID) -> list[ToolProviderInfo]:
        return [provider.info() for provider in self._providers.values()]
