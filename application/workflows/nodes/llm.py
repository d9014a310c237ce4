"""llm: the node's prompt template, rendered with the pool (and the knowledge context), sent to its model;
each delta is forwarded as it arrives."""

from collections.abc import Mapping
from typing import Any

from application.workflows.nodes.model_call import ModelResolver, complete, model_settings, prompts_view
from application.workflows.nodes.selectors import named_values, selector
from application.workflows.nodes.vision import NodeVision, without_file_references
from domain.models.entities import ChatMessage, Role
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.sandbox import TemplateFailed, TemplateRenderer
from domain.workflows.variables import VariablePool, as_text

CONTEXT_MARK = "{{#context#}}"
ROLES = {"system": Role.SYSTEM, "user": Role.USER, "assistant": Role.ASSISTANT}


def context_text(data: Mapping[str, Any], pool: VariablePool) -> str:
    """The knowledge context: a string as is; retrieval results (objects with `content`) joined by lines."""
    context = data.get("context") or {}
    if not context.get("enabled"):
        return ""
    value = pool.get(selector(context.get("variable_selector")))
    if isinstance(value, list):
        return "\n".join(str(i.get("content", "")) if isinstance(i, Mapping) else as_text(i) for i in value)
    return as_text(value)


class LlmExecutor:
    def __init__(self, resolver: ModelResolver, renderer: TemplateRenderer, vision: NodeVision | None = None) -> None:
        self._resolver = resolver
        self._renderer = renderer
        self._vision = vision

    async def messages(
        self, data: Mapping[str, Any], pool: VariablePool, history: tuple[tuple[str, str], ...] = ()
    ) -> list[ChatMessage]:
        context = context_text(data, pool)
        jinja_vars = named_values((data.get("prompt_config") or {}).get("jinja2_variables") or [], pool)
        template = data.get("prompt_template") or []
        entries = [template] if isinstance(template, Mapping) else list(template)
        messages = []
        for entry in entries:
            text = await self._text(entry, context, jinja_vars, pool)
            role = ROLES.get(str(entry.get("role") or "user"), Role.USER)
            if text:
                messages.append(ChatMessage(role, text))
        memory = data.get("memory")
        query = pool.get(["sys", "query"])
        if memory and history:
            window = memory.get("window") or {}
            turns = history[-int(window.get("size") or 50):] if window.get("enabled") else history
            for past_query, past_answer in turns:
                messages += [ChatMessage.user(past_query), ChatMessage.assistant(past_answer)]
        if memory and query:
            query_template = str(memory.get("query_prompt_template") or "{{#sys.query#}}")
            messages.append(ChatMessage.user(pool.render(query_template.replace(CONTEXT_MARK, context))))
        if not messages:
            raise NodeFailed("The prompt is empty")
        return messages

    async def _text(self, entry: Mapping[str, Any], context: str, jinja_vars: dict, pool: VariablePool) -> str:
        if entry.get("edition_type") == "jinja2":
            try:
                return await self._renderer.render(str(entry.get("jinja2_text") or ""), jinja_vars)
            except TemplateFailed as error:
                raise NodeFailed(error.message) from None
        text = without_file_references(str(entry.get("text") or ""), pool)
        return pool.render(text.replace(CONTEXT_MARK, context))

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        settings = model_settings(node.data)
        messages = await self.messages(node.data, context.pool, context.run.history)
        if self._vision is not None:
            messages = await self._vision.attach(node.data, context, messages)
        completion = await complete(self._resolver, context.run.tenant_id, settings, messages, context.stream)
        usage = completion.usage_dict()
        return NodeResult(
            outputs={"text": completion.text, "usage": usage, "finish_reason": completion.finish_reason},
            process_data={
                "model_mode": settings.mode,
                "model_provider": settings.provider,
                "model_name": settings.name,
                "prompts": prompts_view(messages),
                "usage": usage,
                "finish_reason": completion.finish_reason,
            },
            usage=completion.node_usage(),
            metadata={
                "total_tokens": usage["total_tokens"],
                "total_price": usage["total_price"],
                "currency": usage["currency"],
            },
        )
