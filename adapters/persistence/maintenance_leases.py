"""Process leases and the orphan reaper on PostgreSQL (domain/maintenance/leases.py).

Lease times are the database's clock (`now()`), so processes whose clocks differ agree on what expired. The
reaper's batches walk the partial indexes over generating messages and running runs (only unfinished
rows, a few at any time), `FOR UPDATE SKIP LOCKED`: a row a live generation is writing is left for the
next batch, and two reapers never wait on each other.
"""

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence import maintenance_indexes  # noqa: F401  (the partial indexes the reaper walks)
from adapters.persistence.maintenance_retention import LOCK_TIMEOUT, fail_run_batch
from adapters.persistence.schema import messages, process_leases, workflow_runs
from domain.conversations.entities import MessageStatus
from domain.maintenance.leases import ProcessIdentity
from domain.shared.errors import StoreUnavailable

# An expired lease is kept this long (who held it, for whoever investigates), then deleted.
EXPIRED_LEASES_KEPT = timedelta(hours=1)


def _no_live_lease(owner_column):
    live = process_leases
    return ~exists().where(live.c.owner == owner_column, live.c.expires_at > func.now())


class _Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _run(self, stmt, lock_timeout: bool = False):
        try:
            async with self._engine.begin() as conn:
                if lock_timeout:
                    await conn.exec_driver_sql(LOCK_TIMEOUT)
                return await conn.execute(stmt)
        except DBAPIError as error:
            if lock_timeout and getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available
                return None
            raise StoreUnavailable("The database is unavailable.") from error


class SqlaProcessLeaseStore(_Store):
    async def renew(self, owner: UUID, identity: ProcessIdentity, seconds: float) -> None:
        until = func.now() + timedelta(seconds=seconds)
        stmt = insert(process_leases).values(
            owner=owner, host=identity.host[:255], pid=identity.pid, namespace=identity.namespace, expires_at=until
        )
        await self._run(stmt.on_conflict_do_update(index_elements=["owner"], set_={"expires_at": until}))

    async def release(self, owner: UUID) -> None:
        await self._run(delete(process_leases).where(process_leases.c.owner == owner))

    async def leases_in(self, namespace: str) -> list[tuple[UUID, int]]:
        leases = process_leases
        stmt = select(leases.c.owner, leases.c.pid).where(
            leases.c.namespace == namespace, leases.c.expires_at > func.now()
        )
        return [(owner, pid) for owner, pid in (await self._run(stmt)).all()]


class SqlaOrphanStore(_Store):
    async def fail_orphaned_messages(self, reason: str, limit: int) -> int:
        m = messages
        generating = m.c.status == MessageStatus.GENERATING.value
        batch = (
            select(m.c.id).where(generating, _no_live_lease(m.c.lease_owner))
            .order_by(m.c.created_at).limit(limit).with_for_update(skip_locked=True)
        )
        stmt = update(m).where(m.c.id.in_(batch), generating).values(status=MessageStatus.ERROR.value, error=reason)
        result = await self._run(stmt, lock_timeout=True)
        return result.rowcount if result is not None else 0

    async def fail_orphaned_runs(self, reason: str, at: datetime, limit: int) -> int:
        runs = workflow_runs
        return await fail_run_batch(
            self._engine, runs.c.lease_owner.is_not(None), _no_live_lease(runs.c.lease_owner),
            reason=reason, at=at, limit=limit,
        )

    async def forget_expired_leases(self) -> int:
        stmt = delete(process_leases).where(process_leases.c.expires_at < func.now() - EXPIRED_LEASES_KEPT)
        return (await self._run(stmt)).rowcount
