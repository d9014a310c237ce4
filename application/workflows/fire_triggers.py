"""Triggered runs: a webhook called, a schedule due (Dify 1.10+'s trigger apps).

Rules: a triggered run runs the app's published workflow from the trigger node that fired, as the app's
trigger end user, and goes to the `workflow` queue like an async Service API run (the webhook's caller is
answered once the run is stored and queued, never made to wait for it; a run the queue refuses ends
`failed`, and the caller gets the refusal). A webhook answers 404 when its id is unknown, its app deleted,
its trigger disabled or its node not in the published workflow; a call that does not match the node's
settings is refused (400) and starts nothing. A due schedule starts exactly one run per firing however many
processes poll (its next time is moved first, conditionally: the process that moved it starts the run); a
schedule that missed firings while weir was down fires once, then goes on from now.
"""

import logging
from dataclasses import dataclass
from typing import Any

from application.workflows.run_workflow import RunWorkflowRequest
from application.workflows.start_async_run import StartAsyncWorkflowRun
from application.workflows.webhook_files import WebhookFiles
from domain.apps.entities import App, AppStatus, EndUser, EndUserType
from domain.shared.clock import Clock
from domain.shared.errors import NotFound
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.workflows.triggers import (
    SCHEDULE,
    TRIGGERED_FROM,
    WEBHOOK,
    AppTrigger,
    CronCalendar,
    TriggerStatus,
    WebhookCall,
    WebhookEndpoint,
    webhook_answer,
    webhook_data,
    webhook_inputs,
)

log = logging.getLogger("weir.workflow")
TRIGGER_END_USER = "trigger"  # the session id of an app's trigger end user
DUE_BATCH = 100


class WebhookNotFound(NotFound):
    def __init__(self, webhook_id: str, why: str) -> None:
        super().__init__(f"Webhook {why}: {webhook_id}")


async def live_webhook(uow: UnitOfWork, webhook_id: str) -> tuple[WebhookEndpoint, App]:
    """The webhook with this URL id and its app, when both are there (WebhookNotFound otherwise)."""
    endpoint = await uow.triggers.webhook(webhook_id)
    app = await uow.apps.get(endpoint.app_id) if endpoint else None
    if endpoint is None or app is None or app.status == AppStatus.DELETING:
        raise WebhookNotFound(webhook_id, "not found")
    return endpoint, app


@dataclass(frozen=True, slots=True)
class WebhookAnswer:
    body: dict[str, Any]
    status: int
    workflow_run_id: Any = None


class TriggerEndUsers:
    """An app's trigger end user, created the first time one of its triggers fires."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    async def of(self, app: App) -> EndUser:
        async with self._uow() as uow:
            found = await uow.end_users.find_by_session(app.id, TRIGGER_END_USER, EndUserType.TRIGGER)
            if found is not None:
                return found
            now = self._clock.now()
            candidate = EndUser(
                self._ids.new_id(), app.tenant_id, app.id, TRIGGER_END_USER, True, now, now, EndUserType.TRIGGER
            )
            stored = await uow.end_users.add_if_absent(candidate)
            await uow.commit()
            return stored


class HandleWebhook:
    def __init__(
        self, uow: UnitOfWorkFactory, start: StartAsyncWorkflowRun, end_users: TriggerEndUsers,
        files: WebhookFiles | None = None,
    ) -> None:
        self._uow = uow
        self._start = start
        self._end_users = end_users
        self._files = files

    async def execute(self, webhook_id: str, call: WebhookCall) -> WebhookAnswer:
        async with self._uow() as uow:
            endpoint, app = await live_webhook(uow, webhook_id)
            trigger = next((t for t in await uow.triggers.app_triggers(app.id) if t.node_id == endpoint.node_id), None)
            workflow = await uow.workflows.published(app.id)
        if trigger is None or workflow is None or trigger.trigger_type != WEBHOOK:
            raise WebhookNotFound(webhook_id, "is not in the app's published workflow")
        if trigger.status != TriggerStatus.ENABLED:
            raise WebhookNotFound(webhook_id, "trigger is disabled")
        node = workflow.node_data(endpoint.node_id)
        data = webhook_data(node, call)  # WebhookRefused (400) before anything is stored
        if call.files and self._files is not None:
            data["files"] = await self._files.stored(app, call.files)
        request = RunWorkflowRequest(
            app, await self._end_users.of(app), webhook_inputs(data), workflow_id=workflow.id,
            triggered_from=TRIGGERED_FROM[WEBHOOK], root_node_id=endpoint.node_id,
        )
        handle = await self._start.execute(request)
        body, status = webhook_answer(node)
        return WebhookAnswer(body, status, handle.run.id)


class FireDueSchedules:
    """Starts a run for every enabled schedule whose time has come; returns how many it started."""

    def __init__(
        self, uow: UnitOfWorkFactory, start: StartAsyncWorkflowRun, end_users: TriggerEndUsers,
        calendar: CronCalendar, clock: Clock,
    ) -> None:
        self._uow = uow
        self._start = start
        self._end_users = end_users
        self._calendar = calendar
        self._clock = clock

    async def execute(self) -> int:
        started = 0
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.triggers.due_schedules(now, DUE_BATCH)
        for trigger in due:
            try:
                if await self._claim(trigger, now):
                    await self._fire(trigger)
                    started += 1
            except Exception:  # one broken schedule (an app changed meanwhile) never stops the others
                log.warning("schedule %s of app %s did not start a run", trigger.node_id, trigger.app_id, exc_info=True)
        return started

    async def _claim(self, trigger: AppTrigger, now) -> bool:
        assert trigger.next_run_at is not None
        try:
            following = self._calendar.next_after(trigger.cron_expression or "", trigger.timezone or "UTC", now)
        except ValueError:
            following = None  # a schedule that can no longer be read fires no more
        async with self._uow() as uow:
            if following is None:
                trigger.status, trigger.next_run_at, trigger.updated_at = TriggerStatus.DISABLED, None, now
                await uow.triggers.update_app_trigger(trigger)
                await uow.commit()
                return False
            won = await uow.triggers.advance_schedule(trigger.id, trigger.next_run_at, following)
            await uow.commit()
        return won

    async def _fire(self, trigger: AppTrigger) -> None:
        async with self._uow() as uow:
            app = await uow.apps.get(trigger.app_id)
            workflow = await uow.workflows.published(trigger.app_id)
        if app is None or workflow is None:
            return
        request = RunWorkflowRequest(
            app, await self._end_users.of(app), {}, workflow_id=workflow.id,
            triggered_from=TRIGGERED_FROM[SCHEDULE], root_node_id=trigger.node_id,
        )
        await self._start.execute(request)
