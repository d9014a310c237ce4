"""The console's Explore page: the workspace's installed apps, used by its members as themselves.

weir has no app templates to recommend and one workspace per app, so every installed app is one of the
workspace's own, installed when it was made (Dify refuses to uninstall those: they go with the app).
"""

from dataclasses import dataclass
from uuid import UUID

from application.service_api.resolve_end_user import ResolveEndUser
from domain.apps.entities import App, EndUser
from domain.apps.installed import InstalledApp
from domain.conversations.debugger import EXPLORE_SESSION
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory

# An app used again within this long keeps its last_used_at: ordering the sidebar needs no write per message.
_USE_WRITE_INTERVAL_SECONDS = 60


class InstalledAppNotFound(NotFound):
    default_message = "Installed app not found"


@dataclass(frozen=True, slots=True)
class ExploreCaller:
    installed: InstalledApp
    app: App
    end_user: EndUser


class ExploreApps:
    """Rules (Dify's): an installed app is one of the caller's workspace whose app is live (else 404 "Installed
    app not found"); pinned ones come first, then the most recently used; the workspace's own apps cannot be
    uninstalled; only recommended apps can be installed, and weir recommends none."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, resolve_end_user: ResolveEndUser) -> None:
        self._uow = uow
        self._clock = clock
        self._resolve = resolve_end_user

    async def list(self, tenant_id: UUID, app_id: UUID | None = None) -> list[tuple[InstalledApp, App]]:
        async with self._uow() as uow:
            return await uow.installed_apps.list_for(tenant_id, app_id)

    async def get(self, tenant_id: UUID, installed_id: UUID) -> tuple[InstalledApp, App]:
        async with self._uow() as uow:
            found = await uow.installed_apps.get(tenant_id, installed_id)
        if found is None:
            raise InstalledAppNotFound()
        return found

    async def pin(self, tenant_id: UUID, installed_id: UUID, pinned: bool) -> None:
        async with self._uow() as uow:
            found = await uow.installed_apps.get(tenant_id, installed_id)
            if found is None:
                raise InstalledAppNotFound()
            found[0].is_pinned = pinned
            await uow.installed_apps.update(found[0])
            await uow.commit()

    async def uninstall(self, tenant_id: UUID, installed_id: UUID) -> None:
        """Every installed app here is one of the workspace's own (nothing else can be installed): refused."""
        await self.get(tenant_id, installed_id)
        raise InvalidParam("You can't uninstall an app owned by the current tenant")

    async def install(self, tenant_id: UUID, app_id: UUID) -> None:
        raise NotFound("Recommended app not found")

    async def open(self, tenant_id: UUID, account_id: UUID, installed_id: UUID) -> ExploreCaller:
        """The installed app a member uses, and the end user their chats in it are kept under (one per account and
        app, as the debugger's); its last use is recorded for the sidebar's order."""
        installed, app = await self.get(tenant_id, installed_id)
        now = self._clock.now()
        last = installed.last_used_at
        if last is None or (now - last).total_seconds() >= _USE_WRITE_INTERVAL_SECONDS:
            installed.last_used_at = now
            async with self._uow() as uow:
                await uow.installed_apps.update(installed)
                await uow.commit()
        end_user = await self._resolve.execute(app, EXPLORE_SESSION.format(account_id=account_id))
        return ExploreCaller(installed=installed, app=app, end_user=end_user)
