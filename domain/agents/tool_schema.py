"""A tool as the model sees it: a function whose JSON Schema lists the parameters the model fills (Dify:
those of form `llm`, minus what the author preset)."""

from collections.abc import Mapping
from typing import Any

from domain.models.entities import ToolDefinition
from domain.tools.entities import ParameterForm, ParameterType, Tool, ToolParameter

_JSON_TYPES = {
    ParameterType.NUMBER: "number",
    ParameterType.BOOLEAN: "boolean",
    ParameterType.OBJECT: "object",
    ParameterType.ARRAY: "array",
}


def model_parameters(tool: Tool, preset: Mapping[str, Any] = ()) -> list[ToolParameter]:
    fixed = set(preset)
    return [p for p in tool.parameters if p.form is ParameterForm.LLM and p.name not in fixed]


def parameter_schema(parameter: ToolParameter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": _JSON_TYPES.get(parameter.type, "string")}
    description = parameter.llm_description or parameter.human_description or parameter.label
    if description:
        schema["description"] = description
    if parameter.type is ParameterType.SELECT and parameter.options:
        schema["enum"] = [option.value for option in parameter.options]
    if parameter.type is ParameterType.ARRAY:
        schema["items"] = {}
    return schema


def tool_definition(tool: Tool, preset: Mapping[str, Any] = (), description: str = "") -> ToolDefinition:
    parameters = model_parameters(tool, preset)
    schema = {
        "type": "object",
        "properties": {p.name: parameter_schema(p) for p in parameters},
        "required": [p.name for p in parameters if p.required],
    }
    return ToolDefinition(name=tool.name, description=description or tool.description, parameters=schema)
