"""Console routes for model providers, their models, default models and an app's model config, in the
shapes of Dify's console (api/controllers/console/workspace/model_providers.py and models.py).

A provider is named in the path as Dify ≥ 1.0 does, by plugin id (`langgenius/openai/openai`), or by its
bare name (`openai`): both reach the same provider.
"""

from uuid import UUID

from quart import Blueprint, Response, request

from domain.models.catalogue import provider_spec
from domain.models.specs import ModelType
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.columns import DEFAULT_MODEL_NAME, DEFAULT_MODEL_PROVIDER
from entrypoints.http.console import provider_views as views
from entrypoints.http.deps import container
from entrypoints.http.input_checks import check_length

bp = Blueprint("console_models", __name__)

PROVIDER = "/workspaces/current/model-providers/<path:provider>"
MODEL_TYPES = tuple(t.value for t in ModelType)


def _tenant() -> UUID:
    return console_session().tenant.id


async def _body() -> dict:
    return await json_object() if (await request.get_data()).strip() else {}


def _model_type(value: object) -> str:
    if value not in MODEL_TYPES:
        raise InvalidParam(f"model_type must be one of {', '.join(MODEL_TYPES)}", param="model_type")
    return str(value)


@bp.get("/workspaces/current/model-providers")
@console_login_required
async def list_providers() -> dict:
    tenant = _tenant()
    model_type = request.args.get("model_type") or None
    found, defaults = await container().models.list_providers().execute(tenant, model_type)
    return {
        "data": [views.provider(tenant, view) for view in found],
        "default_models": [{"model_type": d.model_type, "provider": d.provider, "model": d.model} for d in defaults],
    }


@bp.get(f"{PROVIDER}/credentials")
@console_login_required
async def get_credentials(provider: str) -> dict:
    credentials = await container().models.get_provider_credentials().execute(
        _tenant(), provider, request.args.get("credential_id") or None
    )
    return {"credentials": credentials.form() if credentials else None}


@bp.post(f"{PROVIDER}/credentials")
@bp.put(f"{PROVIDER}/credentials")
@console_login_required
async def save_credentials(provider: str) -> dict:
    # Dify's body is {credentials, name} (POST) or {credential_id, credentials, name} (PUT); weir's
    # earlier clients post the credentials themselves.
    body = await json_object()
    credentials = body.get("credentials", body)
    # A POST in Dify's shape adds a credential beside those kept ("Add API Key"); weir's earlier bare body
    # replaces the one in use.
    await container().models.save_provider_credentials().execute(
        _tenant(), provider, credentials, body.get("credential_id") if request.method == "PUT" else None,
        body.get("name"), add=request.method == "POST" and "credentials" in body,
    )
    return {"result": "success"}


@bp.delete(f"{PROVIDER}/credentials")
@console_login_required
async def delete_credentials(provider: str) -> tuple[str, int]:
    body = await _body()
    await container().models.delete_provider_credentials().execute(_tenant(), provider, body.get("credential_id"))
    return "", 204


@bp.post(f"{PROVIDER}/credentials/validate")
@console_login_required
async def validate_credentials(provider: str) -> dict:
    body = await json_object()
    error = await container().models.validate_provider_credentials().execute(
        _tenant(), provider, body.get("credentials", body)
    )
    return {"result": "success"} if error is None else {"result": "error", "error": error or "Unknown error"}


@bp.post(f"{PROVIDER}/credentials/switch")
@console_login_required
async def switch_credentials(provider: str) -> dict:
    body = await json_object()
    await container().models.switch_provider_credential().execute(_tenant(), provider, body.get("credential_id"))
    return {"result": "success"}


@bp.get(f"{PROVIDER}/models")
@console_login_required
async def list_provider_models(provider: str) -> dict:
    tenant = _tenant()
    [listed] = await container().models.list_models().execute(tenant, provider=provider)
    return {"data": [views.provider_model(tenant, listed.provider.spec, m) for m in listed.models]}


@bp.delete(f"{PROVIDER}/models")
@console_login_required
async def delete_model(provider: str) -> tuple[str, int]:
    body = await json_object()
    await container().models.delete_model().execute(
        _tenant(), provider, str(body.get("model") or ""), _model_type(body.get("model_type"))
    )
    return "", 204


@bp.get(f"{PROVIDER}/models/credentials")
@console_login_required
async def get_model_credentials(provider: str) -> dict:
    tenant = _tenant()
    found = await container().models.get_model_credentials().execute(
        tenant, provider, request.args.get("model", ""), _model_type(request.args.get("model_type"))
    )
    return views.model_credentials(tenant, found.spec, found.credentials, found.entry)


@bp.post(f"{PROVIDER}/models/credentials")
@bp.put(f"{PROVIDER}/models/credentials")
@console_login_required
async def save_model_credentials(provider: str) -> tuple[dict, int]:
    body = await json_object()
    await container().models.save_model_credentials().execute(
        _tenant(), provider, str(body.get("model") or ""), _model_type(body.get("model_type")),
        body.get("credentials") or {},
    )
    return {"result": "success"}, 201 if request.method == "POST" else 200


@bp.delete(f"{PROVIDER}/models/credentials")
@console_login_required
async def delete_model_credentials(provider: str) -> tuple[str, int]:
    body = await json_object()
    await container().models.delete_model().execute(
        _tenant(), provider, str(body.get("model") or ""), _model_type(body.get("model_type"))
    )
    return "", 204


@bp.post(f"{PROVIDER}/models/credentials/validate")
@console_login_required
async def validate_model_credentials(provider: str) -> dict:
    body = await json_object()
    _model_type(body.get("model_type"))
    error = await container().models.validate_provider_credentials().execute(
        _tenant(), provider, body.get("credentials") or {}, str(body.get("model") or "") or None
    )
    return {"result": "success"} if error is None else {"result": "error", "error": error}


@bp.get(f"{PROVIDER}/models/parameter-rules")
@console_login_required
async def parameter_rules(provider: str) -> dict:
    model = request.args.get("model")
    if not model:
        raise InvalidParam("model is required", param="model")
    rules = await container().models.parameter_rules().execute(_tenant(), provider, model)
    return {"data": [views.parameter_rule(rule) for rule in rules]}


@bp.get("/workspaces/current/models/model-types/<model_type>")
@console_login_required
async def models_of_type(model_type: str) -> dict:
    tenant = _tenant()
    listed = await container().models.list_models().execute(tenant, model_type=_model_type(model_type))
    return {"data": [views.provider_with_models(tenant, p.provider.spec, p.models) for p in listed]}


@bp.get("/workspaces/current/default-model")
@console_login_required
async def get_default_model() -> dict:
    tenant = _tenant()
    found = await container().models.get_default_model().execute(tenant, _model_type(request.args.get("model_type")))
    if found is None:
        return {"data": None}
    default, spec = found
    return {"data": {"model": default.model, "model_type": default.model_type,
                     "provider": views.simple_provider(tenant, spec)}}


@bp.post("/workspaces/current/default-model")
@console_login_required
async def set_default_model() -> dict:
    body = await json_object()
    settings = body.get("model_settings") or []
    for item in settings if isinstance(settings, list) else ():
        for field, maximum in (("provider", DEFAULT_MODEL_PROVIDER), ("model", DEFAULT_MODEL_NAME)):
            if isinstance(item, dict) and isinstance(item.get(field), str):
                check_length(item[field], "model_settings", maximum, label=f"model_settings: {field}")
    await container().models.set_default_models().execute(_tenant(), settings)
    return {"result": "success"}


@bp.get("/workspaces/<tenant_id>/model-providers/<path:provider>/<any(icon_small,icon_large,icon_small_dark):kind>/<lang>")
async def provider_icon(tenant_id: str, provider: str, kind: str, lang: str) -> Response:
    # Public, as in Dify: the console loads icons with <img> tags, without the bearer token.
    return Response(views.icon_svg(provider_spec(provider), kind), mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})


@bp.post("/apps/<uuid:app_id>/model-config")
@console_login_required
async def update_model_config(app_id: UUID) -> dict:
    body = await json_object()
    await container().chat.update_model_config().execute(_tenant(), app_id, body, console_session().account.id)
    return {"result": "success"}
