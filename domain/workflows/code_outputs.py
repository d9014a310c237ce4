"""Checks a code node's returned dict against its declared outputs, with Dify's limits and messages."""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

MAX_STRING_LENGTH = 400_000
MAX_NUMBER = 2**63 - 1
MIN_NUMBER = -(2**63)
MAX_PRECISION = 20
MAX_DEPTH = 5
MAX_STRING_ARRAY_LENGTH = 30
MAX_OBJECT_ARRAY_LENGTH = 30
MAX_NUMBER_ARRAY_LENGTH = 1000
MAX_BOOLEAN_ARRAY_LENGTH = 1000


class OutputInvalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_string(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise OutputInvalid(f"Output variable `{name}` must be a string")
    if len(value) > MAX_STRING_LENGTH:
        raise OutputInvalid(f"The length of output variable `{name}` must be less than {MAX_STRING_LENGTH} characters")
    return value.replace("\x00", "")


def check_number(value: Any, name: str) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OutputInvalid(f"Output variable `{name}` must be a number")
    if value > MAX_NUMBER or value < MIN_NUMBER:
        raise OutputInvalid(
            f"Output variable `{name}` is out of range, it must be between {MIN_NUMBER} and {MAX_NUMBER}."
        )
    if isinstance(value, float):
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MAX_PRECISION:
            raise OutputInvalid(
                f"Output variable `{name}` has too high precision, it must be less than {MAX_PRECISION} digits."
            )
    return value


def check_boolean(value: Any, name: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise OutputInvalid(f"Output variable `{name}` must be a boolean")
    return value


def _array(value: Any, name: str, limit: int, item: Callable[[Any, str], Any]) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise OutputInvalid(f"Output {name} is not an array, got {type(value)} instead.")
    if len(value) > limit:
        raise OutputInvalid(f"The length of output variable `{name}` must be less than {limit} elements.")
    return [item(element, f"{name}[{i}]") for i, element in enumerate(value)]


def check_outputs(
    result: Mapping[str, Any], schema: Mapping[str, Any] | None, prefix: str = "", depth: int = 1
) -> dict:
    """The declared outputs, checked and cleaned; every declared name must be present and nothing else."""
    if depth > MAX_DEPTH:
        raise OutputInvalid(f"Depth limit {MAX_DEPTH} reached, object too deep.")
    if not schema:
        _check_untyped(result, prefix, depth)
        return dict(result)
    checked: dict[str, Any] = {}
    for name, declared in schema.items():
        path = f"{prefix}.{name}" if prefix else name
        if name not in result:
            raise OutputInvalid(f"Output {path} is missing.")
        checked[name] = _typed(
            result[name], (declared or {}).get("type", ""), (declared or {}).get("children"), path, depth
        )
    if len(checked) != len(result):
        raise OutputInvalid("Not all output parameters are validated.")
    return checked


def _typed(value: Any, kind: str, children: Any, path: str, depth: int) -> Any:
    def obj(item: Any, item_path: str) -> Any:
        if item is None:
            return None
        if not isinstance(item, dict):
            raise OutputInvalid(f"Output {item_path} is not an object, got {type(item)} instead.")
        return check_outputs(item, children, item_path, depth + 1)

    match kind:
        case "string":
            return check_string(value, path)
        case "number" | "integer":
            return check_number(value, path)
        case "boolean":
            return check_boolean(value, path)
        case "object":
            return obj(value, path)
        case "array[string]":
            return _array(value, path, MAX_STRING_ARRAY_LENGTH, check_string)
        case "array[number]":
            return _array(value, path, MAX_NUMBER_ARRAY_LENGTH, check_number)
        case "array[boolean]":
            return _array(value, path, MAX_BOOLEAN_ARRAY_LENGTH, check_boolean)
        case "array[object]":
            return _array(value, path, MAX_OBJECT_ARRAY_LENGTH, obj)
        case _:
            raise OutputInvalid(f"Output type {kind} is not supported.")


def _check_untyped(result: Mapping[str, Any], prefix: str, depth: int) -> None:
    for name, value in result.items():
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict):
            check_outputs(value, None, path, depth + 1)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, (int, float)):
            check_number(value, path)
        elif isinstance(value, str):
            check_string(value, path)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    check_outputs(item, None, f"{path}[{i}]", depth + 1)
                elif isinstance(item, str):
                    check_string(item, f"{path}[{i}]")
                elif isinstance(item, (int, float)) and not isinstance(item, bool):
                    check_number(item, f"{path}[{i}]")
        elif value is not None:
            raise OutputInvalid(f"Output {path} is not a valid type.")
