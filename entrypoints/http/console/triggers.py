"""A workflow app's triggers in the console (Dify's workflow_trigger routes): the list of the published
workflow's triggers, enabling or disabling one, and a webhook node's URLs for the editor's panel."""

from uuid import UUID

from quart import Blueprint, request

from domain.shared.errors import InvalidParam
from domain.workflows.triggers import PLUGIN, AppTrigger, WebhookEndpoint
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.deps import container
from entrypoints.http.presenters import iso

bp = Blueprint("console_triggers", __name__)


def trigger_base_url() -> str:
    """Where webhook URLs point: TRIGGER_URL (Dify's), else the address this request came in on."""
    configured = container().config.triggers.base_url()
    return (configured or request.host_url).rstrip("/")


def webhook_urls(webhook_id: str) -> tuple[str, str]:
    base = trigger_base_url()
    return f"{base}/triggers/webhook/{webhook_id}", f"{base}/triggers/webhook-debug/{webhook_id}"


def trigger_json(trigger: AppTrigger) -> dict:
    icon = ""
    if trigger.trigger_type == PLUGIN and trigger.provider_name:
        icon = f"{trigger_base_url()}/console/api/workspaces/current/tool-provider/builtin/{trigger.provider_name}/icon"
    return {
        "id": str(trigger.id),
        "trigger_type": trigger.trigger_type,
        "title": trigger.title,
        "node_id": trigger.node_id,
        "provider_name": trigger.provider_name,
        "icon": icon,
        "status": trigger.status.value,
        "created_at": iso(trigger.created_at),
        "updated_at": iso(trigger.updated_at),
    }


def webhook_json(endpoint: WebhookEndpoint) -> dict:
    url, debug_url = webhook_urls(endpoint.webhook_id)
    return {
        "id": str(endpoint.id),
        "webhook_id": endpoint.webhook_id,
        "webhook_url": url,
        "webhook_debug_url": debug_url,
        "node_id": endpoint.node_id,
        "created_at": iso(endpoint.created_at),
    }


@bp.get("/apps/<uuid:app_id>/triggers")
@console_login_required
async def app_triggers(app_id: UUID) -> dict:
    found = await container().workflows.list_app_triggers().execute(console_session().tenant.id, app_id)
    return {"data": [trigger_json(t) for t in found]}


@bp.post("/apps/<uuid:app_id>/trigger-enable")
@console_login_required
async def enable_trigger(app_id: UUID) -> dict:
    body = await json_object()
    enable = body.get("enable_trigger")
    try:
        trigger_id = UUID(str(body.get("trigger_id")))
    except ValueError:
        raise InvalidParam("trigger_id must be a trigger's id", param="trigger_id") from None
    if not isinstance(enable, bool):
        raise InvalidParam("enable_trigger must be true or false", param="enable_trigger")
    enabling = container().workflows.enable_app_trigger()
    trigger = await enabling.execute(console_session().tenant.id, app_id, trigger_id, enable)
    return trigger_json(trigger)


@bp.get("/apps/<uuid:app_id>/workflows/triggers/webhook")
@console_login_required
async def webhook_trigger(app_id: UUID) -> dict:
    node_id = (request.args.get("node_id") or "").strip()
    if not node_id:
        raise InvalidParam("node_id is required", param="node_id")
    endpoint = await container().workflows.get_webhook_trigger().execute(console_session().tenant.id, app_id, node_id)
    return webhook_json(endpoint)
