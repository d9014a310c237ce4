"""Checking and coercing tool parameters against their declaration, as Dify does before a call."""

import json
from collections.abc import Mapping
from typing import Any

from domain.tools.entities import ParameterType, Tool, ToolParameter
from domain.tools.errors import ToolParameterError

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def check(tool: Tool, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a tool is called with: each declared parameter coerced to its type, defaults filled in,
    required ones present. Unknown names pass through untouched (API and MCP tools may accept more than
    they declare). Raises ToolParameterError naming the parameter."""
    checked: dict[str, Any] = dict(values)
    for parameter in tool.parameters:
        value = values.get(parameter.name)
        if value is None or value == "":
            if parameter.default is not None and parameter.default != "":
                checked[parameter.name] = coerce(parameter, parameter.default)
                continue
            if parameter.required:
                raise ToolParameterError(f"Tool parameter {parameter.name} is required.", param=parameter.name)
            continue
        checked[parameter.name] = coerce(parameter, value)
    return checked


def coerce(parameter: ToolParameter, value: Any) -> Any:
    kind = parameter.type
    name = parameter.name
    if kind in (ParameterType.STRING, ParameterType.SECRET_INPUT):
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return value if isinstance(value, str) else str(value)
    if kind == ParameterType.NUMBER:
        number = _number(name, value)
        if parameter.min is not None and number < parameter.min:
            raise ToolParameterError(f"Tool parameter {name} must be at least {parameter.min:g}.", param=name)
        if parameter.max is not None and number > parameter.max:
            raise ToolParameterError(f"Tool parameter {name} must be at most {parameter.max:g}.", param=name)
        return number
    if kind == ParameterType.BOOLEAN:
        return _boolean(name, value)
    if kind == ParameterType.SELECT:
        text = str(value)
        allowed = [option.value for option in parameter.options]
        if allowed and text not in allowed:
            raise ToolParameterError(
                f"Tool parameter {name} must be one of {', '.join(allowed)}; got {text!r}.", param=name
            )
        return text
    if kind in (ParameterType.OBJECT, ParameterType.ARRAY):
        parsed = _json(name, value) if isinstance(value, str) else value
        expected = dict if kind == ParameterType.OBJECT else list
        if not isinstance(parsed, expected):
            raise ToolParameterError(f"Tool parameter {name} must be an {kind.value}.", param=name)
        return parsed
    if kind == ParameterType.FILES and not isinstance(value, list):
        return [value]
    return value


def _number(name: str, value: Any) -> int | float:
    if isinstance(value, bool):
        raise ToolParameterError(f"Tool parameter {name} must be a number.", param=name)
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise ToolParameterError(f"Tool parameter {name} must be a number; got {text!r}.", param=name) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ToolParameterError(f"Tool parameter {name} must be a finite number.", param=name)
    return number


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ToolParameterError(f"Tool parameter {name} must be true or false; got {value!r}.", param=name)


def _json(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ToolParameterError(f"Tool parameter {name} must be valid JSON.", param=name) from None
