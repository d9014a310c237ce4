"""Turns what a model extracted into the declared parameter types (parameter-extractor)."""

from collections.abc import Mapping
from typing import Any

DEFAULTS: dict[str, Any] = {"string": "", "select": "", "number": 0, "bool": False, "boolean": False}


class NotCoercible(Exception):
    pass


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise NotCoercible
    if isinstance(value, (int, float)):
        return value
    try:
        number = float(str(value).strip())
    except ValueError:
        raise NotCoercible from None
    return int(number) if number.is_integer() and "." not in str(value) else number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise NotCoercible


def coerce(kind: str, value: Any, options: list[str] | None = None) -> Any:
    if kind in ("number", "integer", "float"):
        return _number(value)
    if kind in ("bool", "boolean"):
        return _boolean(value)
    if kind == "select":
        if options and str(value) not in options:
            raise NotCoercible
        return str(value)
    if kind == "string":
        if isinstance(value, (dict, list)):
            raise NotCoercible
        return str(value)
    if kind.startswith("array["):
        items = value if isinstance(value, list) else [value]
        element = kind[len("array[") : -1]
        if element == "object":
            if not all(isinstance(item, Mapping) for item in items):
                raise NotCoercible
            return [dict(item) for item in items]
        return [coerce(element, item) for item in items]
    return value


def default_for(kind: str) -> Any:
    return [] if kind.startswith("array[") else DEFAULTS.get(kind)
