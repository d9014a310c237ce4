"""Console routes for custom (OpenAPI) tool providers, in Dify's paths and shapes
(api/controllers/console/workspace/tool_providers.py: tool-provider/api/...)."""

from quart import Blueprint, request

from application.tools.manage_api_providers import ApiProviderForm
from domain.shared.errors import DomainError, InvalidParam
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.console import tool_views as views
from entrypoints.http.console.tool_requests import WS, body_object, labels, tenant, text
from entrypoints.http.deps import container

bp = Blueprint("console_api_tools", __name__)


def _api_form(body: dict) -> ApiProviderForm:
    return ApiProviderForm(
        provider=text(body, "provider"),
        schema=text(body, "schema"),
        schema_type=text(body, "schema_type", required=False),
        credentials=body_object(body, "credentials"),
        icon=body_object(body, "icon"),
        privacy_policy=text(body, "privacy_policy", required=False),
        custom_disclaimer=text(body, "custom_disclaimer", required=False),
        labels=labels(body),
    )


@bp.post(f"{WS}/tool-provider/api/add")
@console_login_required
async def api_add() -> dict:
    form = _api_form(await json_object())
    await container().tools.add_api_provider().execute(tenant(), console_session().account.id, form)
    return {"result": "success"}


@bp.post(f"{WS}/tool-provider/api/update")
@console_login_required
async def api_update() -> dict:
    body = await json_object()
    form = _api_form(body)
    await container().tools.update_api_provider().execute(tenant(), text(body, "original_provider"), form)
    return {"result": "success"}


@bp.post(f"{WS}/tool-provider/api/delete")
@console_login_required
async def api_delete() -> dict:
    await container().tools.delete_api_provider().execute(tenant(), text(await json_object(), "provider"))
    return {"result": "success"}


def _provider_arg() -> str:
    name = request.args.get("provider") or ""
    if not name:
        raise InvalidParam("provider is required.", param="provider")
    return name


@bp.get(f"{WS}/tool-provider/api/get")
@console_login_required
async def api_get() -> dict:
    record, schema = await container().tools.get_api_provider().execute(tenant(), _provider_arg())
    return views.api_provider(record, schema)


@bp.get(f"{WS}/tool-provider/api/tools")
@console_login_required
async def api_tools() -> list:
    _, schema = await container().tools.get_api_provider().execute(tenant(), _provider_arg())
    return [views.tool(op.tool(), "") for op in schema.operations]


@bp.post(f"{WS}/tool-provider/api/schema")
@console_login_required
async def api_schema() -> dict:
    schema = container().tools.parse_api_schema().execute(text(await json_object(), "schema"))
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
                tenant(),
                text(body, "provider_name", required=False),
                text(body, "tool_name"),
                text(body, "schema"),
                body_object(body, "credentials"),
                body_object(body, "parameters"),
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
