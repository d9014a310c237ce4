from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema import accounts, dify_setups, tenant_account_joins, tenants
from adapters.persistence.schema.tenancy import account_refresh_tokens
from domain.tenancy.entities import Account, AccountStatus, Membership, Role, SetupRecord, Tenant, TenantStatus
from domain.tenancy.errors import AlreadySetUp


class SqlaSetupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self) -> SetupRecord | None:
        row = (await self._session.execute(select(dify_setups).limit(1))).first()
        return SetupRecord(version=row.version, setup_at=row.setup_at) if row else None

    async def add(self, record: SetupRecord) -> None:
        # The lock serializes concurrent setups: the second one waits, then sees the first one's row.
        await self._session.execute(text("LOCK TABLE dify_setups IN EXCLUSIVE MODE"))
        if await self.get() is not None:
            raise AlreadySetUp()
        await self._session.execute(insert(dify_setups).values(version=record.version, setup_at=record.setup_at))


class SqlaTenantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, tenant: Tenant) -> None:
        await self._session.execute(
            tenants.insert().values(
                id=tenant.id, name=tenant.name, plan=tenant.plan, status=tenant.status.value,
                created_at=tenant.created_at, updated_at=tenant.updated_at,
            )
        )

    async def get(self, tenant_id: UUID) -> Tenant | None:
        row = (await self._session.execute(select(tenants).where(tenants.c.id == tenant_id))).first()
        if row is None:
            return None
        return Tenant(
            id=row.id, name=row.name, plan=row.plan, status=TenantStatus(row.status),
            created_at=row.created_at, updated_at=row.updated_at,
        )

    async def rename(self, tenant_id: UUID, name: str, at: datetime) -> None:
        await self._session.execute(update(tenants).where(tenants.c.id == tenant_id).values(name=name, updated_at=at))


def _account(row) -> Account:
    return Account(
        id=row.id, name=row.name, email=row.email, password_hash=row.password or "",
        password_salt=row.password_salt or "", status=AccountStatus(row.status),
        interface_language=row.interface_language or "en-US", timezone=row.timezone or "UTC",
        initialized_at=row.initialized_at, last_login_at=row.last_login_at, last_login_ip=row.last_login_ip,
        created_at=row.created_at, updated_at=row.updated_at,
    )


def _account_values(account: Account) -> dict:
    return dict(
        name=account.name, email=account.email, password=account.password_hash,
        password_salt=account.password_salt, status=account.status.value,
        interface_language=account.interface_language, timezone=account.timezone,
        initialized_at=account.initialized_at, last_login_at=account.last_login_at,
        last_login_ip=account.last_login_ip, created_at=account.created_at, updated_at=account.updated_at,
    )


class SqlaAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, account: Account) -> None:
        await self._session.execute(accounts.insert().values(id=account.id, **_account_values(account)))

    async def get(self, account_id: UUID) -> Account | None:
        row = (await self._session.execute(select(accounts).where(accounts.c.id == account_id))).first()
        return _account(row) if row else None

    async def get_by_email(self, email: str) -> Account | None:
        row = (await self._session.execute(select(accounts).where(accounts.c.email == email))).first()
        return _account(row) if row else None

    async def first(self) -> Account | None:
        stmt = select(accounts).order_by(accounts.c.created_at, accounts.c.id).limit(1)
        row = (await self._session.execute(stmt)).first()
        return _account(row) if row else None

    async def update(self, account: Account) -> None:
        await self._session.execute(
            update(accounts).where(accounts.c.id == account.id).values(**_account_values(account))
        )

    async def add_membership(self, membership: Membership) -> None:
        await self._session.execute(
            tenant_account_joins.insert().values(
                id=membership.id, tenant_id=membership.tenant_id, account_id=membership.account_id,
                role=membership.role.value, current=membership.current,
                created_at=membership.created_at, updated_at=membership.created_at,
            )
        )

    async def current_membership(self, account_id: UUID) -> Membership | None:
        j = tenant_account_joins
        stmt = select(j).where(j.c.account_id == account_id).order_by(j.c.current.desc(), j.c.created_at).limit(1)
        row = (await self._session.execute(stmt)).first()
        if row is None:
            return None
        return Membership(
            id=row.id, tenant_id=row.tenant_id, account_id=row.account_id, role=Role(row.role),
            created_at=row.created_at, current=row.current,
        )

    async def members(self, tenant_id: UUID) -> list[tuple[Account, Membership]]:
        j = tenant_account_joins
        stmt = (
            select(accounts, j.c.id.label("join_id"), j.c.role, j.c.current, j.c.created_at.label("joined_at"))
            .join(j, j.c.account_id == accounts.c.id)
            .where(j.c.tenant_id == tenant_id)
            .order_by((j.c.role != "owner"), j.c.created_at)
        )
        return [
            (_account(row), Membership(id=row.join_id, tenant_id=tenant_id, account_id=row.id, role=Role(row.role),
                                       created_at=row.joined_at, current=row.current))
            for row in (await self._session.execute(stmt)).all()
        ]

    async def set_role(self, tenant_id: UUID, account_id: UUID, role: Role) -> bool:
        j = tenant_account_joins
        result = await self._session.execute(
            update(j).where(j.c.tenant_id == tenant_id, j.c.account_id == account_id).values(role=role.value)
        )
        return result.rowcount > 0

    async def remove_membership(self, tenant_id: UUID, account_id: UUID) -> bool:
        j = tenant_account_joins
        result = await self._session.execute(delete(j).where(j.c.tenant_id == tenant_id, j.c.account_id == account_id))
        return result.rowcount > 0

    async def seats_of(self, account_id: UUID) -> list[Membership]:
        j = tenant_account_joins
        stmt = select(j).where(j.c.account_id == account_id).order_by(j.c.created_at)
        rows = (await self._session.execute(stmt)).all()
        return [
            Membership(id=r.id, tenant_id=r.tenant_id, account_id=r.account_id, role=Role(r.role),
                       created_at=r.created_at, current=r.current)
            for r in rows
        ]

    async def make_current(self, account_id: UUID, tenant_id: UUID) -> bool:
        j = tenant_account_joins
        mine = j.c.account_id == account_id
        if not (await self._session.execute(select(j.c.id).where(mine, j.c.tenant_id == tenant_id))).first():
            return False
        await self._session.execute(update(j).where(mine).values(current=j.c.tenant_id == tenant_id))
        return True

    async def add_refresh_token(self, digest: str, account_id: UUID, expires_at: datetime, now: datetime) -> None:
        t = account_refresh_tokens
        await self._session.execute(delete(t).where(t.c.account_id == account_id, t.c.expires_at <= now))
        await self._session.execute(
            t.insert().values(token_digest=digest, account_id=account_id, created_at=now, expires_at=expires_at)
        )

    async def take_refresh_token(self, digest: str, now: datetime) -> UUID | None:
        # One DELETE … RETURNING: a concurrent take of the same token waits for this row's lock, then finds
        # it gone.
        t = account_refresh_tokens
        stmt = delete(t).where(t.c.token_digest == digest).returning(t.c.account_id, t.c.expires_at)
        row = (await self._session.execute(stmt)).first()
        return row.account_id if row is not None and row.expires_at > now else None
