"""Retention, the stale-run reaper and the orphan-upload sweep on PostgreSQL.

Each call is one short transaction over at most `limit` rows picked through an index range, oldest
first, `FOR UPDATE SKIP LOCKED`: rows a request holds are left for the next batch, so neither side
waits on the other, and no statement touches more than one batch.
"""

from datetime import datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence import maintenance_indexes  # noqa: F401  (the indexes these queries walk)
from adapters.persistence.schema import (
    human_input_forms,
    messages,
    upload_files,
    workflow_app_logs,
    workflow_node_executions,
    workflow_runs,
)
from adapters.persistence.schema.knowledge import embeddings
from domain.maintenance.policies import ExpiringRecords
from domain.shared.errors import StoreUnavailable

_TABLES = {
    ExpiringRecords.MESSAGES: messages,  # message_feedbacks go with them (ON DELETE CASCADE)
    ExpiringRecords.WORKFLOW_RUNS: workflow_runs,
    ExpiringRecords.WORKFLOW_NODE_EXECUTIONS: workflow_node_executions,
    ExpiringRecords.WORKFLOW_APP_LOGS: workflow_app_logs,
    ExpiringRecords.EMBEDDINGS_CACHE: embeddings,
}
# Never wait long for a row lock: a batch that cannot get one gives way and the next run retries.
LOCK_TIMEOUT = "SET LOCAL lock_timeout = '1s'"


class _Batches:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _run(self, stmt):
        try:
            async with self._engine.begin() as conn:
                await conn.exec_driver_sql(LOCK_TIMEOUT)
                return await conn.execute(stmt)
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available
                return None
            raise StoreUnavailable("The database is unavailable.") from error


class SqlaExpiredRecordStore(_Batches):
    async def delete_expired(self, kind: ExpiringRecords, before: datetime, limit: int) -> int:
        table = _TABLES[kind]
        batch = (
            select(table.c.id).where(table.c.created_at < before).order_by(table.c.created_at).limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._run(delete(table).where(table.c.id.in_(batch)))
        return result.rowcount if result is not None else 0


async def fail_run_batch(engine: AsyncEngine, *where, reason: str, at: datetime, limit: int) -> int:
    """Fails up to `limit` running runs matching `where` (oldest first, SKIP LOCKED) and their running nodes,
    in one short transaction; a lock held past LOCK_TIMEOUT leaves the batch for the next call (0)."""
    runs, nodes = workflow_runs, workflow_node_executions
    running = runs.c.status == "running"
    batch = (
        select(runs.c.id).where(running, *where)
        .order_by(runs.c.created_at).limit(limit).with_for_update(skip_locked=True)
    )
    elapsed = func.greatest(func.extract("epoch", at - runs.c.created_at), 0)
    failed = (
        update(runs).where(runs.c.id.in_(batch), running)
        .values(status="failed", error=reason, finished_at=at, elapsed_time=elapsed)
        .returning(runs.c.id)
    )
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql(LOCK_TIMEOUT)
            ids = (await conn.execute(failed)).scalars().all()
            if ids:
                await conn.execute(
                    update(nodes).where(nodes.c.workflow_run_id.in_(ids), nodes.c.status == "running")
                    .values(status="failed", error=reason, finished_at=at)
                )
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == "55P03":
            return 0
        raise StoreUnavailable("The database is unavailable.") from error
    return len(ids)


class SqlaStaleRunStore(_Batches):
    async def fail_running(self, started_before: datetime, reason: str, at: datetime, limit: int) -> int:
        # A run resumed after a pause (human input) started its current attempt when its form was answered.
        forms = human_input_forms
        resumed_since = exists().where(
            forms.c.workflow_run_id == workflow_runs.c.id, forms.c.resolved_at >= started_before
        )
        return await fail_run_batch(
            self._engine, workflow_runs.c.created_at < started_before, ~resumed_since, reason=reason, at=at,
            limit=limit,
        )


class SqlaOrphanUploadStore(_Batches):
    async def remove_unused(self, created_before: datetime, limit: int) -> list[str]:
        batch = (
            select(upload_files.c.id).where(~upload_files.c.used, upload_files.c.created_at < created_before)
            .order_by(upload_files.c.created_at).limit(limit).with_for_update(skip_locked=True)
        )
        stmt = delete(upload_files).where(upload_files.c.id.in_(batch), ~upload_files.c.used)
        result = await self._run(stmt.returning(upload_files.c.key))
        return list(result.scalars().all()) if result is not None else []
