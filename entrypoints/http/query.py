"""Reading integers and timestamps from the query string, as every list route does: a bounded integer or an
ISO 8601 time, else Dify's 400 `invalid_param` (never a 500, and never a number too large for the database).
Before any route runs, every query parameter and path segment is checked to be storable text (`check_url`)."""

import re
from datetime import UTC, datetime

from quart import request

from domain.shared.errors import InvalidParam
from entrypoints.http.input_checks import check_pairs

MAX_PAGE = 99999  # Dify's bound on `page` (console apps, workflow logs); it keeps offsets far from bigint's end
MAX_LIMIT = 100

_INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only: int() alone would also take "٣", "1_000" and " +7"
_MAX_DIGITS = 20


def int_arg(name: str, default: int, *, minimum: int = 1, maximum: int) -> int:
    """The query parameter `name` as an integer in minimum..maximum; absent or empty, the default."""
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not _INTEGER.fullmatch(text):
        raise InvalidParam(f"{name} must be an integer.", param=name)
    value = int(text) if len(text) <= _MAX_DIGITS else maximum + 1
    if not minimum <= value <= maximum:
        raise InvalidParam(f"{name} must be an integer between {minimum} and {maximum}.", param=name)
    return value


def page_arg() -> int:
    return int_arg("page", 1, maximum=MAX_PAGE)


def limit_arg(default: int = 20, maximum: int = MAX_LIMIT) -> int:
    return int_arg("limit", default, maximum=maximum)


def datetime_arg(name: str) -> datetime | None:
    """The query parameter `name` as an ISO 8601 time (a trailing Z is UTC; no zone is UTC too); absent, None."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidParam(f"{name} must be an ISO 8601 date and time.", param=name) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def check_url() -> None:
    """Every query parameter (name and value) and path segment: no NUL, no unpaired surrogate."""
    check_pairs(request.args.items(multi=True), "query parameter")
    check_pairs((request.view_args or {}).items(), "path segment")
