"""The workspace's builtin tool providers: their tools and their saved credentials."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from application.tools.builtin_finder import BuiltinToolFinder
from domain.shared.errors import InvalidParam
from domain.tools.credentials import masked, merged
from domain.tools.entities import ToolProviderInfo
from domain.tools.naming import builtin_name
from domain.tools.stored import BuiltinCredentials
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


def _secrets(info: ToolProviderInfo) -> list[str]:
    return [f.name for f in info.credentials_schema if f.type == "secret-input"]


class GetBuiltinProvider:
    """A builtin provider by bare name or plugin id, with whether the workspace has authorized it (no
    credentials needed, or saved) and its saved credentials masked."""

    def __init__(self, finder: BuiltinToolFinder, uow: ToolsUnitOfWorkFactory) -> None:
        self._finder = finder
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider: str) -> tuple[ToolProviderInfo, dict[str, Any] | None]:
        info = self._finder.get(provider).info()
        async with self._uow() as uow:
            saved = await uow.builtin_credentials.get(tenant_id, builtin_name(info.id))
        return info, masked(saved.credentials, _secrets(info)) if saved else None


class SaveBuiltinCredentials:
    """Rules: only the provider's declared fields are kept; required ones must be present; a secret sent back
    masked keeps the stored one."""

    def __init__(self, finder: BuiltinToolFinder, uow: ToolsUnitOfWorkFactory) -> None:
        self._finder = finder
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider: str, credentials: Mapping[str, Any]) -> None:
        info = self._finder.get(provider).info()
        if not isinstance(credentials, Mapping):
            raise InvalidParam("credentials must be an object.", param="credentials")
        declared = {f.name for f in info.credentials_schema}
        kept = {k: v for k, v in credentials.items() if k in declared}
        name = builtin_name(info.id)
        async with self._uow() as uow:
            old = await uow.builtin_credentials.get(tenant_id, name)
            kept = merged(kept, old.credentials if old else {}, _secrets(info))
            for field in info.credentials_schema:
                if field.required and kept.get(field.name) in (None, ""):
                    raise InvalidParam(f"{field.name} is required.", param="credentials")
            await uow.builtin_credentials.save(BuiltinCredentials(tenant_id, name, kept))
            await uow.commit()


class DeleteBuiltinCredentials:
    def __init__(self, finder: BuiltinToolFinder, uow: ToolsUnitOfWorkFactory) -> None:
        self._finder = finder
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider: str) -> None:
        name = builtin_name(self._finder.get(provider).info().id)
        async with self._uow() as uow:
            await uow.builtin_credentials.delete(tenant_id, name)
            await uow.commit()
