"""Sites (an app's web app), what their users save and pin, and the apps on a workspace's Explore page."""

from uuid import UUID

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.app_repositories import (
    LIVE_APP,
    app_from_row,
    end_user_from_row,
    prefixed,
    tenant_from_row,
)
from adapters.persistence.schema import (
    apps,
    end_users,
    installed_apps,
    pinned_conversations,
    saved_messages,
    sites,
    tenants,
)
from domain.apps.entities import App, IconType
from domain.apps.installed import InstalledApp
from domain.apps.ports import SiteOwners
from domain.apps.site import Site

_FIELDS = (
    "code", "title", "icon", "icon_background", "description", "default_language", "chat_color_theme",
    "chat_color_theme_inverted", "customize_domain", "copyright", "privacy_policy", "custom_disclaimer",
    "customize_token_strategy", "prompt_public", "show_workflow_steps", "use_icon_as_answer_icon",
    "input_placeholder", "created_by", "created_at", "updated_by", "updated_at",
)


def _site(row) -> Site:
    return Site(
        app_id=row.app_id, tenant_id=row.tenant_id, icon_type=IconType(row.icon_type or IconType.EMOJI),
        **{name: getattr(row, name) for name in _FIELDS},
    )


def _values(site: Site) -> dict:
    return {"tenant_id": site.tenant_id, "icon_type": site.icon_type.value, **{n: getattr(site, n) for n in _FIELDS}}


class SqlaSiteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, site: Site) -> None:
        await self._session.execute(sites.insert().values(app_id=site.app_id, **_values(site)))

    async def for_app(self, app_id: UUID) -> Site | None:
        row = (await self._session.execute(select(sites).where(sites.c.app_id == app_id))).first()
        return _site(row) if row else None

    async def owners_by_code(self, code: str, end_user_id: UUID | None = None) -> SiteOwners | None:
        joined = sites.join(apps, and_(apps.c.id == sites.c.app_id, LIVE_APP)).join(
            tenants, tenants.c.id == apps.c.tenant_id
        )
        columns = [sites, *(c.label(f"a__{c.name}") for c in apps.c), *(c.label(f"t__{c.name}") for c in tenants.c)]
        if end_user_id is not None:
            joined = joined.outerjoin(
                end_users, and_(end_users.c.id == end_user_id, end_users.c.app_id == sites.c.app_id)
            )
            columns += [c.label(f"u__{c.name}") for c in end_users.c]
        row = (await self._session.execute(select(*columns).select_from(joined).where(sites.c.code == code))).first()
        if row is None:
            return None
        user = prefixed(row, "u__") if end_user_id is not None else None
        return SiteOwners(
            site=_site(row),
            app=app_from_row(prefixed(row, "a__")),
            tenant=tenant_from_row(prefixed(row, "t__")),
            end_user=end_user_from_row(user) if user is not None and user.id is not None else None,
        )

    async def update(self, site: Site) -> None:
        await self._session.execute(update(sites).where(sites.c.app_id == site.app_id).values(**_values(site)))


class SqlaWebAppMarks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save_message(self, app_id: UUID, end_user_id: UUID, message_id: UUID) -> None:
        await self._session.execute(
            insert(saved_messages)
            .values(app_id=app_id, created_by=end_user_id, message_id=message_id)
            .on_conflict_do_nothing(index_elements=["app_id", "created_by", "message_id"])
        )

    async def unsave_message(self, app_id: UUID, end_user_id: UUID, message_id: UUID) -> None:
        await self._session.execute(
            delete(saved_messages).where(
                saved_messages.c.app_id == app_id, saved_messages.c.created_by == end_user_id,
                saved_messages.c.message_id == message_id,
            )
        )

    async def saved_message_ids(
        self, app_id: UUID, end_user_id: UUID, *, limit: int, before: UUID | None
    ) -> tuple[list[UUID], bool] | None:
        s = saved_messages
        where = [s.c.app_id == app_id, s.c.created_by == end_user_id]
        if before is not None:
            anchor = (
                await self._session.execute(select(s.c.created_at, s.c.id).where(*where, s.c.message_id == before))
            ).first()
            if anchor is None:
                return None
            where.append(or_(s.c.created_at < anchor.created_at, and_(s.c.created_at == anchor.created_at,
                                                                      s.c.id < anchor.id)))
        stmt = select(s.c.message_id).where(*where).order_by(s.c.created_at.desc(), s.c.id.desc()).limit(limit + 1)
        ids = list((await self._session.execute(stmt)).scalars())
        return ids[:limit], len(ids) > limit

    async def pin(self, app_id: UUID, end_user_id: UUID, conversation_id: UUID) -> None:
        await self._session.execute(
            insert(pinned_conversations)
            .values(app_id=app_id, created_by=end_user_id, conversation_id=conversation_id)
            .on_conflict_do_nothing(index_elements=["app_id", "created_by", "conversation_id"])
        )

    async def unpin(self, app_id: UUID, end_user_id: UUID, conversation_id: UUID) -> None:
        await self._session.execute(
            delete(pinned_conversations).where(
                pinned_conversations.c.app_id == app_id, pinned_conversations.c.created_by == end_user_id,
                pinned_conversations.c.conversation_id == conversation_id,
            )
        )


def _installed(row) -> InstalledApp:
    return InstalledApp(
        id=row.id, tenant_id=row.tenant_id, app_id=row.app_id, app_owner_tenant_id=row.app_owner_tenant_id,
        created_at=row.created_at, is_pinned=row.is_pinned, position=row.position, last_used_at=row.last_used_at,
    )


class SqlaInstalledApps:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, installed: InstalledApp) -> None:
        await self._session.execute(
            insert(installed_apps)
            .values(
                id=installed.id, tenant_id=installed.tenant_id, app_id=installed.app_id,
                app_owner_tenant_id=installed.app_owner_tenant_id, position=installed.position,
                is_pinned=installed.is_pinned, last_used_at=installed.last_used_at, created_at=installed.created_at,
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "app_id"])
        )

    def _with_app(self):
        i = installed_apps
        return select(i, *(c.label(f"a__{c.name}") for c in apps.c)).select_from(
            i.join(apps, and_(apps.c.id == i.c.app_id, LIVE_APP))
        )

    async def list_for(self, tenant_id: UUID, app_id: UUID | None = None) -> list[tuple[InstalledApp, App]]:
        i = installed_apps
        stmt = self._with_app().where(i.c.tenant_id == tenant_id)
        if app_id is not None:
            stmt = stmt.where(i.c.app_id == app_id)
        stmt = stmt.order_by(
            i.c.is_pinned.desc(), i.c.last_used_at.desc().nulls_last(), i.c.created_at.desc(), i.c.id.desc()
        )
        rows = (await self._session.execute(stmt)).all()
        return [(_installed(r), app_from_row(prefixed(r, "a__"))) for r in rows]

    async def get(self, tenant_id: UUID, installed_id: UUID) -> tuple[InstalledApp, App] | None:
        i = installed_apps
        row = (
            await self._session.execute(self._with_app().where(i.c.tenant_id == tenant_id, i.c.id == installed_id))
        ).first()
        return (_installed(row), app_from_row(prefixed(row, "a__"))) if row else None

    async def update(self, installed: InstalledApp) -> None:
        await self._session.execute(
            update(installed_apps)
            .where(installed_apps.c.id == installed.id)
            .values(is_pinned=installed.is_pinned, position=installed.position, last_used_at=installed.last_used_at)
        )
