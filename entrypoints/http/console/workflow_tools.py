"""Console routes for workflows offered as tools, in Dify's paths and shapes
(api/controllers/console/workspace/tool_providers.py: tool-provider/workflow/...)."""

from quart import Blueprint, request

from application.tools.manage_workflow_tools import WorkflowToolForm
from domain.shared.errors import InvalidParam
from domain.tools.stored import WorkflowToolParameter
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.console import tool_views as views
from entrypoints.http.console.tool_requests import WS, as_uuid, body_object, labels, listed, tenant, text
from entrypoints.http.deps import container

bp = Blueprint("console_workflow_tools", __name__)


def _workflow_form(body: dict) -> WorkflowToolForm:
    parameters = []
    for raw in listed(body, "parameters"):
        if not isinstance(raw, dict) or not raw.get("name"):
            raise InvalidParam("each parameter needs a name.", param="parameters")
        parameters.append(
            WorkflowToolParameter(str(raw["name"]), str(raw.get("description") or ""), str(raw.get("form") or "llm"))
        )
    return WorkflowToolForm(
        name=text(body, "name"),
        label=text(body, "label"),
        description=text(body, "description", required=False),
        icon=body_object(body, "icon"),
        parameters=tuple(parameters),
        privacy_policy=text(body, "privacy_policy", required=False),
        labels=labels(body),
    )


@bp.post(f"{WS}/tool-provider/workflow/create")
@console_login_required
async def workflow_create() -> dict:
    body = await json_object()
    session = console_session()
    await (
        container()
        .tools.create_workflow_tool()
        .execute(
            session.tenant.id,
            session.account.id,
            as_uuid(body.get("workflow_app_id"), "workflow_app_id"),
            _workflow_form(body),
        )
    )
    return {"result": "success"}


@bp.post(f"{WS}/tool-provider/workflow/update")
@console_login_required
async def workflow_update() -> dict:
    body = await json_object()
    await (
        container()
        .tools.update_workflow_tool()
        .execute(tenant(), as_uuid(body.get("workflow_tool_id"), "workflow_tool_id"), _workflow_form(body))
    )
    return {"result": "success"}


@bp.post(f"{WS}/tool-provider/workflow/delete")
@console_login_required
async def workflow_delete() -> dict:
    body = await json_object()
    await (
        container()
        .tools.delete_workflow_tool()
        .execute(tenant(), as_uuid(body.get("workflow_tool_id"), "workflow_tool_id"))
    )
    return {"result": "success"}


async def _workflow_tool() -> tuple:
    tool_id, app_id = request.args.get("workflow_tool_id"), request.args.get("workflow_app_id")
    if not tool_id and not app_id:
        raise InvalidParam("workflow_tool_id or workflow_app_id is required.", param="workflow_tool_id")
    return (
        await container()
        .tools.get_workflow_tool()
        .execute(
            tenant(),
            as_uuid(tool_id, "workflow_tool_id") if tool_id else None,
            as_uuid(app_id, "workflow_app_id") if app_id else None,
        )
    )


@bp.get(f"{WS}/tool-provider/workflow/get")
@console_login_required
async def workflow_get() -> dict:
    record, tool, synced = await _workflow_tool()
    return views.workflow_tool(record, tool, synced)


@bp.get(f"{WS}/tool-provider/workflow/tools")
@console_login_required
async def workflow_tools() -> list:
    record, tool, _ = await _workflow_tool()
    return [views.tool(tool, "", record.labels)]
