"""Removes a deleted app's rows batch by batch, children first (see domain.maintenance.app_purge)."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence import maintenance_indexes  # noqa: F401  (upload_files by created_by)
from adapters.persistence.schema import (
    api_tokens,
    app_model_configs,
    apps,
    conversations,
    end_users,
    message_feedbacks,
    messages,
    upload_files,
    workflow_app_logs,
    workflow_node_executions,
    workflow_runs,
    workflows,
)
from adapters.persistence.schema.knowledge import tag_bindings
from domain.apps.entities import AppStatus
from domain.maintenance.app_purge import AppRecords
from domain.shared.errors import StoreUnavailable

_DELETING = apps.c.status == AppStatus.DELETING.value


def _owned(records: AppRecords, app_id: UUID):
    """(table, condition) selecting the app's rows through an index that leads with the app."""
    tenant = select(apps.c.tenant_id).where(apps.c.id == app_id).scalar_subquery()
    match records:
        case AppRecords.NODE_EXECUTIONS | AppRecords.WORKFLOW_RUNS:
            table = workflow_node_executions if records is AppRecords.NODE_EXECUTIONS else workflow_runs
            return table, (table.c.tenant_id == tenant) & (table.c.app_id == app_id)
        case AppRecords.TAG_BINDINGS:
            return tag_bindings, tag_bindings.c.target_id == app_id
        case AppRecords.UPLOAD_FILES:
            own_users = select(end_users.c.id).where(end_users.c.app_id == app_id)
            by_own_users = (upload_files.c.created_by_role == "end_user") & upload_files.c.created_by.in_(own_users)
            return upload_files, (upload_files.c.tenant_id == tenant) & by_own_users
    table = {
        AppRecords.FEEDBACKS: message_feedbacks, AppRecords.MESSAGES: messages,
        AppRecords.CONVERSATIONS: conversations, AppRecords.APP_LOGS: workflow_app_logs,
        AppRecords.WORKFLOWS: workflows, AppRecords.MODEL_CONFIGS: app_model_configs,
        AppRecords.API_KEYS: api_tokens, AppRecords.END_USERS: end_users,
    }[records]
    return table, table.c.app_id == app_id


class SqlaAppPurgeStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _run(self, stmt):
        try:
            async with self._engine.begin() as conn:
                return await conn.execute(stmt)
        except DBAPIError as error:
            raise StoreUnavailable("The database is unavailable.") from error

    async def is_deleting(self, app_id: UUID) -> bool:
        return bool((await self._run(select(exists().where(apps.c.id == app_id, _DELETING)))).scalar())

    def _batch(self, records: AppRecords, app_id: UUID, limit: int):
        table, owned = _owned(records, app_id)
        return delete(table).where(table.c.id.in_(select(table.c.id).where(owned).limit(limit)))

    async def delete_batch(self, app_id: UUID, records: AppRecords, limit: int) -> int:
        assert records is not AppRecords.UPLOAD_FILES, "uploads go through remove_uploads (bytes too)"
        return (await self._run(self._batch(records, app_id, limit))).rowcount

    async def remove_uploads(self, app_id: UUID, limit: int) -> list[str]:
        stmt = self._batch(AppRecords.UPLOAD_FILES, app_id, limit).returning(upload_files.c.key)
        return list((await self._run(stmt)).scalars().all())

    async def touch(self, app_id: UUID, at: datetime) -> None:
        await self._run(update(apps).where(apps.c.id == app_id, _DELETING).values(updated_at=at))

    async def remove_app(self, app_id: UUID) -> None:
        await self._run(delete(apps).where(apps.c.id == app_id, _DELETING))

    async def stalled(self, idle_since: datetime, limit: int) -> list[UUID]:
        stmt = select(apps.c.id).where(_DELETING, apps.c.updated_at < idle_since).order_by(apps.c.updated_at)
        return list((await self._run(stmt.limit(limit))).scalars().all())
