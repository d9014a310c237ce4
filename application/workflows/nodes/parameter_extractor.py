"""parameter-extractor (prompt mode): the model answers a JSON object of the declared parameters; each is
coerced to its type. A missing required parameter or one of the wrong type makes `__is_success` 0."""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from application.workflows.nodes.json_answer import json_object
from application.workflows.nodes.model_call import ModelResolver, complete, model_settings, prompts_view
from application.workflows.nodes.parameter_coercion import NotCoercible, coerce, default_for
from application.workflows.nodes.selectors import selector
from application.workflows.nodes.vision import NodeVision
from domain.models.entities import ChatMessage
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.variables import as_text

SYSTEM = (
    "You extract structured parameters from the user's text. Answer with one JSON object only whose keys are "
    "the parameter names of the schema below; leave out a parameter the text does not give. Schema:\n"
)
JSON_TYPES = {"number": "number", "bool": "boolean", "boolean": "boolean", "select": "string", "string": "string"}


def schema(parameters: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for p in parameters:
        kind = str(p.get("type", "string"))
        prop: dict[str, Any] = {"description": str(p.get("description") or "")}
        if kind.startswith("array["):
            prop |= {"type": "array", "items": {"type": JSON_TYPES.get(kind[6:-1], kind[6:-1])}}
        else:
            prop["type"] = JSON_TYPES.get(kind, "string")
        if p.get("options"):
            prop["enum"] = list(p["options"])
        properties[str(p["name"])] = prop
    required = [str(p["name"]) for p in parameters if p.get("required")]
    return {"type": "object", "properties": properties, "required": required}


def extract(answer: str, parameters: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], str | None]:
    """(values, reason): every parameter gets a value (its type's default when absent or unusable)."""
    found = json_object(answer)
    values: dict[str, Any] = {}
    problems = [] if found is not None else ["The model did not answer a JSON object"]
    for p in parameters:
        name, kind = str(p["name"]), str(p.get("type", "string"))
        raw = (found or {}).get(name)
        if raw is None or raw == "":
            values[name] = default_for(kind)
            if p.get("required") and found is not None:
                problems.append(f"Missing required parameter: {name}")
            continue
        try:
            values[name] = coerce(kind, raw, [str(o) for o in p.get("options") or []] or None)
        except NotCoercible:
            values[name] = default_for(kind)
            problems.append(f"Parameter {name} is not a valid {kind}: {raw!r}")
    return values, "; ".join(problems) or None


class ParameterExtractorExecutor:
    def __init__(self, resolver: ModelResolver, vision: NodeVision | None = None) -> None:
        self._resolver = resolver
        self._vision = vision

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        parameters = [p for p in node.data.get("parameters") or [] if p.get("name")]
        if not parameters:
            raise NodeFailed("The parameter extractor has no parameters")
        settings = model_settings(node.data)
        query = as_text(context.pool.get(selector(node.data.get("query"))))
        instruction = context.pool.render(str(node.data.get("instruction") or ""))
        system = SYSTEM + json.dumps(schema(parameters), ensure_ascii=False)
        if instruction:
            system += "\nInstructions: " + instruction
        messages = [ChatMessage.system(system), ChatMessage.user(query)]
        if self._vision is not None:  # the node's `vision` images, as an llm node's
            messages = await self._vision.attach(node.data, context, messages)
        completion = await complete(self._resolver, context.run.tenant_id, settings, messages)
        values, reason = extract(completion.text, parameters)
        usage = completion.usage_dict()
        return NodeResult(
            outputs={**values, "__is_success": 0 if reason else 1, "__reason": reason, "__usage": usage},
            inputs={"query": query},
            process_data={
                "model_mode": settings.mode,
                "model_provider": settings.provider,
                "model_name": settings.name,
                "prompts": prompts_view(messages),
                "answer": completion.text,
                "usage": usage,
            },
            usage=completion.node_usage(),
            metadata={
                "total_tokens": usage["total_tokens"],
                "total_price": usage["total_price"],
                "currency": usage["currency"],
            },
        )
