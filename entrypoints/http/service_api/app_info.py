from uuid import UUID

from quart import Blueprint, current_app

from domain.apps.errors import EndUserNotFound
from entrypoints.http.auth import app_api, current_app_model
from entrypoints.http.deps import container
from entrypoints.http.presenters import end_user_json, parameters_json, site_json

bp = Blueprint("service_app_info", __name__)


@bp.get("/")
async def welcome() -> dict:
    return {"welcome": "Dify OpenAPI", "api_version": "v1", "server_version": current_app.config["SERVER_VERSION"]}


@bp.get("/info")
@app_api()
async def info() -> dict:
    described = await container().describe_app().execute(current_app_model())
    return {
        "name": described.name,
        "description": described.description,
        "tags": described.tags,
        "mode": described.mode,
        "author_name": described.author_name,
    }


@bp.get("/parameters")
@app_api()
async def parameters() -> dict:
    described = await container().chat.describe_parameters().execute(current_app_model())
    return parameters_json(described.config, container().upload_limits())


@bp.get("/meta")
@app_api()
async def meta() -> dict:
    return {"tool_icons": {}}


@bp.get("/site")
@app_api()
async def site() -> dict:
    return site_json(await container().webapp.get_site().of(current_app_model()))


@bp.get("/end-users/<end_user_id>")
@app_api()
async def end_user(end_user_id: str) -> dict:
    try:
        wanted = UUID(end_user_id)
    except ValueError:
        raise EndUserNotFound() from None
    return end_user_json(await container().get_end_user().execute(current_app_model(), wanted))
