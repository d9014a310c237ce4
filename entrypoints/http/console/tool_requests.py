"""What the tool routes read from a request: the workspace, and body fields checked into Dify's errors."""

from uuid import UUID

from domain.shared.errors import InvalidParam
from entrypoints.http.auth import console_session

WS = "/workspaces/current"


def tenant() -> UUID:
    return console_session().tenant.id


def text(body: dict, name: str, required: bool = True) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidParam(f"{name} is required.", param=name)
    return value


def body_object(body: dict, name: str) -> dict:
    value = body.get(name) or {}
    if not isinstance(value, dict):
        raise InvalidParam(f"{name} must be an object.", param=name)
    return value


def as_uuid(value: object, name: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidParam(f"{name} is not a valid id.", param=name) from None


def listed(body: dict, name: str) -> list:
    value = body.get(name) or []
    if not isinstance(value, list):
        raise InvalidParam(f"{name} must be a list.", param=name)
    return value


def labels(body: dict) -> tuple[str, ...]:
    return tuple(label for label in listed(body, "labels") if isinstance(label, str))
