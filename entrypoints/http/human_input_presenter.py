"""Dify's shapes for human input: the form (GET /form/human_input/{token}) and the run events of a pause
and its answer (`human_input_required`, `workflow_paused`, `human_input_form_filled`,
`human_input_form_timeout`), merged into run_presenter's table."""

from collections.abc import Callable
from typing import Any

from domain.workflows import run_events as ev
from domain.workflows.human_input import HumanInputForm
from domain.workflows.variables import as_text
from entrypoints.http.presenters import epoch


def _defaults(values: dict[str, Any]) -> dict[str, str]:
    """Dify sends the resolved defaults as text."""
    return {name: as_text(value) for name, value in values.items()}


def _human_input_required(event: ev.HumanInputRequired) -> dict[str, Any]:
    return {
        "form_id": str(event.form_id),
        "node_id": event.node_id,
        "node_title": event.node_title,
        "form_content": event.form_content,
        "inputs": list(event.inputs),
        "actions": list(event.actions),
        "display_in_ui": False,
        "form_token": event.form_token,
        "resolved_default_values": _defaults(event.resolved_default_values),
        "expiration_time": epoch(event.expiration_time),
    }


def _pause_reason(event: ev.HumanInputRequired) -> dict[str, Any]:
    return {"TYPE": "human_input_required", **_human_input_required(event)}


def workflow_paused_data(event: ev.WorkflowPaused) -> dict[str, Any]:
    return {
        "workflow_run_id": str(event.run_id),
        "paused_nodes": list(event.paused_nodes),
        "outputs": event.outputs,
        "reasons": [_pause_reason(r) for r in event.reasons],
        "status": "paused",
        "created_at": epoch(event.created_at),
        "elapsed_time": event.elapsed_time,
        "total_tokens": event.total_tokens,
        "total_steps": event.total_steps,
    }


def _form_filled(event: ev.HumanInputFormFilled) -> dict[str, Any]:
    return {
        "node_id": event.node_id,
        "node_title": event.node_title,
        "rendered_content": event.rendered_content,
        "action_id": event.action_id,
        "action_text": event.action_text,
        "submitted_data": event.submitted_data,
    }


def _form_timeout(event: ev.HumanInputFormTimeout) -> dict[str, Any]:
    return {"node_id": event.node_id, "node_title": event.node_title, "expiration_time": epoch(event.expiration_time)}


def human_input_form(form: HumanInputForm) -> dict[str, Any]:
    """GET /form/human_input/{token}."""
    return {
        "form_content": form.content,
        "inputs": form.inputs,
        "resolved_default_values": _defaults(form.resolved_defaults),
        "user_actions": form.actions,
        "expiration_time": epoch(form.expires_at),
    }


HUMAN_INPUT_PAYLOADS: dict[type, Callable[[Any], tuple[str, dict[str, Any]]]] = {
    ev.HumanInputRequired: lambda e: ("human_input_required", _human_input_required(e)),
    ev.WorkflowPaused: lambda e: ("workflow_paused", workflow_paused_data(e)),
    ev.HumanInputFormFilled: lambda e: ("human_input_form_filled", _form_filled(e)),
    ev.HumanInputFormTimeout: lambda e: ("human_input_form_timeout", _form_timeout(e)),
}
