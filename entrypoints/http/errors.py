"""Maps every error to Dify's envelope `{code, message, status}`, in one place."""

import logging
import re

from pydantic import ValidationError
from quart import Quart, Response, jsonify
from werkzeug.exceptions import HTTPException

from domain.apps import errors as apps
from domain.conversations import errors as conversations
from domain.files import entities as files
from domain.models import errors as models
from domain.shared import errors as shared
from domain.tenancy import errors as tenancy
from domain.workflows import graph as workflow_graph
from entrypoints.http.dataset_api import KNOWLEDGE_ERROR_CODES

log = logging.getLogger(__name__)

INVALID_JSON = "Invalid JSON payload received or JSON payload is empty."

# Most specific first: the first class in an exception's MRO found here decides.
_DOMAIN_CODES: dict[type[Exception], tuple[str, int]] = {
    tenancy.AlreadySetUp: ("already_setup", 403),
    tenancy.NotSetUp: ("not_setup", 401),
    tenancy.AuthenticationFailed: ("authentication_failed", 401),
    tenancy.AccountBanned: ("account_banned", 403),
    tenancy.LoginLocked: ("email_code_login_limit", 429),
    tenancy.TooManyAttempts: ("too_many_requests", 429),
    apps.EndUserNotFound: ("end_user_not_found", 404),
    apps.TooManyKeys: ("max_keys_exceeded", 400),
    apps.AppUnavailable: ("app_unavailable", 400),
    apps.NotChatApp: ("not_chat_app", 400),
    apps.NotCompletionApp: ("not_completion_app", 400),
    apps.NotWorkflowApp: ("not_workflow_app", 400),
    models.ProviderNotInitialized: ("provider_not_initialize", 400),
    models.ProviderQuotaExceeded: ("provider_quota_exceeded", 400),
    models.RateLimitError: ("rate_limit_error", 429),
    models.CompletionRequestError: ("completion_request_error", 400),
    conversations.TooManyRequests: ("too_many_requests", 429),
    conversations.ConversationCompleted: ("conversation_completed", 400),
    conversations.SuggestionsDisabled: ("bad_request", 400),
    files.NoFileUploaded: ("no_file_uploaded", 400),
    files.TooManyFiles: ("too_many_files", 400),
    files.FileTooLarge: ("file_too_large", 413),
    files.UnsupportedFileType: ("unsupported_file_type", 415),
    workflow_graph.InvalidGraph: ("invalid_param", 400),
    **KNOWLEDGE_ERROR_CODES,
    shared.InvalidParam: ("invalid_param", 400),
    shared.NotFound: ("not_found", 404),
    shared.Forbidden: ("forbidden", 403),
    shared.Unauthorized: ("unauthorized", 401),
    shared.StoreUnavailable: ("service_unavailable", 503),
}


class InvalidJson(Exception):
    """The body was empty or not JSON."""


def error_response(code: str, message: str, status: int, **extra: object) -> Response:
    response = jsonify({"code": code, "message": message, "status": status, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def dify_code(error: shared.DomainError) -> tuple[str, int]:
    """Dify's (code, HTTP status) for a domain error: the first class of its MRO with an entry."""
    for cls in type(error).__mro__:
        if cls in _DOMAIN_CODES:
            return _DOMAIN_CODES[cls]
    return "internal_server_error", 500


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
