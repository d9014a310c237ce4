"""Console routes for model providers, default models and an app's model config."""

from uuid import UUID

from quart import Blueprint

from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.columns import DEFAULT_MODEL_NAME, DEFAULT_MODEL_PROVIDER
from entrypoints.http.deps import container
from entrypoints.http.input_checks import check_length

bp = Blueprint("console_models", __name__)


@bp.post("/workspaces/current/model-providers/<provider>/credentials")
@console_login_required
async def save_credentials(provider: str) -> dict:
    body = await json_object()
    credentials = body.get("credentials", body)
    await container().models.save_provider_credentials().execute(console_session().tenant.id, provider, credentials)
    return {"result": "success"}


@bp.get("/workspaces/current/model-providers")
@console_login_required
async def list_providers() -> dict:
    providers, defaults = await container().models.list_providers().execute(console_session().tenant.id)
    return {
        "data": [
            {
                "provider": p.provider,
                "credentials": {"endpoint_url": p.endpoint_url, "api_key": p.masked_key()},
                "models": [
                    {
                        "model": m.name,
                        "model_type": "llm",
                        "mode": m.mode,
                        "context_size": m.context_size,
                        "pricing": None
                        if m.price is None
                        else {
                            "input": str(m.price.input),
                            "output": str(m.price.output),
                            "unit": str(m.price.unit),
                            "currency": m.price.currency,
                        },
                    }
                    for m in p.models
                ],
            }
            for p in providers
        ],
        "default_models": [{"model_type": d.model_type, "provider": d.provider, "model": d.model} for d in defaults],
    }


@bp.post("/workspaces/current/default-model")
@console_login_required
async def set_default_model() -> dict:
    body = await json_object()
    settings = body.get("model_settings") or []
    for item in settings if isinstance(settings, list) else ():
        for field, maximum in (("provider", DEFAULT_MODEL_PROVIDER), ("model", DEFAULT_MODEL_NAME)):
            if isinstance(item, dict) and isinstance(item.get(field), str):
                check_length(item[field], "model_settings", maximum, label=f"model_settings: {field}")
    await container().models.set_default_models().execute(console_session().tenant.id, settings)
    return {"result": "success"}


@bp.post("/apps/<uuid:app_id>/model-config")
@console_login_required
async def update_model_config(app_id: UUID) -> dict:
    body = await json_object()
    await container().chat.update_model_config().execute(console_session().tenant.id, app_id, body)
    return {"result": "success"}
