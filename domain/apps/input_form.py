"""An app's `user_input_form` and the `inputs` a request fills it with (Dify's input validation).

The form is Dify's list of one-key objects: `{"text-input": {...}}`, `{"paragraph": {...}}`,
`{"select": {..., "options": [...]}}`, `{"number": {...}}`, `{"checkbox": {...}}`, `{"json_object": {...}}`,
`{"file": {...}}` and `{"file-list": {..., "max_length": n}}` (their shape is checked here, the files themselves
by application.files.ResolveFiles); unknown kinds are carried through unchecked.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.shared.errors import InvalidParam

TEXT_KINDS = frozenset({"text-input", "paragraph"})
STRING_KINDS = TEXT_KINDS | {"select"}
# Variables an external data tool fills at run time; the request does not provide them.
FILLED_BY_TOOLS = frozenset({"external_data_tool"})
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


@dataclass(frozen=True, slots=True)
class InputField:
    kind: str
    variable: str
    label: str = ""
    required: bool = False
    max_length: int | None = None
    default: Any = None
    options: tuple[str, ...] = ()


def parse_input_form(form: Sequence[Mapping[str, Any]] | None) -> list[InputField]:
    """The fields of a stored form; entries that are not one-key objects naming a variable are skipped."""
    fields = []
    for entry in form or ():
        if not isinstance(entry, Mapping) or len(entry) != 1:
            continue
        ((kind, spec),) = entry.items()
        if kind in FILLED_BY_TOOLS or not isinstance(spec, Mapping) or not spec.get("variable"):
            continue
        max_length = spec.get("max_length")
        fields.append(
            InputField(
                kind=kind,
                variable=str(spec["variable"]),
                label=str(spec.get("label") or ""),
                required=bool(spec.get("required", False)),
                max_length=max_length if isinstance(max_length, int) and max_length > 0 else None,
                default=spec.get("default"),
                options=tuple(str(option) for option in spec.get("options") or ()),
            )
        )
    return fields


def clean_inputs(fields: Sequence[InputField], inputs: Mapping[str, Any] | None) -> dict[str, Any]:
    """The inputs the app runs with: one entry per field, defaults filled, numbers converted.

    Keys the form does not declare are dropped. A missing, None or empty value of a required field is
    refused; an optional one takes the field's default (None without one), except that an empty text
    stays empty. NUL characters are removed from strings. Raises `InvalidParam` naming the variable,
    worded as Dify words it.
    """
    given = inputs or {}
    return {field.variable: _clean(field, given.get(field.variable)) for field in fields}


def validate_inputs(form: Sequence[Mapping[str, Any]] | None, inputs: Mapping[str, Any] | None) -> dict[str, Any]:
    return clean_inputs(parse_input_form(form), inputs)


def _is_empty(field: InputField, value: Any) -> bool:
    if value is None or value == "":
        return True
    # Blank text is a value; a blank number, choice or checkbox is an unanswered control.
    return field.kind not in TEXT_KINDS and isinstance(value, str) and not value.strip()


def _clean(field: InputField, value: Any) -> Any:
    if _is_empty(field, value):
        if field.required:
            raise InvalidParam(f"{field.variable} is required in input form", param=field.variable)
        if value == "" and field.kind in TEXT_KINDS:
            return ""
        if field.default is None or field.default == "":
            return None
        value = field.default
    if field.kind in STRING_KINDS and not isinstance(value, str):
        raise _invalid(field, f"(type '{field.kind}') {field.variable} in input form must be a string")
    if isinstance(value, str):
        value = value.replace("\x00", "")
    match field.kind:
        case "text-input" | "paragraph":
            if field.max_length is not None and len(value) > field.max_length:
                raise _invalid(field, f"{field.variable} in input form must be less than {field.max_length} characters")
        case "select":
            if value not in field.options:
                options = list(field.options)
                raise _invalid(field, f"{field.variable} in input form must be one of the following: {options}")
        case "number":
            return _number(field, value)
        case "checkbox":
            return _checkbox(value)
        case "json_object":
            if not isinstance(value, Mapping):
                raise _invalid(field, f"{field.variable} in input form must be a dict")
        case "file":
            if not isinstance(value, Mapping):
                raise _invalid(field, f"{field.variable} in input form must be a file")
        case "file-list":
            if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
                raise _invalid(field, f"{field.variable} in input form must be a list of files")
            if field.max_length is not None and len(value) > field.max_length:
                raise _invalid(field, f"{field.variable} in input form must be less than {field.max_length} files")
    return value


def _number(field: InputField, value: Any) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                number = math.nan
    else:
        number = math.nan
    if isinstance(number, float) and not math.isfinite(number):
        raise _invalid(field, f"{field.variable} in input form must be a valid number")
    return number


def _checkbox(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        return True if text in _TRUE else False if text in _FALSE else value
    if isinstance(value, int | float) and not isinstance(value, bool) and value in (0, 1):
        return value == 1
    return value


def _invalid(field: InputField, message: str) -> InvalidParam:
    return InvalidParam(message, param=field.variable)
