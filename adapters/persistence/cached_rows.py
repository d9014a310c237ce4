"""Rows the callers' cache keeps a copy of (CallerCache: a chat's model config, annotation setting and provider
credentials): the repositories that write them note which app or workspace changed, and the unit of work makes
the cache forget those once the transaction has committed, whichever use case wrote them."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence.session_scope import SessionUnitOfWork
from domain.apps.ports import CallerCache


class CachedRowChanges:
    def __init__(self) -> None:
        self.apps: set[UUID] = set()
        self.workspaces: set[UUID] = set()

    async def forget(self, cache: CallerCache) -> None:
        apps, workspaces = self.apps, self.workspaces
        self.apps, self.workspaces = set(), set()
        for app_id in apps:
            await cache.forget_app(app_id)
        for tenant_id in workspaces:
            await cache.forget_workspace(tenant_id)


class CacheForgettingUnitOfWork(SessionUnitOfWork):
    """A unit of work whose repositories may write cached rows: after a commit, the callers' cache forgets the
    apps and workspaces they noted in `_changes`."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], cache: CallerCache | None = None) -> None:
        super().__init__(session_factory)
        self._cache = cache
        self._changes = CachedRowChanges()

    async def commit(self) -> None:
        await super().commit()
        if self._cache is not None:
            await self._changes.forget(self._cache)
