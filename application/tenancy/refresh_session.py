from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.errors import InvalidAccessToken
from domain.tenancy.ports import AccessTokenIssuer, TokenPair


class RefreshSession:
    """Trades a valid refresh token for a new token pair, while the account may still log in."""

    def __init__(self, uow: UnitOfWorkFactory, tokens: AccessTokenIssuer) -> None:
        self._uow = uow
        self._tokens = tokens

    async def execute(self, refresh_token: str) -> TokenPair:
        account_id = self._tokens.account_for_refresh(refresh_token)
        async with self._uow() as uow:
            account = await uow.accounts.get(account_id)
        if account is None or not account.can_log_in:
            raise InvalidAccessToken()
        return self._tokens.issue(account.id)
