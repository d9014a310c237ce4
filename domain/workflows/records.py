"""Frozen dataclasses as plain records (dicts of JSON values) and back, guided by their field types.

Typed fields are converted: UUID ⇄ str, datetime ⇄ ISO 8601 text, enums ⇄ their value, tuples ⇄ lists,
nested dataclasses ⇄ dicts, each possibly optional. Fields typed `Any` or `dict[str, Any]` pass through
unchanged: they must already hold JSON values (node inputs and outputs do), so a record survives
`json.dumps`/`json.loads` and decodes to an equal object.
"""

import dataclasses
import types
import typing
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any
from uuid import UUID


def encode(obj: Any) -> dict[str, Any]:
    """A dataclass instance as a dict of its fields, each as a JSON value."""
    return {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def decode(cls: type, record: dict[str, Any]) -> Any:
    """The instance of dataclass `cls` a record from `encode` describes (keys it does not know are ignored)."""
    hints = _hints(cls)
    return cls(**{name: _decode(hints[name], record[name]) for name in hints if name in record})


def _encode(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return encode(value)
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    return value


def _decode(hint: Any, raw: Any) -> Any:
    if raw is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _decode(next(a for a in args if a is not type(None)), raw)
    if origin is tuple:
        return tuple(_decode(args[0], item) for item in raw)
    if hint is UUID:
        return UUID(raw)
    if hint is datetime:
        return datetime.fromisoformat(raw)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(raw)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return decode(hint, raw)
    return raw


@cache
def _hints(cls: type) -> dict[str, Any]:
    fields = {f.name for f in dataclasses.fields(cls)}
    return {name: hint for name, hint in typing.get_type_hints(cls).items() if name in fields}
