"""One structured log line per request, with its duration."""

import time

import structlog
from quart import Quart, Response, g, request

log = structlog.get_logger("weir.http")


def register_request_log(app: Quart) -> None:
    @app.before_request
    async def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    async def log_request(response: Response) -> Response:
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
        log.info(
            "request",
            method=request.method,
            path=request.path,
            status=response.status_code,
            duration_ms=duration_ms,
            remote=request.remote_addr,
        )
        return response
