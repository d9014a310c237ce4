"""Settings pages of features weir does not have: plugins (no plugin daemon), API-based and code-based
extensions, external data sources. Each answers, truthfully, with nothing installed and nothing possible, in
the shape the page reads, so the page renders its empty state instead of an error."""

from uuid import UUID

from quart import Blueprint, request

from domain.shared.errors import InvalidParam, NotFound
from entrypoints.http.auth import console_login_required

bp = Blueprint("console_not_installed", __name__)

# No plugin can be installed or debugged here: there is no plugin daemon.
_PERMISSION = {"install_permission": "noone", "debug_permission": "noone"}


@bp.get("/workspaces/current/plugin/list")
@console_login_required
async def plugins() -> dict:
    return {"plugins": [], "total": 0}


@bp.post("/workspaces/current/plugin/list/latest-versions")
@console_login_required
async def plugin_latest_versions() -> dict:
    return {"versions": {}}


@bp.post("/workspaces/current/plugin/list/installations/ids")
@console_login_required
async def plugin_installations() -> dict:
    return {"plugins": []}


@bp.get("/workspaces/current/plugin/tasks")
@console_login_required
async def plugin_tasks() -> dict:
    return {"tasks": []}


@bp.get("/workspaces/current/plugin/permission/fetch")
@console_login_required
async def plugin_permission() -> dict:
    return dict(_PERMISSION)


@bp.get("/workspaces/current/plugin/preferences/fetch")
@console_login_required
async def plugin_preferences() -> dict:
    return {
        "permission": dict(_PERMISSION),
        "auto_upgrade": {
            "strategy_setting": "disabled",
            "upgrade_time_of_day": 0,
            "upgrade_mode": "exclude",
            "exclude_plugins": [],
            "include_plugins": [],
        },
    }


@bp.get("/api-based-extension")
@console_login_required
async def api_based_extensions() -> list:
    return []


@bp.post("/api-based-extension")
@console_login_required
async def add_api_based_extension() -> dict:
    # The page's Add dialog posts here; a 405 would show "The method is not allowed" in its toast. Nothing in
    # weir calls an API-based extension (moderation, external data tools), so none is kept: say so.
    raise InvalidParam("API-based extensions are not available in weir: nothing would call them, so none is saved.")


@bp.get("/api-based-extension/<uuid:extension_id>")
@bp.post("/api-based-extension/<uuid:extension_id>")
@bp.delete("/api-based-extension/<uuid:extension_id>")
@console_login_required
async def api_based_extension(extension_id: UUID) -> dict:
    raise NotFound("API-based extension not found.")


@bp.get("/code-based-extension")
@console_login_required
async def code_based_extensions() -> dict:
    return {"module": request.args.get("module", ""), "data": []}


@bp.get("/data-source/integrates")
@console_login_required
async def data_sources() -> dict:
    return {"data": []}


@bp.get("/auth/plugin/datasource/list")
@bp.get("/auth/plugin/datasource/default-list")
@console_login_required
async def datasource_plugins() -> dict:
    # Data sources (Notion, web crawlers…) are plugins in Dify; weir has none.
    return {"result": []}
