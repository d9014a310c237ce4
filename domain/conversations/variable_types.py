"""Whether a value fits a conversation variable's declared type (Dify's segment types)."""

from typing import Any

from domain.shared.errors import DomainError


class VariableTypeMismatch(DomainError):
    pass


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _file(value: Any) -> bool:
    return isinstance(value, dict)


_SCALARS = {
    "string": lambda v: isinstance(v, str),
    "secret": lambda v: isinstance(v, str),
    "number": _number,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": _number,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "file": _file,
}


def kind_of(value: Any) -> str:
    """The type a value has, in the same words as the declared types."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if _number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "array" if isinstance(value, list) else type(value).__name__


def fits(value_type: str, value: Any) -> bool:
    """`array[T]` is a list whose every item fits T (`array[any]`: any list); an unknown type fits nothing."""
    if value_type.startswith("array[") and value_type.endswith("]"):
        item = value_type[len("array[") : -1]
        return isinstance(value, list) and (item == "any" or all(fits(item, v) for v in value))
    check = _SCALARS.get(value_type)
    return bool(check and check(value))


def check_value(name: str, value_type: str, value: Any) -> None:
    if not fits(value_type, value):
        raise VariableTypeMismatch(
            f"Type mismatch: variable '{name}' expects {value_type}, but got {kind_of(value)} type"
        )
