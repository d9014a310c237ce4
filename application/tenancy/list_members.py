from uuid import UUID

from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Account, Membership


class ListMembers:
    """The accounts of a workspace with their roles, the owner first. Rules: only the caller's own workspace is
    read (the tenant comes from the session, never from the request)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID) -> list[tuple[Account, Membership]]:
        async with self._uow() as uow:
            return await uow.accounts.members(tenant_id)
