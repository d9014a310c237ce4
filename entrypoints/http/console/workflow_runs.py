"""The workflow editor's run history (Dify's console workflow-runs): the runs page by page (the editor's
test runs unless `triggered_from=app-run`), their counts, a run's detail and its node executions."""

from uuid import UUID

from quart import Blueprint, request

from domain.apps.entities import App, AppMode
from domain.apps.errors import NotWorkflowApp
from domain.shared.errors import InvalidParam
from domain.workflows.ports import RunHistoryFilter
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.console.run_views import history_item, node_execution, run_detail
from entrypoints.http.deps import container
from entrypoints.http.query import limit_arg

bp = Blueprint("console_workflow_runs", __name__)


async def _app(app_id: UUID, *modes: AppMode) -> App:
    app = await container().get_app().execute(console_session().tenant.id, app_id)
    if app.mode not in modes:
        raise NotWorkflowApp()
    return app


def _last_id() -> UUID | None:
    raw = (request.args.get("last_id") or "").strip()
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise InvalidParam("last_id must be a UUID", param="last_id") from None


async def _history(app: App, chat: bool) -> dict:
    limit = limit_arg()
    filters = RunHistoryFilter(
        triggered_from=request.args.get("triggered_from") or "debugging",
        status=request.args.get("status") or None,
        after=_last_id(),
    )
    runs, more = await container().workflows.list_run_history().execute(app, filters, limit)
    return {"limit": limit, "has_more": more, "data": [history_item(run, chat) for run in runs]}


@bp.get("/apps/<uuid:app_id>/workflow-runs")
@console_login_required
async def workflow_runs(app_id: UUID) -> dict:
    app = await _app(app_id, AppMode.WORKFLOW, AppMode.ADVANCED_CHAT)
    return await _history(app, chat=False)


@bp.get("/apps/<uuid:app_id>/advanced-chat/workflow-runs")
@console_login_required
async def chatflow_runs(app_id: UUID) -> dict:
    return await _history(await _app(app_id, AppMode.ADVANCED_CHAT), chat=True)


@bp.get("/apps/<uuid:app_id>/workflow-runs/count")
@bp.get("/apps/<uuid:app_id>/advanced-chat/workflow-runs/count")
@console_login_required
async def run_counts(app_id: UUID) -> dict:
    chat_only = "/advanced-chat/" in request.path
    app = await _app(app_id, *((AppMode.ADVANCED_CHAT,) if chat_only else (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT)))
    counts = (
        await container()
        .workflows.count_runs()
        .execute(
            app,
            request.args.get("triggered_from") or "debugging",
            request.args.get("status") or None,
            request.args.get("time_range") or None,
        )
    )
    # Dify names the key partial_succeeded (the status itself is partial-succeeded).
    counts["partial_succeeded"] = counts.pop("partial-succeeded")
    return counts


@bp.get("/apps/<uuid:app_id>/workflow-runs/<uuid:run_id>")
@console_login_required
async def workflow_run(app_id: UUID, run_id: UUID) -> dict:
    app = await _app(app_id, AppMode.WORKFLOW, AppMode.ADVANCED_CHAT)
    run, runner = await container().workflows.get_run_with_runner().execute(app, run_id)
    return run_detail(run, runner)


@bp.get("/apps/<uuid:app_id>/workflow-runs/<uuid:run_id>/node-executions")
@console_login_required
async def node_executions(app_id: UUID, run_id: UUID) -> dict:
    app = await _app(app_id, AppMode.WORKFLOW, AppMode.ADVANCED_CHAT)
    executions, runner = await container().workflows.list_run_nodes().execute(app, run_id)
    return {"data": [node_execution(execution, runner) for execution in executions]}
