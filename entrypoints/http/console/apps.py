from uuid import UUID

from quart import Blueprint, request

from application.apps.create_app import CreateAppRequest
from application.apps.list_apps import ListAppsRequest
from application.apps.update_app import UpdateAppRequest
from domain.apps.entities import App
from domain.apps.site import Site
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body, parse_query
from entrypoints.http.console.app_views import console_app_json
from entrypoints.http.console.schemas import ApiEnableBody, AppListQuery, CreateAppBody, UpdateAppBody
from entrypoints.http.deps import container
from entrypoints.http.query import limit_arg, page_arg

bp = Blueprint("console_apps", __name__)


def _tag_ids() -> list[str]:
    """The studio's tag filter: `tag_ids=a,b` or `tag_ids[0]=a&tag_ids[1]=b`, as Dify reads it."""
    indexed = sorted(
        (int(k[8:-1]), v) for k, v in request.args.items() if k.startswith("tag_ids[") and k[8:-1].isdigit()
    )
    if indexed:
        return [v for _, v in indexed]
    return [part for part in request.args.get("tag_ids", "").split(",") if part]


@bp.post("/apps")
@console_login_required
async def create_app() -> tuple[dict, int]:
    body = await parse_body(CreateAppBody)
    session = console_session()
    app = (
        await container()
        .create_app()
        .execute(CreateAppRequest(tenant_id=session.tenant.id, account_id=session.account.id, **body.model_dump()))
    )
    return console_app_json(app), 201


@bp.get("/apps")
@console_login_required
async def list_apps() -> dict:
    query, number, limit = parse_query(AppListQuery), page_arg(), limit_arg()
    tenant_id, tagging = console_session().tenant.id, container().console.tag_apps()
    tag_ids = _tag_ids()
    ids = frozenset(await tagging.apps_with_all(tenant_id, tag_ids)) if tag_ids else None
    listing = ListAppsRequest(tenant_id=tenant_id, page=number, limit=limit, mode=query.mode, name=query.name, ids=ids)
    page = await container().list_apps().execute(listing)
    tags = await tagging.of_apps([app.id for app in page.items])
    authors = await _authors(tenant_id)
    return {
        "page": number,
        "limit": limit,
        "total": page.total,
        "has_more": number * limit < page.total,
        "data": [console_app_json(app, tags.get(app.id), authors=authors) for app in page.items],
    }


async def _authors(tenant_id: UUID) -> dict[UUID, str]:
    """Who made the workspace's apps: its members by id (an app made by a member since removed has none)."""
    return {account.id: account.name for account, _ in await container().console.list_members().execute(tenant_id)}


@bp.get("/apps/<uuid:app_id>")
@console_login_required
async def get_app(app_id: UUID) -> dict:
    tenant_id = console_session().tenant.id
    app = await container().get_app().execute(tenant_id, app_id)
    tags = (await container().console.tag_apps().of_apps([app.id])).get(app.id)
    config = await container().console.get_app_model_config().execute(tenant_id, app.id)
    authors = await _authors(tenant_id) if app.created_by != console_session().account.id else None
    return console_app_json(app, tags, config, await _site(app), authors)


@bp.put("/apps/<uuid:app_id>")
@console_login_required
async def update_app(app_id: UUID) -> dict:
    body = await parse_body(UpdateAppBody)
    session = console_session()
    app = (
        await container()
        .update_app()
        .execute(
            UpdateAppRequest(
                tenant_id=session.tenant.id, account_id=session.account.id, app_id=app_id, **body.model_dump()
            )
        )
    )
    return console_app_json(app, site=await _site(app))


@bp.post("/apps/<uuid:app_id>/api-enable")
@console_login_required
async def set_api_access(app_id: UUID) -> dict:
    body = await parse_body(ApiEnableBody)
    session = console_session()
    app = await container().set_api_access().execute(session.tenant.id, session.account.id, app_id, body.enable_api)
    return console_app_json(app, site=await _site(app))


async def _site(app: App) -> Site:
    return await container().webapp.get_site().of(app)


@bp.delete("/apps/<uuid:app_id>")
@console_login_required
async def delete_app(app_id: UUID) -> tuple[str, int]:
    await container().delete_app().execute(console_session().tenant.id, app_id)
    return "", 204
