from types import SimpleNamespace
from uuid import UUID

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema import api_tokens, apps, end_users, tenants
from domain.apps.entities import (
    ApiToken,
    App,
    AppMode,
    AppStatus,
    EndUser,
    EndUserType,
    IconType,
    TokenType,
)
from domain.apps.ports import AppPage, KeyOwners
from domain.tenancy.entities import Tenant, TenantStatus


def app_from_row(row) -> App:
    return App(
        id=row.id, tenant_id=row.tenant_id, name=row.name, mode=AppMode(row.mode), description=row.description,
        icon_type=IconType(row.icon_type or IconType.EMOJI), icon=row.icon or "",
        icon_background=row.icon_background or "",
        status=AppStatus(row.status), enable_site=row.enable_site, enable_api=row.enable_api,
        max_active_requests=row.max_active_requests, use_icon_as_answer_icon=row.use_icon_as_answer_icon,
        created_by=row.created_by, created_at=row.created_at, updated_by=row.updated_by, updated_at=row.updated_at,
    )


def _app_values(app: App) -> dict:
    return dict(
        tenant_id=app.tenant_id, name=app.name, mode=app.mode.value, description=app.description,
        icon_type=app.icon_type.value, icon=app.icon, icon_background=app.icon_background,
        status=app.status.value, enable_site=app.enable_site, enable_api=app.enable_api,
        max_active_requests=app.max_active_requests, use_icon_as_answer_icon=app.use_icon_as_answer_icon,
        created_by=app.created_by, created_at=app.created_at, updated_by=app.updated_by, updated_at=app.updated_at,
    )


# An app marked deleted is gone for every reader while the app_deletion queue removes its data.
LIVE_APP = apps.c.status != AppStatus.DELETING.value


class SqlaAppRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, app: App) -> None:
        await self._session.execute(apps.insert().values(id=app.id, **_app_values(app)))

    async def get(self, app_id: UUID) -> App | None:
        row = (await self._session.execute(select(apps).where(apps.c.id == app_id, LIVE_APP))).first()
        return app_from_row(row) if row else None

    async def update(self, app: App) -> None:
        # A concurrent edit never brings back an app deleted meanwhile.
        stmt = update(apps).where(apps.c.id == app.id, LIVE_APP).values(**_app_values(app))
        await self._session.execute(stmt)

    async def delete(self, app_id: UUID) -> None:
        await self._session.execute(delete(apps).where(apps.c.id == app_id))

    async def list(
        self, tenant_id: UUID, *, page: int, limit: int, mode: AppMode | None, name: str | None,
        ids: frozenset[UUID] | None = None,
    ) -> AppPage:
        where = [apps.c.tenant_id == tenant_id, LIVE_APP]
        if ids is not None:
            where.append(apps.c.id.in_(list(ids)))
        if mode is not None:
            where.append(apps.c.mode == mode.value)
        if name:
            escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(apps.c.name.ilike(f"%{escaped}%", escape="\\"))
        total = (await self._session.execute(select(func.count()).select_from(apps).where(*where))).scalar_one()
        stmt = (
            select(apps).where(*where).order_by(apps.c.created_at.desc(), apps.c.id.desc())
            .offset((page - 1) * limit).limit(limit)
        )
        rows = (await self._session.execute(stmt)).all()
        return AppPage(items=[app_from_row(r) for r in rows], total=total)


def tenant_from_row(row) -> Tenant:
    return Tenant(
        id=row.id, name=row.name, plan=row.plan, status=TenantStatus(row.status), created_at=row.created_at,
        updated_at=row.updated_at,
    )


def prefixed(row, prefix: str) -> SimpleNamespace:
    """The columns of one joined table, under their own names."""
    return SimpleNamespace(**{k[len(prefix):]: v for k, v in row._mapping.items() if k.startswith(prefix)})


def _token(row) -> ApiToken:
    return ApiToken(
        id=row.id, tenant_id=row.tenant_id, app_id=row.app_id, type=TokenType(row.type), token=row.token,
        created_at=row.created_at, last_used_at=row.last_used_at,
    )


class SqlaApiTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: ApiToken) -> None:
        await self._session.execute(
            api_tokens.insert().values(
                id=token.id, tenant_id=token.tenant_id, app_id=token.app_id, type=token.type.value,
                token=token.token, created_at=token.created_at, last_used_at=token.last_used_at,
            )
        )

    async def find(self, token: str, type: TokenType) -> ApiToken | None:
        stmt = select(api_tokens).where(api_tokens.c.token == token, api_tokens.c.type == type.value)
        row = (await self._session.execute(stmt)).first()
        return _token(row) if row else None

    async def find_with_owners(self, token: str, type: TokenType) -> KeyOwners | None:
        stmt = (
            select(
                api_tokens,
                *(c.label(f"a__{c.name}") for c in apps.c),
                *(c.label(f"t__{c.name}") for c in tenants.c),
            )
            .select_from(
                api_tokens.outerjoin(apps, and_(apps.c.id == api_tokens.c.app_id, LIVE_APP)).outerjoin(
                    tenants, tenants.c.id == api_tokens.c.tenant_id
                )
            )
            .where(api_tokens.c.token == token, api_tokens.c.type == type.value)
        )
        row = (await self._session.execute(stmt)).first()
        if row is None:
            return None
        app = prefixed(row, "a__")
        tenant = prefixed(row, "t__")
        return KeyOwners(
            key=_token(row),
            app=app_from_row(app) if app.id is not None else None,
            tenant=tenant_from_row(tenant) if tenant.id is not None else None,
        )

    async def list_for(self, tenant_id: UUID, type: TokenType, app_id: UUID | None) -> list[ApiToken]:
        owner = api_tokens.c.app_id == app_id if app_id else api_tokens.c.app_id.is_(None)
        stmt = (
            select(api_tokens)
            .where(api_tokens.c.tenant_id == tenant_id, api_tokens.c.type == type.value, owner)
            .order_by(api_tokens.c.created_at, api_tokens.c.id)
        )
        return [_token(r) for r in (await self._session.execute(stmt)).all()]

    async def delete(self, token_id: UUID) -> None:
        await self._session.execute(delete(api_tokens).where(api_tokens.c.id == token_id))

    async def touch(self, token: ApiToken) -> None:
        await self._session.execute(
            update(api_tokens).where(api_tokens.c.id == token.id).values(last_used_at=token.last_used_at)
        )


def _end_user_type(value: str) -> EndUserType:
    """The row's type; one weir does not write (a Dify web-app or explore user, a row of another tool) reads as a
    Service API user rather than failing the request that met it."""
    try:
        return EndUserType(value)
    except ValueError:
        return EndUserType.SERVICE_API


def end_user_from_row(row) -> EndUser:
    return EndUser(
        id=row.id, tenant_id=row.tenant_id, app_id=row.app_id, session_id=row.session_id,
        is_anonymous=row.is_anonymous, type=_end_user_type(row.type), name=row.name,
        created_at=row.created_at, updated_at=row.updated_at,
    )


class SqlaEndUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find_by_session(
        self, app_id: UUID, session_id: str, type: EndUserType = EndUserType.SERVICE_API
    ) -> EndUser | None:
        stmt = select(end_users).where(
            end_users.c.app_id == app_id,
            end_users.c.session_id == session_id,
            end_users.c.type == type.value,
        )
        row = (await self._session.execute(stmt)).first()
        return end_user_from_row(row) if row else None

    async def get(self, end_user_id: UUID) -> EndUser | None:
        row = (await self._session.execute(select(end_users).where(end_users.c.id == end_user_id))).first()
        return end_user_from_row(row) if row else None

    async def add_if_absent(self, end_user: EndUser) -> EndUser:
        stmt = (
            insert(end_users)
            .values(
                id=end_user.id, tenant_id=end_user.tenant_id, app_id=end_user.app_id, type=end_user.type.value,
                external_user_id=end_user.external_user_id, name=end_user.name, is_anonymous=end_user.is_anonymous,
                session_id=end_user.session_id, created_at=end_user.created_at, updated_at=end_user.updated_at,
            )
            .on_conflict_do_nothing(index_elements=["app_id", "session_id", "type"])
        )
        await self._session.execute(stmt)
        stored = await self.find_by_session(end_user.app_id, end_user.session_id, end_user.type)
        assert stored is not None, "the row exists: inserted now or by a concurrent request"
        return stored
