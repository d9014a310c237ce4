from quart import Blueprint

from entrypoints.http.deps import container

bp = Blueprint("health", __name__)


@bp.get("/health")
async def health() -> tuple[dict, int]:
    report = await container().check_health().execute()
    body = {
        "status": "ok" if report.ok else "degraded",
        "checks": {check.name: {"ok": check.ok, **check.detail} for check in report.checks},
    }
    # 200 while the API can serve; a degraded dependency is reported in the body, the database being down is 503.
    database_ok = next((c.ok for c in report.checks if c.name == "database"), False)
    return body, 200 if database_ok else 503
