"""Reading a node's declared variables out of the pool."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from domain.workflows.variables import VariablePool


def selector(raw: Any) -> list[str]:
    """A selector as Dify stores it: a list of path segments (a dotted string is accepted too)."""
    if isinstance(raw, str):
        return [part for part in raw.split(".") if part]
    return [str(part) for part in raw or []]


def named_values(variables: Iterable[Mapping[str, Any]], pool: VariablePool) -> dict[str, Any]:
    """`[{variable, value_selector}]` → {variable: value}; a missing value is None."""
    return {
        str(item.get("variable")): pool.get(selector(item.get("value_selector")))
        for item in variables or []
        if item.get("variable")
    }


def render_value(value: Any, pool: VariablePool) -> Any:
    """Strings may reference pool values with `{{#node.var#}}`; other values stay as they are."""
    return pool.render(value) if isinstance(value, str) else value


def first_present(selectors: Sequence[Any], pool: VariablePool) -> Any:
    for raw in selectors or []:
        value = pool.get(selector(raw))
        if value is not None:
            return value
    return None
