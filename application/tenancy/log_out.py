from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.rules import refresh_token_digest


class LogOut:
    """Ends a console session.

    Rules: the session's refresh token is forgotten, so it can no longer be traded for new tokens (the access
    token it was issued with lapses on its own); logging out without a token, or with one already used or
    expired, succeeds and changes nothing.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, refresh_token: str | None) -> None:
        if not refresh_token:
            return
        async with self._uow() as uow:
            await uow.accounts.take_refresh_token(refresh_token_digest(refresh_token), self._clock.now())
            await uow.commit()
