"""The workspaces an account has a seat in, and switching the console to another one (an invited account that had
a workspace already keeps that one current until it switches)."""

from uuid import UUID

from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Membership, Tenant
from domain.tenancy.errors import AccountNotLinkTenant


class ListWorkspaces:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, account_id: UUID, current: UUID) -> list[tuple[Tenant, bool]]:
        """The account's workspaces, oldest seat first, each with whether it is the session's current one."""
        async with self._uow() as uow:
            seats = await uow.accounts.seats_of(account_id)
            tenants = [await uow.tenants.get(seat.tenant_id) for seat in seats]
        return [(tenant, tenant.id == current) for tenant in tenants if tenant is not None]


class SwitchWorkspace:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, account_id: UUID, tenant_id: UUID) -> tuple[Tenant, Membership]:
        async with self._uow() as uow:
            seat = next((s for s in await uow.accounts.seats_of(account_id) if s.tenant_id == tenant_id), None)
            tenant = await uow.tenants.get(tenant_id) if seat else None
            if seat is None or tenant is None or not await uow.accounts.make_current(account_id, tenant_id):
                raise AccountNotLinkTenant()
            await uow.commit()
        return tenant, seat
