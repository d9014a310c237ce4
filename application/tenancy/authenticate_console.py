from dataclasses import dataclass
from uuid import UUID

from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Account, Role, Tenant
from domain.tenancy.errors import AccountBanned, CsrfTokenInvalid, InvalidAccessToken
from domain.tenancy.ports import AccessTokenIssuer


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    account: Account
    tenant: Tenant
    role: Role


@dataclass(frozen=True, slots=True)
class CsrfProof:
    """What a cookie-authenticated request carries against cross-site forgery: the X-CSRF-Token header and the
    csrf_token cookie (either may be missing)."""

    header: str | None
    cookie: str | None


class AuthenticateConsole:
    """Resolves a console access token to the account and its current workspace.

    Rules: the token must be a valid, unexpired access token; the account must still exist, be
    allowed to log in and belong to a workspace. A token read from a cookie also needs its CSRF proof (as
    Dify): the header equals the cookie and is an unexpired CSRF token of the same account; a bearer token
    needs none (a cross-site page cannot set that header).
    """

    def __init__(self, uow: UnitOfWorkFactory, tokens: AccessTokenIssuer) -> None:
        self._uow = uow
        self._tokens = tokens

    async def execute(self, access_token: str, csrf: CsrfProof | None = None) -> ConsoleSession:
        account_id = self._tokens.account_for_access(access_token)
        if csrf is not None:
            self._check_csrf(csrf, account_id)
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

    def _check_csrf(self, csrf: CsrfProof, account_id: UUID) -> None:
        if not csrf.header or csrf.header != csrf.cookie:
            raise CsrfTokenInvalid()
        try:
            owner = self._tokens.account_for_csrf(csrf.header)
        except InvalidAccessToken:
            raise CsrfTokenInvalid() from None
        if owner != account_id:
            raise CsrfTokenInvalid()
