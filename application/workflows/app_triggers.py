"""A workflow app's triggers (Dify 1.10+): the webhook URLs of its draft, the triggers of its published workflow,
and the console's views of them.

Rules: a webhook node gets its URL id when the draft holding it is saved (the editor shows the URL before
publishing; a node keeps its id for as long as it is in the draft, and loses it with the node); publishing makes
the published graph's trigger nodes the app's triggers (a kept node keeps its status; a new one is enabled; a
schedule's next run is computed from its cron in its timezone, and a schedule that cannot be read refuses the
publish); only the app's own workspace sees or changes them.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import App, AppMode
from domain.apps.ports import SecretTokenGenerator
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.workflows.entities import Workflow
from domain.workflows.triggers import (
    SCHEDULE,
    WEBHOOK,
    AppTrigger,
    CronCalendar,
    TriggerNode,
    TriggerStatus,
    WebhookEndpoint,
    schedule_cron,
    trigger_nodes,
)


class DraftWebhooks:
    """Gives each webhook node of a saved draft its URL id and drops the ids of nodes no longer there; called in
    the unit of work that saves the draft (draft sync, DSL import, restoring a version, copying an app)."""

    def __init__(self, ids: IdGenerator, secrets: SecretTokenGenerator, clock: Clock) -> None:
        self._ids = ids
        self._secrets = secrets
        self._clock = clock

    async def sync(self, uow: UnitOfWork, app: App, graph: dict[str, Any]) -> None:
        if app.mode != AppMode.WORKFLOW:  # Dify: only workflow apps have triggers
            return
        wanted = {t.node_id for t in trigger_nodes(graph) if t.type == WEBHOOK}
        existing = {e.node_id for e in await uow.triggers.webhooks(app.id)}
        await uow.triggers.delete_webhooks(app.id, sorted(existing - wanted))
        for node_id in sorted(wanted - existing):
            endpoint = WebhookEndpoint(
                self._ids.new_id(), app.tenant_id, app.id, node_id, self._secrets.new_secret(), self._clock.now()
            )
            await uow.triggers.add_webhook(endpoint)


class PublishedTriggers:
    """Makes a newly published version's trigger nodes the app's triggers (in the publishing unit of work)."""

    def __init__(self, ids: IdGenerator, calendar: CronCalendar, clock: Clock) -> None:
        self._ids = ids
        self._calendar = calendar
        self._clock = clock

    async def sync(self, uow: UnitOfWork, app: App, workflow: Workflow) -> None:
        if app.mode != AppMode.WORKFLOW:
            return
        now = self._clock.now()
        existing = {t.node_id: t for t in await uow.triggers.app_triggers(app.id)}
        triggers = []
        for node in trigger_nodes(workflow.graph):
            kept = existing.get(node.node_id)
            trigger = replace(kept, title=node.title, trigger_type=node.type, provider_name=node.provider_name,
                              updated_at=now) if kept else AppTrigger(
                self._ids.new_id(), app.tenant_id, app.id, node.node_id, node.type, node.title, node.provider_name,
                TriggerStatus.ENABLED, now, now,
            )
            if node.type == SCHEDULE:
                trigger.cron_expression, trigger.timezone, trigger.next_run_at = self._plan(node, now)
            triggers.append(trigger)
        await uow.triggers.replace_app_triggers(app.id, triggers)

    def check(self, graph: dict[str, Any]) -> None:
        """Refuses (InvalidParam) a graph whose schedules cannot be read, before anything is stored."""
        now = self._clock.now()
        for node in trigger_nodes(graph):
            if node.type == SCHEDULE:
                self._plan(node, now)

    def _plan(self, node: TriggerNode, after: datetime) -> tuple[str, str, datetime]:
        """(cron, timezone, next run) of a schedule node; InvalidParam when it cannot be read."""
        cron, zone = schedule_cron(node.data)
        return cron, zone, self._next(cron, zone, node.title, after)

    def next_run(self, trigger: AppTrigger, after: datetime) -> datetime:
        return self._next(trigger.cron_expression or "", trigger.timezone or "UTC", trigger.title, after)

    def _next(self, cron: str, zone: str, title: str, after: datetime) -> datetime:
        try:
            return self._calendar.next_after(cron, zone, after)
        except ValueError as error:
            raise InvalidParam(f"Invalid schedule of {title}: {error}", param="graph") from error


def _workflow_app(app: App) -> App:
    if app.mode != AppMode.WORKFLOW:
        raise InvalidParam("Only workflow apps have triggers.")
    return app


class ListAppTriggers:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID) -> list[AppTrigger]:
        async with self._uow() as uow:
            app = _workflow_app(await app_in_tenant(uow, tenant_id, app_id))
            return await uow.triggers.app_triggers(app.id)


class EnableAppTrigger:
    """Turns a trigger on or off (a disabled webhook answers 404 as Dify's does; a disabled schedule does not
    fire, and when enabled again fires next at its next time from now, not at the times it missed)."""

    def __init__(self, uow: UnitOfWorkFactory, published: PublishedTriggers, clock: Clock) -> None:
        self._uow = uow
        self._published = published
        self._clock = clock

    async def execute(self, tenant_id: UUID, app_id: UUID, trigger_id: UUID, enable: bool) -> AppTrigger:
        async with self._uow() as uow:
            app = _workflow_app(await app_in_tenant(uow, tenant_id, app_id))
            trigger = next((t for t in await uow.triggers.app_triggers(app.id) if t.id == trigger_id), None)
            if trigger is None:
                raise NotFound("Trigger not found")
            now = self._clock.now()
            trigger.status = TriggerStatus.ENABLED if enable else TriggerStatus.DISABLED
            trigger.updated_at = now
            if enable and trigger.trigger_type == SCHEDULE:
                trigger.next_run_at = self._published.next_run(trigger, now)
            await uow.triggers.update_app_trigger(trigger)
            await uow.commit()
        return trigger


class GetWebhookTrigger:
    """The URL id of a webhook node of the app's draft (the editor's webhook panel)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID, node_id: str) -> WebhookEndpoint:
        async with self._uow() as uow:
            app = _workflow_app(await app_in_tenant(uow, tenant_id, app_id))
            found = next((e for e in await uow.triggers.webhooks(app.id) if e.node_id == node_id), None)
        if found is None:
            raise NotFound("Webhook trigger not found for this node")
        return found
