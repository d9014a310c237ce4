"""OpenAI's chat-completions wire format: the request body, the streamed chunks, the error bodies."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.models.entities import ChatMessage, ChatRequest, ToolCall, ToolDefinition, Usage
from domain.models.errors import CompletionRequestError

# Keys weir sets itself; a completion param of the same name must not override them.
_RESERVED = frozenset({"model", "messages", "stream", "stream_options", "tools", "tool_choice"})


def request_body(request: ChatRequest) -> dict[str, Any]:
    body = {key: value for key, value in request.params.items() if key not in _RESERVED}
    if isinstance(body.get("response_format"), str):  # Dify stores the bare type name
        body["response_format"] = {"type": body["response_format"]}
    body |= {
        "model": request.model,
        "messages": [message_json(message) for message in request.messages],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if request.tools:
        body["tools"] = [tool_json(tool) for tool in request.tools]
    if request.tool_choice is not None:
        body["tool_choice"] = request.tool_choice
    if request.stop:
        body["stop"] = list(request.stop)
    return body


def message_json(message: ChatMessage) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role.value, "content": message.content}
    if message.images:
        text = [{"type": "text", "text": message.content}] if message.content else []
        out["content"] = text + [
            {"type": "image_url", "image_url": {"url": image.url, "detail": image.detail}} for image in message.images
        ]
    if message.name:
        out["name"] = message.name
    if message.tool_calls:
        out["tool_calls"] = [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
            for call in message.tool_calls
        ]
        out["content"] = message.content or None
    if message.tool_call_id:
        out["tool_call_id"] = message.tool_call_id
    return out


def tool_json(tool: ToolDefinition) -> dict[str, Any]:
    function = {"name": tool.name, "description": tool.description, "parameters": dict(tool.parameters)}
    return {"type": "function", "function": function}


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


@dataclass
class StreamFold:
    """Folds `chat.completion.chunk` payloads: text so far, tool calls, finish reason and usage."""

    text: list[str] = field(default_factory=list)
    finish_reason: str | None = None
    usage: Usage | None = None
    done: bool = False
    _calls: dict[int, _PartialCall] = field(default_factory=dict)

    def feed(self, payload: Mapping[str, Any]) -> str:
        """Takes one chunk; returns its text delta ("" when it has none). Raises on an in-stream error."""
        if payload.get("error"):
            raise CompletionRequestError(error_message(payload["error"]) or "The model provider failed.")
        if isinstance(payload.get("usage"), Mapping):
            self.usage = usage_of(payload["usage"])
        pieces = []
        for choice in payload.get("choices") or ():
            if not isinstance(choice, Mapping) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            if isinstance(delta.get("content"), str):
                pieces.append(delta["content"])
            for position, call in enumerate(delta.get("tool_calls") or ()):
                if isinstance(call, Mapping):
                    self._merge(call.get("index", position), call)
            if isinstance(delta.get("function_call"), Mapping):  # the pre-tools form of a single call
                self._merge(0, {"function": delta["function_call"]})
            if choice.get("finish_reason"):
                self.finish_reason = str(choice["finish_reason"])
        piece = "".join(pieces)
        self.text.append(piece)
        return piece

    def _merge(self, index: int, call: Mapping[str, Any]) -> None:
        partial = self._calls.setdefault(index, _PartialCall())
        function = call.get("function") or {}
        partial.id = partial.id or str(call.get("id") or "")
        partial.name = partial.name or str(function.get("name") or "")
        partial.arguments.append(str(function.get("arguments") or ""))

    @property
    def finished(self) -> bool:
        return self.done or self.finish_reason is not None

    def answer(self) -> str:
        return "".join(self.text)

    def tool_calls(self) -> tuple[ToolCall, ...]:
        return tuple(
            ToolCall(id=call.id, name=call.name, arguments="".join(call.arguments))
            for _, call in sorted(self._calls.items())
        )


def usage_of(raw: Mapping[str, Any]) -> Usage:
    prompt, completion = _count(raw.get("prompt_tokens")), _count(raw.get("completion_tokens"))
    return Usage(prompt, completion, _count(raw.get("total_tokens")) or prompt + completion)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def error_message(error: Any) -> str:
    if isinstance(error, Mapping):
        return str(error.get("message") or error.get("detail") or "")
    return str(error or "")


def error_details(body: bytes) -> tuple[str, str]:
    """(message, code) of a provider's error body: OpenAI's `{"error": {...}}` and the common variants."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:500], ""
    if not isinstance(data, Mapping):
        return text[:500], ""
    error = data.get("error")
    if isinstance(error, Mapping):
        return error_message(error) or text[:500], str(error.get("code") or error.get("type") or "")
    return error_message(error) or error_message(data) or text[:500], str(data.get("code") or "")
