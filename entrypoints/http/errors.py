"""Maps every error to Dify's envelope `{code, message, status}`, in one place.

An unexpected error is a 500 carrying the request's id (body `request_id`, header X-Request-Id). It is logged as
one line: the exception's type and first line, the request id, where it was raised. Its traceback is logged the
first time that place fails (then at DEBUG only), so a flood of one failure neither floods the log nor spends
the event loop's time formatting tracebacks.
"""

import logging
import re

from pydantic import ValidationError
from quart import Quart, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from domain.shared import errors as shared
from entrypoints.http.error_codes import dify_code

log = logging.getLogger(__name__)

INVALID_JSON = "Invalid JSON payload received or JSON payload is empty."

__all__ = ["INVALID_JSON", "InvalidJson", "dify_code", "error_response", "register_error_handlers"]


class InvalidJson(Exception):
    """The body was empty or not JSON."""


def error_response(code: str, message: str, status: int, **extra: object) -> Response:
    response = jsonify({"code": code, "message": message, "status": status, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _domain_error(error: shared.DomainError) -> Response:
    code, status = dify_code(error)
    extra = {"params": error.param} if isinstance(error, shared.InvalidParam) and error.param else {}
    response = error_response(code, error.message, status, **extra)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _validation_error(error: ValidationError) -> Response:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    message = first["msg"] if not field else f"{field}: {first['msg']}"
    return error_response("invalid_param", message, 400, **({"params": field} if field else {}))


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    code = re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()
    return error_response(code, error.description or "", status)


MAX_SITES = 1024  # distinct failing places remembered; past that, tracebacks go to DEBUG only
_sites_logged: set[tuple[str, str, int]] = set()


def _site(error: BaseException) -> tuple[str, str, int]:
    """The exception's type and the innermost frame it was raised in."""
    tb = error.__traceback__
    if tb is None:
        return type(error).__qualname__, "?", 0
    while tb.tb_next is not None:
        tb = tb.tb_next
    return type(error).__qualname__, tb.tb_frame.f_code.co_filename, tb.tb_lineno


def _first_line(error: BaseException, limit: int = 300) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else "")[:limit]


def _unstorable_text(error: BaseException) -> bool:
    """Raised because text could not be stored: a NUL (PostgreSQL) or an unpaired surrogate (UTF-8), anywhere in
    the chain of causes. Only input carries such text (weir's own strings never do)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UnicodeEncodeError) and "surrogates not allowed" in current.reason:
            return True
        if "cannot contain NUL" in str(current).split("\n", 1)[0]:
            return True
        current = current.__cause__ or current.__context__ or getattr(current, "orig", None)
    return False


UNSTORABLE = "The request carries text that cannot be stored: a NUL character or an unpaired surrogate."


def _unexpected(error: Exception) -> Response:
    request_id = g.get("request_id")
    if _unstorable_text(error):
        # Input the edge's checks could not see (text inside a YAML DSL, a document's content): Dify answers a
        # ValueError with 400 invalid_param, and so does weir. One line, so the place can be checked at the edge.
        site = _site(error)
        log.warning("unstorable text reached %s:%d (request_id=%s %s %s)", site[1], site[2], request_id,
                    request.method, request.path)
        return error_response("invalid_param", UNSTORABLE, 400)

    site = _site(error)
    first_time = site not in _sites_logged and len(_sites_logged) < MAX_SITES
    if first_time:
        _sites_logged.add(site)
    log.error(
        "unhandled error %s: %s (request_id=%s %s %s, at %s:%d)",
        type(error).__name__, _first_line(error), request_id, request.method, request.path, site[1], site[2],
        exc_info=error if first_time else None,
    )
    if not first_time:
        log.debug("traceback of request %s", request_id, exc_info=error)
    return error_response(
        "internal_server_error", "The server encountered an internal error.", 500, request_id=request_id
    )


def register_error_handlers(app: Quart) -> None:
    @app.errorhandler(shared.DomainError)
    async def domain(error: shared.DomainError) -> Response:
        return _domain_error(error)

    @app.errorhandler(ValidationError)
    async def validation(error: ValidationError) -> Response:
        return _validation_error(error)

    @app.errorhandler(InvalidJson)
    async def invalid_json(_: InvalidJson) -> Response:
        return error_response("bad_request", INVALID_JSON, 400)

    @app.errorhandler(HTTPException)
    async def http(error: HTTPException) -> Response:
        return _http_error(error)

    @app.errorhandler(Exception)
    async def unexpected(error: Exception) -> Response:
        return _unexpected(error)
