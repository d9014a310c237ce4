"""Variable assigner v2 operations and Dify's rules for which operation fits which variable type."""

from typing import Any

NUMBER_OPERATIONS = frozenset({"+=", "-=", "*=", "/="})
ARRAY_OPERATIONS = frozenset({"append", "extend", "remove-first", "remove-last"})
NO_VALUE_OPERATIONS = frozenset({"clear", "remove-first", "remove-last"})
EMPTY = {"string": "", "number": 0, "boolean": False, "object": {}}


class AssignmentRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def kind_of(value: Any) -> str:
    """The variable's type as the pool holds it (weir's pool is untyped; the value tells)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        kinds = {kind_of(item) for item in value}
        return f"array[{kinds.pop()}]" if len(kinds) == 1 else "array[any]"
    return "any"


def supported(kind: str, operation: str) -> bool:
    if operation in ("over-write", "clear"):
        return True
    if operation == "set":
        return kind in ("object", "string", "number", "boolean", "any")
    if operation in NUMBER_OPERATIONS:
        return kind == "number"
    if operation in ARRAY_OPERATIONS:
        return kind.startswith("array")
    return False


def _item_fits(kind: str, item: Any) -> bool:
    element = kind[len("array[") : -1]
    if element == "any":
        return isinstance(item, (str, int, float, dict, bool))
    return kind_of(item) == element


def valid_value(kind: str, operation: str, value: Any) -> bool:
    if operation in NO_VALUE_OPERATIONS or kind == "any":
        return True
    if kind == "number":
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return number and not (operation == "/=" and value == 0)
    if kind in ("string", "object", "boolean"):
        return kind_of(value) == kind
    if operation == "append":
        return _item_fits(kind, value)
    return isinstance(value, list) and all(_item_fits(kind, item) for item in value)


def apply(kind: str, operation: str, current: Any, value: Any) -> Any:
    match operation:
        case "over-write" | "set":
            return value
        case "clear":
            return [] if kind.startswith("array") else EMPTY.get(kind)
        case "append":
            return [*current, value]
        case "extend":
            return [*current, *value]
        case "remove-first":
            return list(current[1:])
        case "remove-last":
            return list(current[:-1])
        case "+=":
            return current + value
        case "-=":
            return current - value
        case "*=":
            return current * value
        case "/=":
            return current / value
    raise AssignmentRefused(f"Operation {operation} is not supported for type {kind}")
