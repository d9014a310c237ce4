"""The editor's test runs of a trigger app (Dify's draft trigger/run, run-all and webhook-debug).

Rules: a test run starts from a trigger of the draft: a schedule at once (weir does not make the editor wait
for the schedule's next time, as Dify does), a webhook once its debug URL is called while the editor listens
(the call is checked against the draft's node and kept a few minutes for the listener; called with nobody
listening it is refused with 409, Dify's answer, and kept nowhere), a plugin trigger never (weir runs no
plugin daemon: the editor is told so). Until a call arrives the editor is told to poll again.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.apps.find_app import app_in_tenant
from application.workflows.fire_triggers import WebhookAnswer, WebhookNotFound, live_webhook
from application.workflows.webhook_files import WebhookFiles
from domain.apps.entities import AppMode
from domain.shared.errors import DomainError, InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.ports import WebhookDebugInbox
from domain.workflows.triggers import (
    PLUGIN,
    SCHEDULE,
    TRIGGER_TYPES,
    WEBHOOK,
    WebhookCall,
    webhook_answer,
    webhook_data,
    webhook_inputs,
)

LISTEN_SECONDS = 10.0  # the editor polls every RETRY_IN_MS: a listener that stopped polling is gone soon after
CALL_KEPT_SECONDS = 300.0
RETRY_IN_MS = 2000
NO_PLUGIN_TRIGGERS = (
    "Plugin triggers need Dify's plugin daemon, which weir does not run; test the workflow from a webhook or a"
    " schedule trigger instead."
)


class NoDebugListener(DomainError):
    default_message = (
        "The webhook debug URL only works while the Variable Inspector is listening. "
        "Use the published webhook URL to execute the workflow."
    )


@dataclass(frozen=True, slots=True)
class DebugStart:
    """Where a test run starts: the trigger node, and the inputs its run starts with."""

    node_id: str
    node_type: str
    inputs: dict[str, Any]


class CatchDebugWebhook:
    def __init__(self, uow: UnitOfWorkFactory, inbox: WebhookDebugInbox, files: WebhookFiles | None = None) -> None:
        self._uow = uow
        self._inbox = inbox
        self._files = files

    async def execute(self, webhook_id: str, call: WebhookCall) -> WebhookAnswer:
        async with self._uow() as uow:
            endpoint, app = await live_webhook(uow, webhook_id)
            draft = await uow.workflows.draft(app.id)
        if draft is None:
            raise WebhookNotFound(webhook_id, "not found")
        node = draft.node_data(endpoint.node_id)
        if node.get("type") != WEBHOOK:
            raise WebhookNotFound(webhook_id, "is not in the app's draft")
        data = webhook_data(node, call)
        if not await self._inbox.listening(app.id, endpoint.node_id):
            raise NoDebugListener()
        if call.files and self._files is not None:
            data["files"] = await self._files.stored(app, call.files)
        await self._inbox.deliver(app.id, endpoint.node_id, webhook_inputs(data), CALL_KEPT_SECONDS)
        body, status = webhook_answer(node)
        return WebhookAnswer(body, status)


class NextDebugTrigger:
    """The trigger a test run of the draft starts from now, among `node_ids`; None: poll again later."""

    def __init__(self, uow: UnitOfWorkFactory, inbox: WebhookDebugInbox) -> None:
        self._uow = uow
        self._inbox = inbox

    async def execute(self, tenant_id: UUID, app_id: UUID, node_ids: list[str]) -> DebugStart | None:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            draft = await uow.workflows.draft(app.id)
        if app.mode != AppMode.WORKFLOW:
            raise InvalidParam("Only workflow apps have triggers.")
        if draft is None:
            raise NotFound("Workflow not found")
        if not node_ids:
            raise InvalidParam("node_ids must name the draft's trigger nodes", param="node_ids")
        types = {node_id: draft.node_data(node_id).get("type") for node_id in node_ids}
        for node_id, kind in types.items():
            if kind not in TRIGGER_TYPES:
                raise InvalidParam(f"{node_id} is not a trigger node of the draft", param="node_id")
        for node_id, kind in types.items():
            if kind == SCHEDULE:
                return DebugStart(node_id, kind, {})
            if kind == WEBHOOK and (inputs := await self._inbox.take(app.id, node_id)) is not None:
                return DebugStart(node_id, kind, inputs)
        webhooks = [node_id for node_id, kind in types.items() if kind == WEBHOOK]
        if not webhooks and PLUGIN in types.values():
            raise InvalidParam(NO_PLUGIN_TRIGGERS, param="node_id")
        for node_id in webhooks:
            await self._inbox.listen(app.id, node_id, LISTEN_SECONDS)
        return None
