"""An app's web app as the console manages it: its settings, its code, on or off."""

from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import App
from domain.apps.installed import InstalledApp
from domain.apps.site import Site, SiteChanges, new_site_code
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory


async def add_site_and_install(uow: UnitOfWork, app: App, installed_id: UUID) -> None:
    """What every new app comes with (Dify's): its web app, and its place on its workspace's Explore page."""
    await uow.sites.add(Site.for_app(app, new_site_code()))
    await uow.installed_apps.add(
        InstalledApp(id=installed_id, tenant_id=app.tenant_id, app_id=app.id, app_owner_tenant_id=app.tenant_id,
                     created_at=app.created_at)
    )


async def _made_site(uow: UnitOfWork, app: App) -> Site:
    """A site for an app that has none (an app stored before weir had sites and not met by the migration, e.g.
    restored from a backup)."""
    site = Site.for_app(app, new_site_code())
    await uow.sites.add(site)
    return site


async def _site_of(uow: UnitOfWork, app: App) -> Site:
    return await uow.sites.for_app(app.id) or await _made_site(uow, app)


class GetSite:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID) -> tuple[App, Site]:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
        return app, await self.of(app)

    async def of(self, app: App) -> Site:
        """The site of an app the caller already found (and checked) itself."""
        async with self._uow() as uow:
            site = await uow.sites.for_app(app.id)
            if site is None:
                site = await _made_site(uow, app)
                await uow.commit()
        return site


class UpdateSite:
    """Applies the console's web app settings; only what was sent changes (Dify's rule)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, tenant_id: UUID, account_id: UUID, app_id: UUID, changes: SiteChanges) -> Site:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            site = await _site_of(uow, app)
            site.edit(changes, self._clock.now(), account_id)
            await uow.sites.update(site)
            await uow.commit()
        return site


class ResetSiteCode:
    """A new code for the web app: every link and passport handed out with the old one stops working."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, tenant_id: UUID, account_id: UUID, app_id: UUID) -> Site:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            site = await _site_of(uow, app)
            site.reset_code(new_site_code(), self._clock.now(), account_id)
            await uow.sites.update(site)
            await uow.commit()
        return site


class SetSiteAccess:
    """Switches the web app on or off (Dify's `site-enable`); while off its page and passports answer nothing."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, tenant_id: UUID, account_id: UUID, app_id: UUID, enabled: bool) -> tuple[App, Site]:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            app.enable_site = enabled
            app.touch(self._clock.now(), account_id)
            await uow.apps.update(app)
            site = await _site_of(uow, app)
            await uow.commit()
        return app, site
