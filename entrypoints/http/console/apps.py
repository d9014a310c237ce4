from uuid import UUID

from quart import Blueprint

from application.apps.create_app import CreateAppRequest
from application.apps.list_apps import ListAppsRequest
from application.apps.update_app import UpdateAppRequest
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body, parse_query
from entrypoints.http.console.schemas import ApiEnableBody, AppListQuery, CreateAppBody, UpdateAppBody
from entrypoints.http.deps import container
from entrypoints.http.presenters import app_json
from entrypoints.http.query import limit_arg, page_arg

bp = Blueprint("console_apps", __name__)


@bp.post("/apps")
@console_login_required
async def create_app() -> tuple[dict, int]:
    body = await parse_body(CreateAppBody)
    session = console_session()
    app = await container().create_app().execute(
        CreateAppRequest(tenant_id=session.tenant.id, account_id=session.account.id, **body.model_dump())
    )
    return app_json(app), 201


@bp.get("/apps")
@console_login_required
async def list_apps() -> dict:
    query, number, limit = parse_query(AppListQuery), page_arg(), limit_arg()
    request = ListAppsRequest(
        tenant_id=console_session().tenant.id, page=number, limit=limit, mode=query.mode, name=query.name
    )
    page = await container().list_apps().execute(request)
    return {
        "page": number,
        "limit": limit,
        "total": page.total,
        "has_more": number * limit < page.total,
        "data": [app_json(app) for app in page.items],
    }


@bp.get("/apps/<uuid:app_id>")
@console_login_required
async def get_app(app_id: UUID) -> dict:
    return app_json(await container().get_app().execute(console_session().tenant.id, app_id))


@bp.put("/apps/<uuid:app_id>")
@console_login_required
async def update_app(app_id: UUID) -> dict:
    body = await parse_body(UpdateAppBody)
    session = console_session()
    app = await container().update_app().execute(
        UpdateAppRequest(tenant_id=session.tenant.id, account_id=session.account.id, app_id=app_id, **body.model_dump())
    )
    return app_json(app)


@bp.post("/apps/<uuid:app_id>/api-enable")
@console_login_required
async def set_api_access(app_id: UUID) -> dict:
    body = await parse_body(ApiEnableBody)
    session = console_session()
    app = await container().set_api_access().execute(session.tenant.id, session.account.id, app_id, body.enable_api)
    return app_json(app)


@bp.delete("/apps/<uuid:app_id>")
@console_login_required
async def delete_app(app_id: UUID) -> tuple[str, int]:
    await container().delete_app().execute(console_session().tenant.id, app_id)
    return "", 204
