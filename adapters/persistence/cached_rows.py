"""Rows the callers' cache keeps a copy of (CallerCache: a chat's model config, annotation setting and provider
credentials): the repositories that write them note which app or workspace changed, and the unit of work makes
the cache forget those once the transaction has committed, whichever use case wrote them."""

from uuid import UUID

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
