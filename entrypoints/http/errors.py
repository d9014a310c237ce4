"""Maps every error to Dify's envelope `{code, message, status}`, in one place."""

import logging
import re

from pydantic import ValidationError
from quart import Quart, Response, jsonify
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
    return error_response(code, error.message, status, **extra)


def _validation_error(error: ValidationError) -> Response:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    message = first["msg"] if not field else f"{field}: {first['msg']}"
    return error_response("invalid_param", message, 400, **({"params": field} if field else {}))


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    code = re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()
    return error_response(code, error.description or "", status)


def _unexpected(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    return error_response("internal_server_error", "The server encountered an internal error.", 500)


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
