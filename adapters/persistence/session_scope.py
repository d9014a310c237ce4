from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.shared.errors import StoreUnavailable


class SessionUnitOfWork:
    """One AsyncSession per `async with`; rolls back unless `commit()` ran inside the block.

    Subclasses attach their repositories to the session in `_bind`. A lost database surfaces as the
    port-level StoreUnavailable, never as a driver exception.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    def _bind(self, session: AsyncSession) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        self._bind(self._session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        assert session is not None
        try:
            await session.rollback()
        finally:
            await session.close()
        if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
            raise StoreUnavailable("The database is unavailable.") from exc
        if isinstance(exc, PoolTimeout):  # every pooled connection stayed busy past the pool's timeout
            raise StoreUnavailable("The database is busy; try again shortly.").after(1) from exc

    async def commit(self) -> None:
        assert self._session is not None, "commit() outside `async with`"
        await self._session.commit()

    async def rollback(self) -> None:
        assert self._session is not None, "rollback() outside `async with`"
        await self._session.rollback()
