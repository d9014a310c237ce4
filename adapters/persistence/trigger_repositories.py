"""Workflow triggers in PostgreSQL (the TriggerRepository port): webhook URLs and app triggers."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema import app_triggers, apps, workflow_webhook_triggers
from domain.apps.entities import AppStatus
from domain.workflows.triggers import SCHEDULE, AppTrigger, TriggerStatus, WebhookEndpoint

_LIVE_APP = select(apps.c.id).where(apps.c.id == app_triggers.c.app_id, apps.c.status != AppStatus.DELETING.value)


def _endpoint(row) -> WebhookEndpoint:
    return WebhookEndpoint(row.id, row.tenant_id, row.app_id, row.node_id, row.webhook_id, row.created_at)


def _trigger(row) -> AppTrigger:
    return AppTrigger(
        id=row.id, tenant_id=row.tenant_id, app_id=row.app_id, node_id=row.node_id, trigger_type=row.trigger_type,
        title=row.title, provider_name=row.provider_name, status=TriggerStatus(row.status),
        created_at=row.created_at, updated_at=row.updated_at, cron_expression=row.cron_expression,
        timezone=row.timezone, next_run_at=row.next_run_at,
    )


def _values(t: AppTrigger) -> dict:
    return dict(
        id=t.id, tenant_id=t.tenant_id, app_id=t.app_id, node_id=t.node_id, trigger_type=t.trigger_type,
        title=t.title, provider_name=t.provider_name, status=t.status.value, cron_expression=t.cron_expression,
        timezone=t.timezone, next_run_at=t.next_run_at, created_at=t.created_at, updated_at=t.updated_at,
    )


class SqlaTriggerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def webhooks(self, app_id: UUID) -> list[WebhookEndpoint]:
        stmt = select(workflow_webhook_triggers).where(workflow_webhook_triggers.c.app_id == app_id)
        return [_endpoint(r) for r in (await self._session.execute(stmt)).all()]

    async def add_webhook(self, endpoint: WebhookEndpoint) -> None:
        # Two saves of one draft at once: the second finds the node's URL taken and keeps the first one's.
        stmt = insert(workflow_webhook_triggers).values(
            id=endpoint.id, tenant_id=endpoint.tenant_id, app_id=endpoint.app_id, node_id=endpoint.node_id,
            webhook_id=endpoint.webhook_id, created_at=endpoint.created_at,
        )
        await self._session.execute(stmt.on_conflict_do_nothing(index_elements=["app_id", "node_id"]))

    async def delete_webhooks(self, app_id: UUID, node_ids: list[str]) -> None:
        if node_ids:
            table = workflow_webhook_triggers
            await self._session.execute(delete(table).where(table.c.app_id == app_id, table.c.node_id.in_(node_ids)))

    async def webhook(self, webhook_id: str) -> WebhookEndpoint | None:
        stmt = select(workflow_webhook_triggers).where(workflow_webhook_triggers.c.webhook_id == webhook_id)
        row = (await self._session.execute(stmt)).first()
        return _endpoint(row) if row else None

    async def app_triggers(self, app_id: UUID) -> list[AppTrigger]:
        stmt = (
            select(app_triggers).where(app_triggers.c.app_id == app_id)
            .order_by(app_triggers.c.created_at.desc(), app_triggers.c.id.desc())
        )
        return [_trigger(r) for r in (await self._session.execute(stmt)).all()]

    async def replace_app_triggers(self, app_id: UUID, triggers: list[AppTrigger]) -> None:
        kept = [t.node_id for t in triggers]
        await self._session.execute(
            delete(app_triggers).where(app_triggers.c.app_id == app_id, app_triggers.c.node_id.not_in(kept))
        )
        for trigger in triggers:
            values = _values(trigger)
            stmt = insert(app_triggers).values(values)
            changing = {k: v for k, v in values.items() if k not in ("id", "app_id", "node_id", "created_at")}
            await self._session.execute(stmt.on_conflict_do_update(index_elements=["app_id", "node_id"], set_=changing))

    async def update_app_trigger(self, trigger: AppTrigger) -> None:
        await self._session.execute(
            update(app_triggers).where(app_triggers.c.id == trigger.id).values(
                status=trigger.status.value, title=trigger.title, next_run_at=trigger.next_run_at,
                updated_at=trigger.updated_at,
            )
        )

    async def due_schedules(self, now: datetime, limit: int) -> list[AppTrigger]:
        stmt = (
            select(app_triggers)
            .where(
                app_triggers.c.trigger_type == SCHEDULE,
                app_triggers.c.status == TriggerStatus.ENABLED.value,
                app_triggers.c.next_run_at <= now,
                _LIVE_APP.exists(),
            )
            .order_by(app_triggers.c.next_run_at)
            .limit(limit)
        )
        return [_trigger(r) for r in (await self._session.execute(stmt)).all()]

    async def advance_schedule(self, trigger_id: UUID, expected: datetime, next_run_at: datetime) -> bool:
        stmt = (
            update(app_triggers)
            .where(app_triggers.c.id == trigger_id, app_triggers.c.next_run_at == expected)
            .values(next_run_at=next_run_at)
        )
        return (await self._session.execute(stmt)).rowcount == 1
