from dataclasses import dataclass

from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Account, Role, Tenant
from domain.tenancy.errors import AccountBanned, InvalidAccessToken
from domain.tenancy.ports import AccessTokenIssuer


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    account: Account
    tenant: Tenant
    role: Role


class AuthenticateConsole:
    """Resolves a console access token to the account and its current workspace.

    Rules: the token must be a valid, unexpired access token; the account must still exist, be
    allowed to log in and belong to a workspace.
    """

    def __init__(self, uow: UnitOfWorkFactory, tokens: AccessTokenIssuer) -> None:
        self._uow = uow
        self._tokens = tokens

    async def execute(self, access_token: str) -> ConsoleSession:
        account_id = self._tokens.account_for_access(access_token)
        async with self._uow() as uow:
            account = await uow.accounts.get(account_id)
            if account is None:
                raise InvalidAccessToken()
            if not account.can_log_in:
                raise AccountBanned()
            membership = await uow.accounts.current_membership(account.id)
            tenant = await uow.tenants.get(membership.tenant_id) if membership else None
        if membership is None or tenant is None:
            raise InvalidAccessToken("The account has no workspace.")
        return ConsoleSession(account=account, tenant=tenant, role=membership.role)
