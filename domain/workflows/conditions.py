"""Dify's comparison operators (if-else cases, loop break conditions, list filters), as pure functions."""

from collections.abc import Callable, Sequence
from typing import Any

from domain.shared.errors import InvalidParam


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _empty(actual: Any) -> bool:
    return actual is None or actual == "" or actual == [] or actual == {}


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str):
        return str(expected) in actual
    if isinstance(actual, (list, tuple, set)):
        return expected in actual or str(expected) in [str(a) for a in actual]
    return False


def _compare(op: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    def check(actual: Any, expected: Any) -> bool:
        a, b = _number(actual), _number(expected)
        return a is not None and b is not None and op(a, b)

    return check


def _is(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool):
        return str(actual).lower() == str(expected).lower()
    return actual is not None and str(actual) == str(expected)


def _in(actual: Any, expected: Any) -> bool:
    options = expected if isinstance(expected, (list, tuple)) else [expected]
    return actual in options or str(actual) in [str(o) for o in options]


def _all_of(actual: Any, expected: Any) -> bool:
    wanted = expected if isinstance(expected, (list, tuple)) else [expected]
    return isinstance(actual, (list, tuple, str)) and all(_contains(actual, w) for w in wanted)


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "contains": _contains,
    "not contains": lambda a, e: not _contains(a, e),
    "start with": lambda a, e: isinstance(a, str) and a.startswith(str(e)),
    "end with": lambda a, e: isinstance(a, str) and a.endswith(str(e)),
    "is": _is,
    "is not": lambda a, e: not _is(a, e),
    "empty": lambda a, e: _empty(a),
    "not empty": lambda a, e: not _empty(a),
    "in": _in,
    "not in": lambda a, e: not _in(a, e),
    "all of": _all_of,
    "=": _compare(lambda a, b: a == b),
    "≠": _compare(lambda a, b: a != b),
    ">": _compare(lambda a, b: a > b),
    "<": _compare(lambda a, b: a < b),
    "≥": _compare(lambda a, b: a >= b),
    "≤": _compare(lambda a, b: a <= b),
    "null": lambda a, e: a is None,
    "not null": lambda a, e: a is not None,
    "exists": lambda a, e: a is not None,
    "not exists": lambda a, e: a is None,
}
# "before"/"after" are how Dify compares time metadata (Unix seconds).
ALIASES = {"!=": "≠", ">=": "≥", "<=": "≤", "==": "=", "before": "<", "after": ">"}


def compare(operator: str, actual: Any, expected: Any) -> bool:
    check = OPERATORS.get(ALIASES.get(operator, operator))
    if check is None:
        raise InvalidParam(f"Unknown comparison operator: {operator}")
    return check(actual, expected)


def all_or_any(logical_operator: str, results: Sequence[bool]) -> bool:
    """`and` needs every condition, `or` any; an empty list of conditions is false (Dify)."""
    if not results:
        return False
    return all(results) if logical_operator == "and" else any(results)
