"""One model call for the llm, question-classifier and parameter-extractor nodes: resolve, stream, price."""

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from application.models.resolve_model import ResolvedModel
from domain.apps.model_config import ModelSettings
from domain.models.entities import ChatMessage, ChatRequest, Usage
from domain.models.errors import ModelProviderError
from domain.models.pricing import PricedUsage, decimal_text, price_usage
from domain.workflows.nodes import NodeFailed, NodeUsage


class ModelResolver(Protocol):
    """What `application.models.resolve_model.ResolveModel` offers the nodes."""

    async def execute(self, tenant_id: UUID, settings: ModelSettings) -> ResolvedModel: ...


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    finish_reason: str
    priced: PricedUsage

    def usage_dict(self) -> dict[str, Any]:
        p = self.priced
        return {
            "prompt_tokens": p.prompt_tokens,
            "prompt_unit_price": decimal_text(p.prompt_unit_price),
            "prompt_price_unit": decimal_text(p.prompt_price_unit),
            "prompt_price": decimal_text(p.prompt_price),
            "completion_tokens": p.completion_tokens,
            "completion_unit_price": decimal_text(p.completion_unit_price),
            "completion_price_unit": decimal_text(p.completion_price_unit),
            "completion_price": decimal_text(p.completion_price),
            "total_tokens": p.total_tokens,
            "total_price": decimal_text(p.total_price),
            "currency": p.currency,
            "latency": round(p.latency, 3),
        }

    def node_usage(self) -> NodeUsage:
        p = self.priced
        return NodeUsage(p.prompt_tokens, p.completion_tokens, p.total_tokens, decimal_text(p.total_price), p.currency)


def model_settings(data: Mapping[str, Any]) -> ModelSettings:
    model = data.get("model") or {}
    if not model.get("provider") or not model.get("name"):
        raise NodeFailed("The node has no model configured (model.provider and model.name)")
    return ModelSettings(
        str(model["provider"]),
        str(model["name"]),
        str(model.get("mode") or "chat"),
        dict(model.get("completion_params") or {}),
    )


def prompts_view(messages: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """The prompt as the node's process data shows it; an image is named by its URL, a data URL by its type."""
    return [
        {"role": str(m.role), "text": m.content}
        | ({"files": [_image_view(i.url, i.detail, i.inline) for i in m.images]} if m.images else {})
        for m in messages
    ]


def _image_view(url: str, detail: str, inline: tuple[str, str] | None) -> dict[str, str]:
    return {"type": "image", "detail": detail, "url": f"data:{inline[0]};base64,..." if inline else url}


async def complete(
    resolver: ModelResolver,
    tenant_id: UUID,
    settings: ModelSettings,
    messages: Sequence[ChatMessage],
    on_delta: Callable[[str], Awaitable[None]] | None = None,
) -> Completion:
    """Streams the answer (forwarding each delta when asked) and prices its usage; provider errors become
    NodeFailed with the provider's message."""
    params = dict(settings.completion_params)
    stop = params.pop("stop", None) or ()
    started = time.monotonic()
    try:
        resolved = await resolver.execute(tenant_id, settings)
        request = ChatRequest(
            model=settings.name,
            messages=tuple(messages),
            params=params,
            stop=tuple(stop) if isinstance(stop, (list, tuple)) else (str(stop),),
        )
        parts: list[str] = []
        usage, finish = Usage(), "stop"
        async for chunk in resolved.model.stream(request):
            if chunk.delta:
                parts.append(chunk.delta)
                if on_delta is not None:
                    await on_delta(chunk.delta)
            if chunk.is_final:
                usage, finish = chunk.usage or usage, chunk.finish_reason or finish
    except ModelProviderError as error:
        raise NodeFailed(error.message) from None
    priced = price_usage(usage, resolved.entry.price, time.monotonic() - started)
    return Completion("".join(parts), finish, priced)
