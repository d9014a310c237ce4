"""GET /metrics: the Prometheus text exposition of weir's OpenTelemetry metrics."""

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from quart import Blueprint, Response

from entrypoints.http.deps import container

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(container().telemetry.prometheus_registry()), content_type=CONTENT_TYPE_LATEST)
