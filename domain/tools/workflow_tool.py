"""A published workflow as a tool: its Start variables are the parameters, its End outputs the answer."""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from domain.tools.entities import (
    MessageType,
    ParameterForm,
    ParameterOption,
    ParameterType,
    Tool,
    ToolMessage,
    ToolParameter,
)
from domain.tools.stored import WorkflowToolParameter

_TYPES = {
    "number": ParameterType.NUMBER,
    "select": ParameterType.SELECT,
    "file": ParameterType.FILE,
    "file-list": ParameterType.FILES,
    "checkbox": ParameterType.BOOLEAN,
    "json_object": ParameterType.OBJECT,
}


def workflow_tool(
    name: str,
    label: str,
    description: str,
    start_variables: Sequence[Mapping[str, Any]],
    configured: Sequence[WorkflowToolParameter],
) -> Tool:
    """One tool named as the provider; each Start variable a parameter, described and assigned (llm or form) as
    the author configured it, required as the Start node says."""
    settings = {p.name: p for p in configured}
    parameters = []
    for variable in start_variables:
        name_ = str(variable.get("variable") or "")
        if not name_:
            continue
        setting = settings.get(name_, WorkflowToolParameter(name_))
        options = tuple(ParameterOption(str(o), str(o)) for o in variable.get("options") or ())
        parameters.append(
            ToolParameter(
                name=name_,
                type=_TYPES.get(str(variable.get("type")), ParameterType.STRING),
                form=ParameterForm.FORM if setting.form == "form" else ParameterForm.LLM,
                required=bool(variable.get("required")),
                label=str(variable.get("label") or name_),
                human_description=setting.description,
                llm_description=setting.description,
                default=variable.get("default") or None,
                options=options,
            )
        )
    return Tool(name=name, label=label or name, description=description, parameters=tuple(parameters))


def _files(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, list):
        return [file for item in value for file in _files(item)]
    if isinstance(value, Mapping):
        return [value] if value.get("dify_model_identity") == "__dify__file__" else []
    return []


def workflow_messages(outputs: Mapping[str, Any]) -> list[ToolMessage]:
    """Dify's answer of a workflow tool: the outputs as JSON text and as one json message, and each file among
    the outputs (a top-level output or a list of them) as a file message, so the caller's `files` has it."""
    messages = [ToolMessage.of_text(json.dumps(dict(outputs), ensure_ascii=False)), ToolMessage.of_json(dict(outputs))]
    files = [file for value in outputs.values() for file in _files(value)]
    return messages + [ToolMessage(MessageType.FILE, file=file) for file in files]
