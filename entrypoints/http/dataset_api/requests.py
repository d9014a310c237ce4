"""Reading the knowledge routes' inputs: ids in paths, the caller's identity, multipart JSON; pages out."""

import json
from uuid import UUID

from quart import g

from application.knowledge.guards import Actor
from domain.knowledge.errors import DatasetNotFound, DocumentNotFound, SegmentNotFound
from domain.shared.errors import InvalidParam, NotFound
from entrypoints.http.auth import api_caller
from entrypoints.http.deps import container
from entrypoints.http.input_checks import check_json


def path_id(value: str, missing: type[NotFound] = NotFound) -> UUID:
    """A malformed id names nothing: 404, as an unknown one."""
    try:
        return UUID(value)
    except ValueError:
        raise missing() from None


def dataset_id(value: str) -> UUID:
    return path_id(value, DatasetNotFound)


def document_id(value: str) -> UUID:
    return path_id(value, DocumentNotFound)


def segment_id(value: str) -> UUID:
    return path_id(value, SegmentNotFound)


def tenant_id() -> UUID:
    """The workspace of the dataset key, or of the console session when the console calls the same route."""
    session = g.get("console")
    return session.tenant.id if session is not None else api_caller().tenant.id


async def actor() -> Actor:
    session = g.get("console")
    if session is not None:
        return Actor(tenant_id=session.tenant.id, account_id=session.account.id)
    return await container().knowledge.resolve_actor().execute(tenant_id())


def json_field(raw: str | None, param: str = "data") -> dict:
    """The `data` part of a multipart upload: a JSON object, or nothing."""
    if raw is None or raw == "":
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidParam("data must be a JSON object.", param=param) from None
    if not isinstance(value, dict):
        raise InvalidParam("data must be a JSON object.", param=param)
    check_json(value, root=param)
    return value


def page_json(items: list, total: int, page: int, limit: int) -> dict:
    return {"data": items, "has_more": page * limit < total, "limit": limit, "total": total, "page": page}
