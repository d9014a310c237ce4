"""The ToolProviders port as one finder per provider kind: builtin, api, workflow (and mcp, when wired)."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain.tools.entities import ProviderType, ToolProviderInfo
from domain.tools.errors import ToolProviderNotFound
from domain.tools.ports import ToolProvider, ToolProviderFinder

# Dify ≥ 1.0 calls marketplace builtins `plugin`; weir serves the ones it has built in under either name.
_ALIASES = {ProviderType.PLUGIN: ProviderType.BUILTIN}


class ComposedToolProviders:
    """Rules: a kind without a finder has no providers (finding one is ToolProviderNotFound, listing it
    is empty); `plugin` is looked up among the builtins; listing every kind lists each finder once, in
    the order given."""

    def __init__(self, finders: Mapping[str, ToolProviderFinder]) -> None:
        self._finders = {ProviderType(kind): finder for kind, finder in finders.items()}

    def kinds(self) -> tuple[ProviderType, ...]:
        return tuple(self._finders)

    def _finder(self, provider_type: ProviderType | str, provider_id: str) -> ToolProviderFinder:
        try:
            kind = ProviderType(provider_type)
        except ValueError:
            raise ToolProviderNotFound(f"Unknown tool provider type: {provider_type}.") from None
        finder = self._finders.get(_ALIASES.get(kind, kind))
        if finder is None:
            raise ToolProviderNotFound(f"Tool provider {provider_id} ({kind.value}) is not available.")
        return finder

    async def find(self, tenant_id: UUID, provider_type: ProviderType, provider_id: str) -> ToolProvider:
        return await self._finder(provider_type, provider_id).find(tenant_id, provider_id)

    async def credentials(self, tenant_id: UUID, provider_type: ProviderType, provider_id: str) -> Mapping[str, Any]:
        return await self._finder(provider_type, provider_id).credentials(tenant_id, provider_id)

    async def listed(self, tenant_id: UUID, provider_type: ProviderType | None = None) -> list[ToolProviderInfo]:
        if provider_type is not None:
            kind = _ALIASES.get(ProviderType(provider_type), ProviderType(provider_type))
            finder = self._finders.get(kind)
            return await finder.listed(tenant_id) if finder else []
        listed: list[ToolProviderInfo] = []
        for finder in self._finders.values():
            listed += await finder.listed(tenant_id)
        return listed
