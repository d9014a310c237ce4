"""Console routes listing tool providers of every kind, and the builtin ones, in Dify's paths and shapes
(api/controllers/console/workspace/tool_providers.py). Custom, workflow and MCP providers have their own
modules."""

from quart import Blueprint, Response, request

from domain.shared.errors import InvalidParam
from domain.tools.entities import ProviderType
from entrypoints.http.auth import console_login_required
from entrypoints.http.bodies import json_object
from entrypoints.http.console import tool_views as views
from entrypoints.http.console.tool_requests import WS, body_object, tenant
from entrypoints.http.deps import container

bp = Blueprint("console_tools", __name__)

BUILTIN = f"{WS}/tool-provider/builtin/<path:provider>"


async def _listed(provider_type: ProviderType | None) -> list[dict]:
    listed = await container().tools.list_tool_providers().execute(tenant(), provider_type)
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
    info, _ = await container().tools.get_builtin_provider().execute(tenant(), provider)
    return [views.tool(t, info.author) for t in info.tools]


@bp.get(f"{BUILTIN}/info")
@console_login_required
async def builtin_info(provider: str) -> dict:
    info, credentials = await container().tools.get_builtin_provider().execute(tenant(), provider)
    return views.provider(info, not info.credentials_schema or credentials is not None, credentials)


@bp.get(f"{BUILTIN}/credentials_schema")
@bp.get(f"{BUILTIN}/credential/schema/<credential_type>")
@console_login_required
async def builtin_credentials_schema(provider: str, credential_type: str = "api-key") -> list:
    info, _ = await container().tools.get_builtin_provider().execute(tenant(), provider)
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
    info, credentials = await container().tools.get_builtin_provider().execute(tenant(), provider)
    return _credential_entries(info, credentials)


@bp.get(f"{BUILTIN}/credential/info")
@console_login_required
async def builtin_credential_info(provider: str) -> dict:
    info, credentials = await container().tools.get_builtin_provider().execute(tenant(), provider)
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
    credentials = body_object(body, "credentials")
    await container().tools.save_builtin_credentials().execute(tenant(), provider, credentials)
    return {"result": "success"}


@bp.post(f"{BUILTIN}/delete")
@console_login_required
async def builtin_delete(provider: str) -> dict:
    await container().tools.delete_builtin_credentials().execute(tenant(), provider)
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


# Dify's default tool labels (the web console filters providers by them).
LABELS = (
    "search",
    "image",
    "videos",
    "weather",
    "finance",
    "design",
    "travel",
    "social",
    "news",
    "medical",
    "productivity",
    "education",
    "business",
    "entertainment",
    "utilities",
    "other",
)


@bp.get(f"{WS}/tool-labels")
@console_login_required
async def tool_labels() -> list:
    return [{"name": name, "label": views.i18n(name.capitalize()), "icon": ""} for name in LABELS]
