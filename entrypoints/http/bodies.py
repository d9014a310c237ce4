"""Reading request bodies and query strings into pydantic models, with Dify's errors.

A JSON body must say so (`Content-Type: application/json` or `application/*+json`): Dify reads bodies with
Flask's `request.get_json()`, which answers anything else (text/plain carrying JSON included) with 415
`unsupported_media_type`. Its size is bounded before it is read (entrypoints.http.limits); one above
PARSE_IN_THREAD_BYTES is parsed on a worker thread, so a large body never stalls the other requests. Every string,
key and number in it is checked (entrypoints.http.input_checks) before any use case runs.
"""

import asyncio
import json
from typing import TypeVar

from pydantic import BaseModel
from quart import g, request
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import UnsupportedMediaType

from domain.shared.errors import InvalidParam
from entrypoints.http.errors import InvalidJson
from entrypoints.http.input_checks import check_json, check_pairs, storable

M = TypeVar("M", bound=BaseModel)

PARSE_IN_THREAD_BYTES = 256 * 1024
NOT_JSON = "Did not attempt to load JSON data because the request Content-Type was not 'application/json'."


def decode_json(raw: bytes) -> dict:
    """The body as a checked JSON object; InvalidJson when it is empty, not JSON, or not an object."""
    if not raw.strip():
        raise InvalidJson()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidJson() from None
    if not isinstance(data, dict):
        raise InvalidJson()
    check_json(data)
    return data


async def json_object() -> dict:
    """The request's JSON object, parsed once per request."""
    cached = g.get("json_body")
    if cached is not None:
        return cached
    if not request.is_json:
        raise UnsupportedMediaType(NOT_JSON)
    raw = await request.get_data(as_text=False)
    data = await asyncio.to_thread(decode_json, raw) if len(raw) > PARSE_IN_THREAD_BYTES else decode_json(raw)
    g.json_body = data
    return data


async def parse_body(model: type[M]) -> M:
    return model.model_validate(await json_object())


def parse_query(model: type[M]) -> M:
    return model.model_validate(request.args.to_dict())


async def form_parts() -> tuple[MultiDict, MultiDict]:
    """A multipart request's fields and files, every name, value and file name checked."""
    form, files = await request.form, await request.files
    check_pairs(form.items(multi=True), "form field")
    check_pairs(((name, "") for name in files), "form field")
    for name, file in files.items(multi=True):
        if isinstance(file, FileStorage) and file.filename and not storable(file.filename):
            raise InvalidParam("The file name must not contain NUL characters or unpaired surrogates.", param=name)
    return form, files
