"""The console's Explore page: app templates (weir bundles none) and the workspace's installed apps. Using an
installed app goes through the web apps' routes under `/installed-apps/{id}/…` (entrypoints/http/web_app.py)."""

from uuid import UUID

from pydantic import BaseModel
from quart import Blueprint, request

from domain.apps.entities import App
from domain.apps.installed import InstalledApp
from domain.shared.errors import NotFound
from domain.tenancy.entities import Role
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body
from entrypoints.http.deps import container
from entrypoints.http.presenters import epoch, icon_url

bp = Blueprint("console_explore", __name__)


class InstallBody(BaseModel):
    app_id: UUID


class PinBody(BaseModel):
    is_pinned: bool | None = None


@bp.get("/explore/apps")
@console_login_required
async def recommended_apps() -> dict:
    # Dify fetches its templates from its own site or a bundled list; weir is offline and bundles none.
    return {"recommended_apps": [], "categories": []}


@bp.get("/explore/apps/<uuid:app_id>")
@console_login_required
async def recommended_app(app_id: UUID) -> dict:
    raise NotFound("Recommended app not found")


def _installed_json(installed: InstalledApp, app: App) -> dict:
    session = console_session()
    return {
        "id": str(installed.id),
        "app": {
            "id": str(app.id), "name": app.name, "mode": app.mode.value, "icon_type": app.icon_type.value,
            "icon": app.icon, "icon_background": app.icon_background,
            "use_icon_as_answer_icon": app.use_icon_as_answer_icon, "icon_url": icon_url(app.icon_type, app.icon),
        },
        "app_owner_tenant_id": str(installed.app_owner_tenant_id),
        "is_pinned": installed.is_pinned,
        "last_used_at": epoch(installed.last_used_at),
        "editable": session.role in (Role.OWNER, Role.ADMIN),
        # Dify's flag, true for the workspace's own apps: the page offers no Delete for them.
        "uninstallable": installed.app_owner_tenant_id == session.tenant.id,
    }


@bp.get("/installed-apps")
@console_login_required
async def installed_apps() -> dict:
    raw = request.args.get("app_id") or None
    try:
        app_id = UUID(raw) if raw else None
    except ValueError:
        return {"installed_apps": []}
    listed = await container().webapp.explore_apps().list(console_session().tenant.id, app_id)
    return {"installed_apps": [_installed_json(i, a) for i, a in listed]}


@bp.post("/installed-apps")
@console_login_required
async def install_app() -> dict:
    body = await parse_body(InstallBody)
    await container().webapp.explore_apps().install(console_session().tenant.id, body.app_id)
    return {"message": "App installed successfully"}


@bp.patch("/installed-apps/<uuid:installed_app_id>")
@console_login_required
async def update_installed_app(installed_app_id: UUID) -> dict:
    body = await parse_body(PinBody)
    explore = container().webapp.explore_apps()
    if body.is_pinned is None:
        await explore.get(console_session().tenant.id, installed_app_id)
    else:
        await explore.pin(console_session().tenant.id, installed_app_id, body.is_pinned)
    return {"result": "success", "message": "App info updated successfully"}


@bp.delete("/installed-apps/<uuid:installed_app_id>")
@console_login_required
async def uninstall_app(installed_app_id: UUID) -> tuple[str, int]:
    await container().webapp.explore_apps().uninstall(console_session().tenant.id, installed_app_id)
    return "", 204
