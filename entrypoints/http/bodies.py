"""Reading request bodies and query strings into pydantic models, with Dify's errors."""

import json
from typing import TypeVar

from pydantic import BaseModel
from quart import request

from entrypoints.http.errors import InvalidJson

M = TypeVar("M", bound=BaseModel)


async def json_object() -> dict:
    raw = await request.get_data(as_text=False)
    if not raw.strip():
        raise InvalidJson()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidJson() from None
    if not isinstance(data, dict):
        raise InvalidJson()
    return data


async def parse_body(model: type[M]) -> M:
    return model.model_validate(await json_object())


def parse_query(model: type[M]) -> M:
    return model.model_validate(request.args.to_dict())
