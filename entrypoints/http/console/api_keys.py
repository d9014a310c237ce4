from uuid import UUID

from quart import Blueprint

from domain.apps.entities import TokenType
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.deps import container
from entrypoints.http.presenters import api_key_json

bp = Blueprint("console_api_keys", __name__)


@bp.get("/apps/<uuid:app_id>/api-keys")
@console_login_required
async def list_app_keys(app_id: UUID) -> dict:
    keys = await container().list_api_keys().execute(console_session().tenant.id, TokenType.APP, app_id)
    return {"data": [api_key_json(key) for key in keys]}


@bp.post("/apps/<uuid:app_id>/api-keys")
@console_login_required
async def create_app_key(app_id: UUID) -> tuple[dict, int]:
    key = await container().create_api_key().execute(console_session().tenant.id, TokenType.APP, app_id)
    return api_key_json(key), 201


@bp.delete("/apps/<uuid:app_id>/api-keys/<uuid:key_id>")
@console_login_required
async def delete_app_key(app_id: UUID, key_id: UUID) -> tuple[str, int]:
    await container().delete_api_key().execute(console_session().tenant.id, TokenType.APP, key_id, app_id)
    return "", 204


@bp.get("/datasets/api-keys")
@console_login_required
async def list_dataset_keys() -> dict:
    keys = await container().list_api_keys().execute(console_session().tenant.id, TokenType.DATASET)
    return {"data": [api_key_json(key) for key in keys]}


@bp.post("/datasets/api-keys")
@console_login_required
async def create_dataset_key() -> tuple[dict, int]:
    key = await container().create_api_key().execute(console_session().tenant.id, TokenType.DATASET)
    return api_key_json(key), 201


@bp.delete("/datasets/api-keys/<uuid:key_id>")
@console_login_required
async def delete_dataset_key(key_id: UUID) -> tuple[str, int]:
    await container().delete_api_key().execute(console_session().tenant.id, TokenType.DATASET, key_id)
    return "", 204
