from uuid import UUID

from domain.models.providers import ProviderCredentials
from domain.shared.unit_of_work import UnitOfWorkFactory


class ListWorkspaceProviders:
    """The model providers a workspace may use: its own, then the instance-wide fallback when one is set
    (OPENAI_API_BASE / OPENAI_API_KEY), which serves every workspace."""

    def __init__(self, uow: UnitOfWorkFactory, fallback: ProviderCredentials | None) -> None:
        self._uow = uow
        self._fallback = fallback

    async def execute(self, tenant_id: UUID) -> list[ProviderCredentials]:
        async with self._uow() as uow:
            found = await uow.providers.for_tenant(tenant_id)
        return found + ([self._fallback] if self._fallback else [])
