"""MCP tool schemas both ways: an MCP server's inputSchema read as tool parameters, and the inputSchema of the
one tool an app serves over MCP, made from its input form."""

from collections.abc import Mapping, Sequence
from typing import Any

from domain.tools.entities import ParameterForm, ParameterOption, ParameterType, ToolParameter

_SCHEMA_TYPES = {
    "string": ParameterType.STRING,
    "number": ParameterType.NUMBER,
    "integer": ParameterType.NUMBER,
    "float": ParameterType.NUMBER,
    "boolean": ParameterType.BOOLEAN,
    "object": ParameterType.OBJECT,
    "array": ParameterType.ARRAY,
}


def parameters_from_schema(schema: Mapping[str, Any]) -> tuple[ToolParameter, ...]:
    """An MCP tool's inputSchema as tool parameters, as Dify reads it: each top-level property one parameter
    filled by the model; integer and float are numbers; a list of types takes the first; an enum is a select."""
    properties = schema.get("properties") if schema.get("type", "object") == "object" else None
    if not isinstance(properties, Mapping):
        return ()
    required = set(schema.get("required") or ())
    parameters = []
    for name, prop in properties.items():
        prop = prop if isinstance(prop, Mapping) else {}
        kind = prop.get("type", "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        options = tuple(str(v) for v in prop.get("enum") or ())
        parameter_type = ParameterType.SELECT if options else _SCHEMA_TYPES.get(str(kind), ParameterType.STRING)
        description = str(prop.get("description") or "")
        parameters.append(
            ToolParameter(
                name=str(name),
                type=parameter_type,
                form=ParameterForm.LLM,
                required=name in required,
                label=str(prop.get("title") or name),
                human_description=description,
                llm_description=description,
                default=prop.get("default"),
                options=tuple(ParameterOption(value=v, label=v) for v in options),
                min=prop.get("minimum"),
                max=prop.get("maximum"),
            )
        )
    return tuple(parameters)


def app_tool_schema(is_chat: bool, form: Sequence[Mapping[str, Any]], descriptions: Mapping[str, Any]) -> dict:
    """The inputSchema of the one tool an app serves: its form's text, select and number inputs (files are left
    out, as Dify does), and `query` first for chat apps."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for item in form:
        kind, spec = next(iter(item.items())) if len(item) == 1 else (item.get("type"), item)
        if not isinstance(spec, Mapping) or not spec.get("variable"):
            continue
        variable = str(spec["variable"])
        if kind in ("text-input", "paragraph", "text"):
            prop: dict[str, Any] = {"type": "string"}
        elif kind == "select":
            prop = {"type": "string", "enum": list(spec.get("options") or [])}
        elif kind == "number":
            prop = {"type": "number"}
        else:
            continue
        prop["description"] = str(descriptions.get(variable) or spec.get("description") or spec.get("label") or "")
        properties[variable] = prop
        if spec.get("required"):
            required.append(variable)
    if is_chat:
        properties = {"query": {"type": "string", "description": "User Input/Question content"}, **properties}
        required = ["query", *required]
    return {"type": "object", "properties": properties, "required": required}
