"""Console routes for tool providers (builtin, custom OpenAPI, workflow), in Dify's paths and shapes
(api/controllers/console/workspace/tool_providers.py). MCP providers have their own module."""

from uuid import UUID

from quart import Blueprint, Response, request

from application.tools.manage_api_providers import ApiProviderForm
from application.tools.manage_workflow_tools import WorkflowToolForm
from domain.shared.errors import DomainError, InvalidParam
from domain.tools.entities import ProviderType
from domain.tools.stored import WorkflowToolParameter
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.console import tool_views as views
from entrypoints.http.deps import container

bp = Blueprint("console_tools", __name__)

WS = "/workspaces/current"
BUILTIN = f"{WS}/tool-provider/builtin/<path:provider>"


def _tenant() -> UUID:
    return console_session().tenant.id


def _text(body: dict, name: str, required: bool = True) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidParam(f"{name} is required.", param=name)
    return value


def _object(body: dict, name: str) -> dict:
    value = body.get(name) or {}
    if not isinstance(value, dict):
        raise InvalidParam(f"{name} must be an object.", param=name)
    return value


def _uuid(value: object, name: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidParam(f"{name} is not a valid id.", param=name) from None


def _labels(body: dict) -> tuple[str, ...]:
    return tuple(str(label) for label in body.get("labels") or [] if isinstance(label, str))


async def _listed(provider_type: ProviderType | None) -> list[dict]:
    listed = await container().tools.list_tool_providers().execute(_tenant(), provider_type)
    return [views.provider(info, authorized) for info, authorized in listed]


@bp.get(f"{WS}/tool-providers")
@console_login_required
async def list_providers() -> list:
    kind = request.args.get("type") or None
    if kind == "model":  # Dify's model-as-tool providers: weir has none
        return []
    try:
        provider_type = ProviderType(kind) if kind else None
    except ValueError:
        raise InvalidParam("type must be builtin, api, workflow or mcp.", param="type") from None
    return await _listed(provider_type)


@bp.get(f"{WS}/tools/builtin")
@console_login_required
async def list_builtin() -> list:
    return await _listed(ProviderType.BUILTIN)


@bp.get(f"{WS}/tools/api")
@console_login_required
async def list_api() -> list:
    return await _listed(ProviderType.API)


@bp.get(f"{WS}/tools/workflow")
@console_login_required
async def list_workflow() -> list:
    return await _listed(ProviderType.WORKFLOW)


# Builtin providers.


@bp.get(f"{BUILTIN}/tools")
@console_login_required
async def builtin_tools(provider: str) -> list:
    info, _ = await container().tools.get_builtin_provider().execute(_tenant(), provider)
    return [views.tool(t, info.author) for t in info.tools]


@bp.get(f"{BUILTIN}/info")
@console_login_required
async def builtin_info(provider: str) -> dict:
    info, credentials = await container().tools.get_builtin_provider().execute(_tenant(), provider)
    return views.provider(info, not info.credentials_schema or credentials is not None, credentials)


@bp.get(f"{BUILTIN}/credentials_schema")
@bp.get(f"{BUILTIN}/credential/schema/<credential_type>")
@console_login_required
async def builtin_credentials_schema(provider: str, credential_type: str = "api-key") -> list:
    info, _ = await container().tools.get_builtin_provider().execute(_tenant(), provider)
    return [views.credential_field(f) for f in info.credentials_schema]


def _credential_entries(info, credentials: dict | None) -> list[dict]:
    if credentials is None:
        return []
    return [
        {
            "id": info.id,
            "name": "API KEY 1",
            "provider": info.id,
            "credential_type": "api-key",
            "is_default": True,
            "credentials": credentials,
        }
    ]


@bp.get(f"{BUILTIN}/credentials")
@console_login_required
async def builtin_credentials(provider: str) -> list:
    info, credentials = await container().tools.get_builtin_provider().execute(_tenant(), provider)
    return _credential_entries(info, credentials)


@bp.get(f"{BUILTIN}/credential/info")
@console_login_required
async def builtin_credential_info(provider: str) -> dict:
    info, credentials = await container().tools.get_builtin_provider().execute(_tenant(), provider)
    return {
        "supported_credential_types": ["api-key"] if info.credentials_schema else [],
        "is_oauth_custom_client_enabled": False,
        "allow_custom_token": False,
        "credentials": _credential_entries(info, credentials),
    }


@bp.post(f"{BUILTIN}/add")
@bp.post(f"{BUILTIN}/update")
@console_login_required
async def builtin_save(provider: str) -> dict:
    body = await json_object()
    credentials = _object(body, "credentials")
    await container().tools.save_builtin_credentials().execute(_tenant(), provider, credentials)
    return {"result": "success"}


@bp.post(f"{BUILTIN}/delete")
@console_login_required
async def builtin_delete(provider: str) -> dict:
    await container().tools.delete_builtin_credentials().execute(_tenant(), provider)
    return {"result": "success"}


@bp.get(f"{BUILTIN}/icon")
async def builtin_icon(provider: str) -> Response:
    info = container().tools.builtin_finder().get(provider).info()
    letter = (info.label or info.id)[:1].upper()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
        '<rect width="24" height="24" rx="6" fill="#155EEF"/><text x="12" y="16.5" font-size="13" '
        f'font-family="sans-serif" text-anchor="middle" fill="#fff">{letter}</text></svg>'
    )
    return Response(svg, content_type="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


# Custom (OpenAPI) providers.


def _api_form(body: dict) -> ApiProviderForm:
    return ApiProviderForm(
        provider=_text(body, "provider"),
        schema=_text(body, "schema"),
        schema_type=_text(body, "schema_type", required=False),
        credentials=_object(body, "credentials"),
        icon=_object(body, "icon"),
        privacy_policy=_text(body, "privacy_policy", required=False),
        custom_disclaimer=_text(body, "custom_disclaimer", required=False),
        labels=_labels(body),
    )


@bp.post(f"{WS}/tool-provider/api/add")
@console_login_required
async def api_add() -> dict:
    form = _api_form(await json_object())
    await container().tools.add_api_provider().execute(_tenant(), console_session().account.id, form)
    return {"result": "success"}


@bp.post(f"{WS}/tool-provider/api/update")
@console_login_required
async def api_update() -> dict:
    body = await json_object()
    form = _api_form(body)
    await container().tools.update_api_provider().execute(_tenant(), _text(body, "original_provider"), form)
    return {"result": "success"}


@bp.post(f"{WS}/tool-provider/api/delete")
@console_login_required
async def api_delete() -> dict:
    await container().tools.delete_api_provider().execute(_tenant(), _text(await json_object(), "provider"))
    return {"result": "success"}


def _provider_arg() -> str:
    name = request.args.get("provider") or ""
    if not name:
        raise InvalidParam("provider is required.", param="provider")
    return name


@bp.get(f"{WS}/tool-provider/api/get")
@console_login_required
async def api_get() -> dict:
    record, schema = await container().tools.get_api_provider().execute(_tenant(), _provider_arg())
    return views.api_provider(record, schema)


@bp.get(f"{WS}/tool-provider/api/tools")
@console_login_required
async def api_tools() -> list:
    _, schema = await container().tools.get_api_provider().execute(_tenant(), _provider_arg())
    return [views.tool(op.tool(), "") for op in schema.operations]


@bp.post(f"{WS}/tool-provider/api/schema")
@console_login_required
async def api_schema() -> dict:
    schema = container().tools.parse_api_schema().execute(_text(await json_object(), "schema"))
    return {
        "schema_type": schema.schema_type,
        "parameters_schema": [views.bundle(op) for op in schema.operations],
        "credentials_schema": views.api_credentials_schema(),
        "warning": {},
    }


@bp.post(f"{WS}/tool-provider/api/test/pre")
@console_login_required
async def api_test() -> dict:
    body = await json_object()
    try:
        result = (
            await container()
            .tools.test_api_tool()
            .execute(
                _tenant(),
                _text(body, "provider_name", required=False),
                _text(body, "tool_name"),
                _text(body, "schema"),
                _object(body, "credentials"),
                _object(body, "parameters"),
            )
        )
    except InvalidParam:
        raise
    except DomainError as error:  # the call itself failed: Dify answers 200 with the reason
        return {"error": error.message}
    return {"result": result or "empty response"}


@bp.get(f"{WS}/tool-provider/api/remote")
@console_login_required
async def api_remote() -> dict:
    return {"schema": await container().tools.fetch_remote_schema().execute(request.args.get("url") or "")}


# Workflow providers.


def _workflow_form(body: dict) -> WorkflowToolForm:
    parameters = []
    for raw in body.get("parameters") or []:
        if not isinstance(raw, dict) or not raw.get("name"):
            raise InvalidParam("each parameter needs a name.", param="parameters")
        parameters.append(
            WorkflowToolParameter(str(raw["name"]), str(raw.get("description") or ""), str(raw.get("form") or "llm"))
        )
    return WorkflowToolForm(
        name=_text(body, "name"),
        label=_text(body, "label"),
        description=_text(body, "description", required=False),
        icon=_object(body, "icon"),
        parameters=tuple(parameters),
        privacy_policy=_text(body, "privacy_policy", required=False),
        labels=_labels(body),
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
            _uuid(body.get("workflow_app_id"), "workflow_app_id"),
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
        .execute(_tenant(), _uuid(body.get("workflow_tool_id"), "workflow_tool_id"), _workflow_form(body))
    )
    return {"result": "success"}


@bp.post(f"{WS}/tool-provider/workflow/delete")
@console_login_required
async def workflow_delete() -> dict:
    body = await json_object()
    await (
        container()
        .tools.delete_workflow_tool()
        .execute(_tenant(), _uuid(body.get("workflow_tool_id"), "workflow_tool_id"))
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
            _tenant(),
            _uuid(tool_id, "workflow_tool_id") if tool_id else None,
            _uuid(app_id, "workflow_app_id") if app_id else None,
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
