"""question-classifier: the model picks one of the node's classes for the query; the class id is the edge."""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from application.workflows.nodes.json_answer import json_object
from application.workflows.nodes.model_call import ModelResolver, complete, model_settings, prompts_view
from application.workflows.nodes.selectors import selector
from application.workflows.nodes.vision import NodeVision
from domain.models.entities import ChatMessage
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.variables import as_text

SYSTEM = (
    "You are a text classification engine. Read the input text and choose exactly one category from the list. "
    'Answer with a JSON object only, like {"category_id": "...", "category_name": "..."}, and nothing else.'
)


def pick_class(answer: str, classes: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The class the answer names (by id, then by name), else the first class mentioned, else the first."""
    by_id = {str(c.get("id")): c for c in classes}
    by_name = {str(c.get("name", "")).strip().lower(): c for c in classes}
    parsed = json_object(answer) or {}
    for key in ("category_id", "class_id", "id"):
        if str(parsed.get(key)) in by_id:
            return by_id[str(parsed[key])]
    for key in ("category_name", "class_name", "name"):
        name = str(parsed.get(key, "")).strip().lower()
        if name in by_name:
            return by_name[name]
    lowered = answer.lower()
    mentioned = [c for c in classes if str(c.get("name", "")).strip() and str(c["name"]).strip().lower() in lowered]
    return mentioned[0] if mentioned else classes[0]


class QuestionClassifierExecutor:
    def __init__(self, resolver: ModelResolver, vision: NodeVision | None = None) -> None:
        self._resolver = resolver
        self._vision = vision

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        classes = [c for c in node.data.get("classes") or [] if c.get("id")]
        if not classes:
            raise NodeFailed("The question classifier has no classes")
        settings = model_settings(node.data)
        query = as_text(context.pool.get(selector(node.data.get("query_variable_selector"))))
        instruction = context.pool.render(str(node.data.get("instruction") or ""))
        categories = [{"category_id": str(c["id"]), "category_name": str(c.get("name", ""))} for c in classes]
        user = json.dumps(
            {
                "input_text": query,
                "categories": categories,
                "classification_instructions": [instruction] if instruction else [],
            },
            ensure_ascii=False,
        )
        messages = [ChatMessage.system(SYSTEM), ChatMessage.user(user)]
        if self._vision is not None:  # the node's `vision` images, as an llm node's
            messages = await self._vision.attach(node.data, context, messages)
        completion = await complete(self._resolver, context.run.tenant_id, settings, messages)
        chosen = pick_class(completion.text, classes)
        usage = completion.usage_dict()
        return NodeResult(
            outputs={"class_name": str(chosen.get("name", "")), "class_id": str(chosen["id"]), "usage": usage},
            inputs={"query": query},
            process_data={
                "model_mode": settings.mode,
                "model_provider": settings.provider,
                "model_name": settings.name,
                "prompts": prompts_view(messages),
                "answer": completion.text,
                "usage": usage,
                "finish_reason": completion.finish_reason,
            },
            edge_handle=str(chosen["id"]),
            usage=completion.node_usage(),
            metadata={
                "total_tokens": usage["total_tokens"],
                "total_price": usage["total_price"],
                "currency": usage["currency"],
            },
        )
