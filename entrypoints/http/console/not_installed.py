"""Settings pages of features weir does not have: plugins (no plugin daemon), API-based and code-based
extensions, external data sources (Notion, website crawlers) and knowledge pipelines. Each answers, truthfully,
with nothing installed and nothing possible, in the shape the page reads, so the page renders its empty state
instead of an error."""

from uuid import UUID

from quart import Blueprint, request

from domain.knowledge.errors import NoWebsiteCrawler
from domain.shared.errors import InvalidParam, NotFound
from entrypoints.http.auth import console_login_required
from entrypoints.http.bodies import json_object

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


# No Notion workspace can be bound (Dify binds it through its Notion datasource plugin): no credential exists.
@bp.get("/notion/pre-import/pages")
@console_login_required
async def notion_pages() -> dict:
    if not request.args.get("credential_id"):
        raise InvalidParam("credential_id is required", param="credential_id")
    raise NotFound("Credential not found.")


@bp.get("/notion/pages/<page_id>/<page_type>/preview")
@console_login_required
async def notion_page_preview(page_id: str, page_type: str) -> dict:
    raise NotFound("Credential not found.")


CRAWLERS = ("firecrawl", "watercrawl", "jinareader")


@bp.post("/website/crawl")
@console_login_required
async def website_crawl() -> dict:
    body = await json_object()
    if body.get("provider") not in CRAWLERS:
        raise InvalidParam(f"provider must be one of {', '.join(CRAWLERS)}", param="provider")
    raise NoWebsiteCrawler()


@bp.get("/website/crawl/status/<job_id>")
@console_login_required
async def website_crawl_status(job_id: str) -> dict:
    raise NoWebsiteCrawler()


TEMPLATE_TYPES = ("built-in", "customized")


@bp.get("/rag/pipeline/templates")
@console_login_required
async def pipeline_templates() -> dict:
    if request.args.get("type", "built-in") not in TEMPLATE_TYPES:
        raise InvalidParam("type must be built-in or customized", param="type")
    return {"pipeline_templates": []}


@bp.get("/rag/pipeline/templates/<template_id>")
@console_login_required
async def pipeline_template(template_id: str) -> dict:
    raise NotFound("Pipeline template not found.")


@bp.get("/rag/pipelines/datasource-plugins")
@console_login_required
async def pipeline_datasource_plugins() -> list:
    return []


@bp.post("/rag/pipeline/empty-dataset")
@bp.post("/rag/pipeline/dataset")
@console_login_required
async def pipeline_dataset() -> dict:
    raise InvalidParam("Knowledge pipelines are not available in weir; create the knowledge base from files instead.")
