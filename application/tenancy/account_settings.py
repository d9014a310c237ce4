"""The signed-in account's own settings (Dify's account page and the settings' Language tab), and renaming the
workspace from the members page."""

from uuid import UUID

from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Account, Role, Tenant
from domain.tenancy.errors import CurrentPasswordIncorrect, RepeatPasswordNotMatch
from domain.tenancy.members import check_may
from domain.tenancy.ports import PasswordHasher
from domain.tenancy.rules import check_account_name, check_language, check_password, check_timezone


class UpdateAccount:
    """Name, interface language, time zone and password. Rules: the name and values as setup checks them; a new
    password needs the current one (unless none is set yet) and the same text twice."""

    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock

    async def name(self, account_id: UUID, name: str) -> Account:
        checked = check_account_name(name)
        return await self._save(account_id, lambda a: setattr(a, "name", checked))

    async def language(self, account_id: UUID, language: str) -> Account:
        checked = check_language(language)
        return await self._save(account_id, lambda a: setattr(a, "interface_language", checked))

    async def timezone(self, account_id: UUID, timezone: str) -> Account:
        checked = check_timezone(timezone)
        return await self._save(account_id, lambda a: setattr(a, "timezone", checked))

    async def password(self, account_id: UUID, current: str | None, new: str, repeat: str) -> Account:
        if new != repeat:
            raise RepeatPasswordNotMatch()
        check_password(new)
        account = await self._account(account_id)
        if account.password_hash and not await self._hasher.verify(current or "", account.password_hash,
                                                                    account.password_salt):  # fmt: skip
            raise CurrentPasswordIncorrect()
        digest, salt = await self._hasher.hash(new)  # outside the transaction: hashing takes CPU time

        def apply(a: Account) -> None:
            a.password_hash, a.password_salt = digest, salt

        return await self._save(account_id, apply)

    async def _account(self, account_id: UUID) -> Account:
        async with self._uow() as uow:
            account = await uow.accounts.get(account_id)
        if account is None:
            raise NotFound("Account not found.")
        return account

    async def _save(self, account_id: UUID, change) -> Account:
        async with self._uow() as uow:
            account = await uow.accounts.get(account_id)
            if account is None:
                raise NotFound("Account not found.")
            change(account)
            account.updated_at = self._clock.now()
            await uow.accounts.update(account)
            await uow.commit()
        return account


class RenameWorkspace:
    """Owners and admins rename the workspace (the members page's pencil)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, tenant_id: UUID, role: Role, name: str) -> Tenant:
        check_may(role, "rename")
        checked = (name or "").strip()
        if not 1 <= len(checked) <= 255:
            raise InvalidParam("The workspace name must be 1 to 255 characters.", param="name")
        async with self._uow() as uow:
            await uow.tenants.rename(tenant_id, checked, self._clock.now())
            tenant = await uow.tenants.get(tenant_id)
            await uow.commit()
        if tenant is None:
            raise NotFound("Workspace not found.")
        return tenant
