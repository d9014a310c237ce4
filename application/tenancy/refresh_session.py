from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.errors import InvalidAccessToken
from domain.tenancy.ports import AccessTokenIssuer, TokenPair
from domain.tenancy.rules import refresh_token_digest


class RefreshSession:
    """Trades a valid refresh token for a new token pair, while the account may still log in.

    Rules: a refresh token works once: refreshing forgets it and remembers the new one, in one transaction,
    so a used (or stolen and replayed) token is refused, and of two concurrent refreshes with one token only
    one succeeds.
    """

    def __init__(self, uow: UnitOfWorkFactory, tokens: AccessTokenIssuer, clock: Clock) -> None:
        self._uow = uow
        self._tokens = tokens
        self._clock = clock

    async def execute(self, refresh_token: str) -> TokenPair:
        account_id = self._tokens.account_for_refresh(refresh_token)
        now = self._clock.now()
        async with self._uow() as uow:
            if await uow.accounts.take_refresh_token(refresh_token_digest(refresh_token), now) != account_id:
                raise InvalidAccessToken()
            account = await uow.accounts.get(account_id)
            if account is None or not account.can_log_in:
                raise InvalidAccessToken()
            pair = self._tokens.issue(account.id)
            await uow.accounts.add_refresh_token(
                refresh_token_digest(pair.refresh_token), account.id, pair.refresh_expires_at, now
            )
            await uow.commit()
        return pair
