"""The `json_process` builtin: parse, insert, replace and delete in a JSON document by JSONPath (jsonpath-ng,
its extended dialect with filters)."""

import json
from collections.abc import Mapping
from typing import Any

from jsonpath_ng.exceptions import JsonPathParserError
from jsonpath_ng.ext import parse as parse_path

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from domain.tools.entities import ParameterForm, ParameterType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError

FORM, BOOL, NUMBER, SELECT = ParameterForm.FORM, ParameterType.BOOLEAN, ParameterType.NUMBER, ParameterType.SELECT


def _document(parameters: Mapping[str, Any]) -> Any:
    content = parameters.get("content")
    if not isinstance(content, str):
        return content
    try:
        return json.loads(content)
    except ValueError:
        raise ToolInvokeError("Invalid JSON content.") from None


def _path(query: Any):
    try:
        return parse_path(str(query or "$"))
    except (JsonPathParserError, Exception) as error:  # the parser raises plain Exceptions for some inputs
        raise ToolInvokeError(f"Invalid JSONPath {query!r}: {error}") from None


def _value(raw: Any, decode: bool) -> Any:
    if decode and isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            raise ToolInvokeError(f"The value is not valid JSON: {raw!r}") from None
    return raw


def _dump(value: Any, parameters: Mapping[str, Any]) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=bool(parameters.get("ensure_ascii", True)))


def query(document: Any, path: str) -> Any:
    """One match's value, several matches as a list, no match as None."""
    matches = [m.value for m in _path(path).find(document)]
    return matches[0] if len(matches) == 1 else (matches or None)


async def json_parse(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    found = query(_document(parameters), str(parameters.get("json_filter") or "$"))
    return [ToolMessage.of_text("" if found is None else _dump(found, parameters))]


def insert(document: Any, path: str, value: Any, index: int | None = None, create_path: bool = False) -> Any:
    expression = _path(path)
    matches = expression.find(document)
    if not matches:
        if not create_path:
            raise ToolInvokeError(f"Nothing matches {path}.")
        return expression.update_or_create(document, value)
    for match in matches:
        target = match.value
        if isinstance(target, list):
            target.insert(index if index is not None else len(target), value)
        elif isinstance(target, dict) and isinstance(value, dict):
            target.update(value)
        else:
            raise ToolInvokeError(f"{path} matches a value that is neither a list nor an object.")
    return document


async def json_insert(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    index = parameters.get("index")
    result = insert(
        _document(parameters),
        str(parameters.get("query") or "$"),
        _value(parameters.get("new_value"), bool(parameters.get("value_decode"))),
        int(index) if index not in (None, "") else None,
        bool(parameters.get("create_path")),
    )
    return [ToolMessage.of_text(_dump(result, parameters))]


def replace(document: Any, path: str, mode: str, value: Any, pattern: str = "") -> Any:
    """`value` replaces the matched values; `key` renames the matched key to `value`; `pattern` replaces
    `pattern` inside matched strings."""
    expression = _path(path)
    if mode == "value":
        return expression.update(document, value)
    if mode == "pattern":
        return expression.update(document, lambda old, *_: str(old).replace(pattern, str(value)))
    if mode == "key":
        for match in expression.find(document):
            parent, key = match.context.value if match.context else None, getattr(match.path, "fields", (None,))[0]
            if isinstance(parent, dict) and key in parent:
                parent[str(value)] = parent.pop(key)
        return document
    raise ToolInvokeError("replace_model must be pattern, key or value.")


async def json_replace(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    result = replace(
        _document(parameters),
        str(parameters.get("query") or "$"),
        str(parameters.get("replace_model") or "pattern"),
        _value(parameters.get("replace_value"), bool(parameters.get("value_decode"))),
        str(parameters.get("replace_pattern") or ""),
    )
    return [ToolMessage.of_text(_dump(result, parameters))]


def delete(document: Any, path: str) -> Any:
    return _path(path).filter(lambda _: True, document)


async def json_delete(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    result = delete(_document(parameters), str(parameters.get("query") or "$"))
    return [ToolMessage.of_text(_dump(result, parameters))]


def json_process_provider() -> BuiltinProvider:
    content = param("content", required=True, description="The JSON text")
    ascii_ = param("ensure_ascii", BOOL, form=FORM, default=True, description="Escape non-ASCII characters")
    decode = param("value_decode", BOOL, form=FORM, default=False, description="Parse the value as JSON")
    return BuiltinProvider(
        ToolProviderInfo(
            id="json_process",
            type="builtin",
            name="json_process",
            label="JSON Process",
            plugin_id="langgenius/json_process",
            description="Tools for processing JSON content.",
        ),
        [
            BuiltinTool(
                Tool(
                    "parse",
                    "JSON Parse",
                    "Reads values from JSON by JSONPath.",
                    (
                        content,
                        param(
                            "json_filter", description="JSONPath, e.g. $.items[0].name (default: the whole document)"
                        ),
                        ascii_,
                    ),
                ),
                json_parse,
                aliases=("json_parse",),
            ),
            BuiltinTool(
                Tool(
                    "insert",
                    "JSON Insert",
                    "Inserts a value into JSON at a JSONPath.",
                    (
                        content,
                        param("query", required=True, description="JSONPath of the list or object"),
                        param("new_value", required=True, description="The value to insert"),
                        param("index", NUMBER, description="Position in a list (default: the end)"),
                        param("create_path", BOOL, form=FORM, default=False, description="Create a missing path"),
                        decode,
                        ascii_,
                    ),
                ),
                json_insert,
                aliases=("json_insert",),
            ),
            BuiltinTool(
                Tool(
                    "replace",
                    "JSON Replace",
                    "Replaces values, keys or text in JSON by JSONPath.",
                    (
                        content,
                        param("query", required=True, description="JSONPath of what to replace"),
                        param("replace_pattern", description="The text to replace (pattern mode)"),
                        param("replace_value", required=True, description="The new value, key or text"),
                        param(
                            "replace_model",
                            SELECT,
                            form=FORM,
                            required=True,
                            default="pattern",
                            options=("pattern", "key", "value"),
                        ),
                        decode,
                        ascii_,
                    ),
                ),
                json_replace,
                aliases=("json_replace",),
            ),
            BuiltinTool(
                Tool(
                    "delete",
                    "JSON Delete",
                    "Deletes what a JSONPath matches.",
                    (
                        content,
                        param("query", required=True, description="JSONPath of what to delete"),
                        ascii_,
                    ),
                ),
                json_delete,
                aliases=("json_delete",),
            ),
        ],
    )
