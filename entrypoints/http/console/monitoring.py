"""The console's monitoring page of an app: its daily charts, computed from the stored messages, and its
tracing settings (weir sends traces to no external tracing provider, so tracing stays off)."""

from uuid import UUID

from quart import Blueprint, request

from domain.conversations.statistics import METRICS, WORKFLOW_METRICS, statistic_window
from domain.shared.errors import InvalidParam, NotFound
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.deps import container

bp = Blueprint("console_monitoring", __name__)


@bp.get("/apps/<uuid:app_id>/statistics/<metric>")
@console_login_required
async def statistics(app_id: UUID, metric: str) -> dict:
    if metric not in METRICS:
        raise NotFound("The requested URL was not found on the server.")
    session = console_session()
    window = statistic_window(request.args.get("start"), request.args.get("end"), session.account.timezone)
    rows = await container().console.get_app_statistics().execute(session.tenant.id, app_id, metric, window)
    return {"data": rows}


@bp.get("/apps/<uuid:app_id>/workflow/statistics/<metric>")
@console_login_required
async def workflow_statistics(app_id: UUID, metric: str) -> dict:
    if metric not in WORKFLOW_METRICS:
        raise NotFound("The requested URL was not found on the server.")
    session = console_session()
    window = statistic_window(request.args.get("start"), request.args.get("end"), session.account.timezone)
    rows = await container().console.get_workflow_statistics().execute(session.tenant.id, app_id, metric, window)
    return {"data": rows}


@bp.get("/apps/<uuid:app_id>/trace")
@console_login_required
async def trace(app_id: UUID) -> dict:
    await container().get_app().execute(console_session().tenant.id, app_id)
    return {"enabled": False, "tracing_provider": None}


@bp.post("/apps/<uuid:app_id>/trace")
@console_login_required
async def set_trace(app_id: UUID) -> dict:
    await container().get_app().execute(console_session().tenant.id, app_id)
    body = await json_object()
    if body.get("enabled"):
        # No tracing provider can be configured on weir, so none can be switched on.
        raise InvalidParam("Tracing config not exist.", "tracing_provider")
    return {"result": "success"}


@bp.get("/apps/<uuid:app_id>/trace-config")
@console_login_required
async def trace_config(app_id: UUID) -> dict:
    await container().get_app().execute(console_session().tenant.id, app_id)
    return {"has_not_configured": True}


@bp.get("/apps/<uuid:app_id>/annotations/count")
@console_login_required
async def annotation_count(app_id: UUID) -> dict:
    # weir keeps no annotated replies.
    await container().get_app().execute(console_session().tenant.id, app_id)
    return {"count": 0}
