"""Triggers (Dify 1.10+): nodes that start a workflow app's run instead of a user's inputs.

A workflow's graph has either a Start node (the user's inputs: Service API, web app, editor) or one or more
trigger nodes, never both. A webhook trigger starts a run when its URL is called, a schedule trigger when
its cron fires, a plugin trigger when a plugin's event arrives (a plugin daemon's job; weir has none). Each
trigger node is a root of the graph: a run starts from the one that fired and walks what it reaches.

The rules here are pure: which nodes are triggers, the cron a schedule's settings mean, what a webhook
request must carry, what the node outputs and what the caller is answered.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from domain.shared.errors import InvalidParam

WEBHOOK = "trigger-webhook"
SCHEDULE = "trigger-schedule"
PLUGIN = "trigger-plugin"
TRIGGER_TYPES = frozenset({WEBHOOK, SCHEDULE, PLUGIN})
# How a run was started (a run's `triggered_from`, Dify's values).
TRIGGERED_FROM = {WEBHOOK: "webhook", SCHEDULE: "schedule", PLUGIN: "plugin"}


class TriggerStatus(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class TriggerNode:
    """A trigger node of a graph, as the app's trigger list shows it."""

    node_id: str
    type: str
    title: str
    provider_name: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)  # the node's settings


@dataclass
class AppTrigger:
    """A trigger of an app's published workflow (Dify's app_triggers, with its schedule plan folded in)."""

    id: Any  # UUID
    tenant_id: Any
    app_id: Any
    node_id: str
    trigger_type: str
    title: str
    provider_name: str
    status: TriggerStatus
    created_at: datetime
    updated_at: datetime
    cron_expression: str | None = None  # schedule triggers
    timezone: str | None = None
    next_run_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """The URL id of a webhook node of an app's draft (assigned when the draft is saved, as in Dify, so the
    editor shows the URL before the app is published)."""

    id: Any  # UUID
    tenant_id: Any
    app_id: Any
    node_id: str
    webhook_id: str
    created_at: datetime


def trigger_nodes(graph: Mapping[str, Any]) -> list[TriggerNode]:
    """The top-level trigger nodes of a graph's JSON, in node order."""
    found = []
    for item in graph.get("nodes") or []:
        data = item.get("data") or {}
        if data.get("type") in TRIGGER_TYPES and not (item.get("parentId") or data.get("iteration_id")):
            found.append(
                TriggerNode(
                    str(item.get("id")), data["type"], str(data.get("title") or item.get("id")),
                    str(data.get("provider_name") or ""), data,
                )
            )
    return found


def check_triggers_allowed(mode: str, graph: Mapping[str, Any]) -> None:
    """Triggers start workflow apps only (Dify's): a chatflow answers a user's query, so it starts from Start."""
    if mode != "workflow" and trigger_nodes(graph):
        raise InvalidParam("Trigger nodes start workflow apps only; a chatflow starts from its Start node.", "graph")


# --- schedules ------------------------------------------------------------------------------------------

WEEKDAYS = {"sun": "0", "mon": "1", "tue": "2", "wed": "3", "thu": "4", "fri": "5", "sat": "6"}
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*([AaPp][Mm])\s*$")


def schedule_cron(data: Mapping[str, Any]) -> tuple[str, str]:
    """(cron expression, timezone) of a schedule node: its `cron_expression` in cron mode, else its visual
    settings (hourly at a minute; daily, weekly or monthly at a 12-hour time), as Dify's editor means them; with
    no mode, a cron_expression when it has one."""
    timezone = str(data.get("timezone") or "UTC")
    # A hand-written node often gives only its cron_expression: without a mode, that is what it means.
    mode = data.get("mode") or ("cron" if str(data.get("cron_expression") or "").strip() else "visual")
    if mode == "cron":
        cron = str(data.get("cron_expression") or "").strip()
        if not cron:
            raise _bad("a cron schedule needs a cron_expression")
        if len(cron.split()) != 5 and not cron.startswith("@"):
            raise _bad(f"a cron expression has 5 fields (or is @daily, @hourly …), got '{cron}'")
        return cron, timezone
    frequency = data.get("frequency") or "daily"
    visual = data.get("visual_config") or {}
    if frequency == "hourly":
        minute = visual.get("on_minute", 0)
        if not isinstance(minute, int) or not 0 <= minute <= 59:
            raise _bad("on_minute is a minute of the hour, 0 to 59")
        return f"{minute} * * * *", timezone
    hour, minute = _clock_time(visual.get("time") or "12:00 AM")
    if frequency == "daily":
        return f"{minute} {hour} * * *", timezone
    if frequency == "weekly":
        days = visual.get("weekdays") or []
        if not days or any(day not in WEEKDAYS for day in days):
            raise _bad("a weekly schedule needs weekdays among sun, mon, tue, wed, thu, fri, sat")
        return f"{minute} {hour} * * {','.join(sorted({WEEKDAYS[d] for d in days}))}", timezone
    if frequency == "monthly":
        days = visual.get("monthly_days") or []
        numbers = sorted({d for d in days if isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 31})
        if not days or len(numbers) + (1 if "last" in days else 0) != len(set(map(str, days))):
            raise _bad("a monthly schedule needs days of the month, 1 to 31 or 'last'")
        listed = [str(d) for d in numbers] + (["L"] if "last" in days else [])
        return f"{minute} {hour} {','.join(listed)} * *", timezone
    raise _bad(f"unknown schedule frequency '{frequency}' (hourly, daily, weekly or monthly)")


def _clock_time(text: Any) -> tuple[int, int]:
    match = _TIME.match(str(text))
    if not match:
        raise _bad(f"a schedule's time reads like '2:30 PM', got '{text}'")
    hour, minute, period = int(match[1]), int(match[2]), match[3].upper()
    if not 1 <= hour <= 12 or not 0 <= minute <= 59:
        raise _bad(f"a schedule's time reads like '2:30 PM', got '{text}'")
    return (hour % 12) + (12 if period == "PM" else 0), minute


def _bad(message: str) -> InvalidParam:
    return InvalidParam(f"Invalid schedule: {message}", param="graph")


# --- webhooks -------------------------------------------------------------------------------------------

WEBHOOK_CONTENT_TYPES = (
    "application/json", "multipart/form-data", "application/x-www-form-urlencoded", "text/plain",
    "application/octet-stream",
)


@dataclass(frozen=True, slots=True)
class SentFile:
    """A file a webhook call carried: a multipart file field, or an octet-stream body (field BINARY_BODY)."""

    name: str
    mime_type: str
    data: bytes


BINARY_BODY = "raw"


@dataclass(frozen=True, slots=True)
class WebhookCall:
    """An HTTP request to a webhook's URL, read by the entrypoint: the body already parsed by its content type
    (JSON object, form fields, `{"raw": text}`), the files it carried apart."""

    method: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    content_type: str
    body: Mapping[str, Any]
    files: Mapping[str, SentFile] = field(default_factory=dict)


class WebhookRefused(InvalidParam):
    """The call does not match the webhook node's settings (method, content type, a required value)."""


def content_type_of(header: str | None) -> str:
    return (header or "application/json").split(";")[0].strip().lower() or "application/json"


def webhook_data(node: Mapping[str, Any], call: WebhookCall) -> dict[str, Any]:
    """What a webhook run starts with (Dify's `webhook_data`): the call checked against the node's settings,
    its configured query and body values converted to their declared types, the others kept as sent."""
    method = str(node.get("method") or "get").upper()
    if call.method.upper() != method:
        raise WebhookRefused(f"HTTP method mismatch. Expected {method}, got {call.method.upper()}")
    expected = str(node.get("content_type") or "application/json").lower()
    if call.content_type != expected:  # no Content-Type header reads as application/json (Dify's)
        raise WebhookRefused(f"Content-type mismatch. Expected {expected}, got {call.content_type}")
    lowered = {k.lower(): v for k, v in call.headers.items()}
    for header in node.get("headers") or []:
        name = str(header.get("name") or "")
        if header.get("required") and name.lower() not in lowered and name.lower().replace("_", "-") not in lowered:
            raise WebhookRefused(f"Required header missing: {name}")
    query = _typed(call.query, node.get("params") or [], from_text=True, where="parameter")
    if expected in ("text/plain", "application/octet-stream"):
        if any(b.get("required") for b in node.get("body") or []) and not (call.body.get("raw") or call.files):
            raise WebhookRefused(f"Required body content missing for {expected} request")
        body = dict(call.body)
    else:
        from_text = expected in ("application/x-www-form-urlencoded", "multipart/form-data")
        body = _typed(call.body, node.get("body") or [], from_text=from_text, where="body parameter")
        for param in node.get("body") or []:
            if param.get("type") == "file" and param.get("required") and param.get("name") not in call.files:
                raise WebhookRefused(f"Required body parameter missing: {param.get('name')}")
    return {
        "method": call.method.upper(), "headers": dict(call.headers), "query_params": query, "body": body, "files": {},
    }


def webhook_inputs(data: Mapping[str, Any]) -> dict[str, Any]:
    """A webhook run's stored inputs (Dify's): the whole call and its parts."""
    return {
        "webhook_data": dict(data), "webhook_headers": data.get("headers", {}),
        "webhook_query_params": data.get("query_params", {}), "webhook_body": data.get("body", {}),
    }


def _typed(given: Mapping[str, Any], declared: list, *, from_text: bool, where: str) -> dict[str, Any]:
    result = dict(given)
    for param in declared:
        name = str(param.get("name") or "")
        kind = str(param.get("type") or "string")
        if name not in given:
            if param.get("required") and kind != "file":
                raise WebhookRefused(f"Required {where} missing: {name}")
            continue
        result[name] = _convert(name, given[name], kind, from_text)
    return result


def _convert(name: str, value: Any, kind: str, from_text: bool) -> Any:
    if from_text and isinstance(value, str):
        if kind == "number":
            try:
                number = float(value)
            except ValueError:
                raise WebhookRefused(
                    f"Parameter '{name}' validation failed: cannot convert '{value}' to number"
                ) from None
            return int(number) if number.is_integer() and "." not in value else number
        if kind == "boolean":
            if value.lower() in ("true", "1", "yes", "on"):
                return True
            if value.lower() in ("false", "0", "no", "off"):
                return False
            raise WebhookRefused(f"Parameter '{name}' validation failed: cannot convert '{value}' to boolean")
        return value
    expected = {
        "string": str, "number": (int, float), "boolean": bool, "object": dict,
        "array[string]": list, "array[number]": list, "array[boolean]": list, "array[object]": list,
    }.get(kind)
    wrong_number = kind == "number" and isinstance(value, bool)
    if expected is not None and (not isinstance(value, expected) or wrong_number):
        raise WebhookRefused(f"Parameter '{name}' validation failed: expected {kind}, got {type(value).__name__}")
    if kind.startswith("array[") and kind != "array[object]":
        item = {"array[string]": str, "array[number]": (int, float), "array[boolean]": bool}[kind]
        if any(not isinstance(v, item) or (kind == "array[number]" and isinstance(v, bool)) for v in value):
            raise WebhookRefused(f"Parameter '{name}' validation failed: expected {kind}")
    return value


def webhook_outputs(node: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The webhook node's outputs in a run: each configured header (dashes as underscores), query value and
    body value (a file parameter: the stored file, as nodes see files), and `_webhook_raw`, the whole call
    (Dify's)."""
    data = inputs.get("webhook_data") or {}
    headers = data.get("headers") or {}
    lowered = {str(k).lower(): v for k, v in headers.items()}
    outputs: dict[str, Any] = {}
    for header in node.get("headers") or []:
        name = str(header.get("name") or "")
        value = lowered.get(name.lower(), lowered.get(name.lower().replace("_", "-")))
        outputs[name.replace("-", "_")] = value
    for param in node.get("params") or []:
        outputs[str(param.get("name"))] = (data.get("query_params") or {}).get(param.get("name"))
    body, files = data.get("body") or {}, data.get("files") or {}
    for param in node.get("body") or []:
        name = str(param.get("name"))
        if node.get("content_type") == "text/plain":
            outputs[name] = str(body.get("raw", ""))
        elif node.get("content_type") == "application/octet-stream":
            outputs[name] = files.get(BINARY_BODY)  # the body, stored as a file
        elif param.get("type") == "file":
            outputs[name] = files.get(name)
        else:
            outputs[name] = body.get(name)
    outputs["_webhook_raw"] = dict(data)
    return outputs


def webhook_answer(node: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """(JSON body, status) the caller of a webhook gets once its run is queued: the node's `response_body` (JSON
    when it reads as an object or a list, else `{"message": text}`) and `status_code`."""
    status = node.get("status_code") or 200
    status = status if isinstance(status, int) and 100 <= status <= 599 else 200
    text = str(node.get("response_body") or "")
    if not text:
        return {"status": "success", "message": "Webhook processed successfully"}, status
    if text.strip().startswith(("{", "[")):
        try:
            return json.loads(text), status
        except ValueError:
            pass
    return {"message": text}, status


class CronCalendar(Protocol):
    """When a cron expression fires next (an adapter over a cron library)."""

    def next_after(self, cron: str, timezone: str, after: datetime) -> datetime:
        """The first firing strictly after `after`, in UTC, the expression read in `timezone`; ValueError when
        the expression or the timezone is not valid."""
