"""One structured log line per request, with its duration, and the request's id.

Every request has an id: the caller's `X-Request-Id` when it is a sane token (letters, digits, `.-_:`, at most
128 characters), else a new one. Every response carries it in `X-Request-Id`, a 500 also in its body, and every
log line written while the request is handled carries it (structlog's context variables).
"""

import re
import time
import uuid

import structlog
from quart import Quart, Response, g, request

log = structlog.get_logger("weir.http")

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _request_id() -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex


def register_request_log(app: Quart) -> None:
    @app.before_request
    async def start_timer() -> None:
        g.request_started = time.perf_counter()
        g.request_id = _request_id()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    async def log_request(response: Response) -> Response:
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
        if g.get("request_id"):
            response.headers[REQUEST_ID_HEADER] = g.request_id
        log.info(
            "request",
            method=request.method,
            path=request.path,
            status=response.status_code,
            duration_ms=duration_ms,
            remote=request.remote_addr,
        )
        return response

    @app.teardown_request
    async def forget_request_id(_: BaseException | None) -> None:
        structlog.contextvars.unbind_contextvars("request_id")
