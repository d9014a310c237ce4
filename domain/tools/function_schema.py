"""A tool as a model sees it in function calling: its `llm` parameters as a JSON Schema object. Form
parameters are the app author's settings, not the model's, so they stay out."""

from typing import Any

from domain.tools.entities import ParameterForm, ParameterType, Tool, ToolParameter

_JSON_TYPES = {
    ParameterType.NUMBER: "number",
    ParameterType.BOOLEAN: "boolean",
    ParameterType.OBJECT: "object",
    ParameterType.ARRAY: "array",
    ParameterType.FILES: "array",
}


def _property(parameter: ToolParameter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": _JSON_TYPES.get(parameter.type, "string")}
    if parameter.llm_description or parameter.human_description:
        schema["description"] = parameter.llm_description or parameter.human_description
    if parameter.options:
        schema["enum"] = [option.value for option in parameter.options]
    if parameter.type == ParameterType.FILES:
        schema["items"] = {"type": "string"}
    return schema


def parameters_schema(tool: Tool) -> dict[str, Any]:
    llm = [p for p in tool.parameters if p.form == ParameterForm.LLM]
    return {
        "type": "object",
        "properties": {p.name: _property(p) for p in llm},
        "required": [p.name for p in llm if p.required],
    }
