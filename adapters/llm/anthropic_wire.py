"""Anthropic's Messages API wire format: the request body, the streamed events, the message, the errors.

What differs from OpenAI's: system prompts are a top-level `system`, tool calls are `tool_use` content
blocks and their results `tool_result` blocks in a user turn, `max_tokens` is required, and a stream is
a sequence of typed events (message_start, content_block_start/delta/stop, message_delta, message_stop)
whose usage arrives in two halves (input tokens at the start, output tokens at the end).
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.models.entities import ChatMessage, ChatRequest, ImagePart, Role, ToolCall, ToolDefinition, Usage

API_VERSION = "2023-06-01"
# Anthropic requires max_tokens; Dify's Anthropic models default to 4096.
DEFAULT_MAX_TOKENS = 4096
# The completion params the Messages API accepts; it refuses unknown fields, so OpenAI-only ones
# (presence_penalty, response_format, seed …) that a Dify app may carry are left out.
_PASSED_PARAMS = ("temperature", "top_p", "top_k", "metadata", "thinking", "service_tier")
# How Anthropic's stop reasons read in OpenAI's terms, which the rest of weir uses.
FINISH_REASONS = {
    "end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_calls",
    "refusal": "content_filter", "pause_turn": "stop", "model_context_window_exceeded": "length",
}


def request_body(request: ChatRequest, stream: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {key: request.params[key] for key in _PASSED_PARAMS if request.params.get(key) is not None}
    system = "\n\n".join(m.content for m in request.messages if m.role is Role.SYSTEM and m.content)
    body |= {
        "model": request.model,
        "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
        "messages": messages_json(request.messages),
        "stream": stream,
    }
    if system:
        body["system"] = system
    if request.stop:
        body["stop_sequences"] = list(request.stop)
    if request.tools:
        body["tools"] = [tool_json(tool) for tool in request.tools]
    choice = tool_choice_json(request.tool_choice)
    if choice is not None and (request.tools or choice["type"] == "none"):
        body["tool_choice"] = choice
    return body


def messages_json(messages: tuple[ChatMessage, ...]) -> list[dict[str, Any]]:
    """The conversation as alternating user / assistant turns of content blocks. Tool results are user
    turns; consecutive turns of one role are merged, as the API expects."""
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role is Role.SYSTEM:
            continue
        role = "assistant" if message.role is Role.ASSISTANT else "user"
        blocks = _blocks(message)
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return turns


def _blocks(message: ChatMessage) -> list[dict[str, Any]]:
    if message.role is Role.TOOL:
        return [{"type": "tool_result", "tool_use_id": message.tool_call_id or "", "content": message.content}]
    blocks: list[dict[str, Any]] = [{"type": "text", "text": message.content}] if message.content else []
    blocks += [_image_block(image) for image in message.images]
    for call in message.tool_calls:
        blocks.append({"type": "tool_use", "id": call.id, "name": call.name, "input": _arguments(call.arguments)})
    return blocks


def _image_block(image: ImagePart) -> dict[str, Any]:
    inline = image.inline
    if inline is None:
        return {"type": "image", "source": {"type": "url", "url": image.url}}
    media_type, data = inline
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


def _arguments(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def tool_json(tool: ToolDefinition) -> dict[str, Any]:
    schema = dict(tool.parameters) or {"type": "object", "properties": {}}
    return {"name": tool.name, "description": tool.description, "input_schema": schema}


def tool_choice_json(choice: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if choice is None:
        return None
    if isinstance(choice, str):
        return {"auto": {"type": "auto"}, "none": {"type": "none"}, "required": {"type": "any"}}.get(choice)
    if choice.get("type") in ("auto", "any", "tool", "none"):
        return dict(choice)
    name = (choice.get("function") or {}).get("name") if isinstance(choice.get("function"), Mapping) else None
    return {"type": "tool", "name": name} if name else None



@dataclass
class _Block:
    type: str
    id: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)


@dataclass
class MessageFold:
    """Folds Messages stream events: the text so far, tool_use blocks, the stop reason and the usage."""

    text: list[str] = field(default_factory=list)
    stop_reason: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    stopped: bool = False
    _blocks: dict[int, _Block] = field(default_factory=dict)

    def feed(self, event: Mapping[str, Any]) -> str:
        """Takes one event; returns its text delta ("" when it has none). An `error` event raises
        `StreamError` so the caller can tell an overloaded provider (worth a retry) from a refusal."""
        kind = event.get("type")
        if kind == "error":
            raise StreamError(event.get("error") or {})
        if kind == "message_start":
            self._usage((event.get("message") or {}).get("usage"))
        elif kind == "content_block_start":
            block = event.get("content_block") or {}
            self._blocks[_index(event)] = _Block(str(block.get("type") or ""), str(block.get("id") or ""),
                                                 str(block.get("name") or ""))
            if block.get("type") == "text" and block.get("text"):
                return self._text(str(block["text"]))
        elif kind == "content_block_delta":
            delta = event.get("delta") or {}
            if delta.get("type") == "text_delta":
                return self._text(str(delta.get("text") or ""))
            if delta.get("type") == "input_json_delta":
                block = self._blocks.setdefault(_index(event), _Block("tool_use"))
                block.parts.append(str(delta.get("partial_json") or ""))
            # thinking_delta and signature_delta carry the model's reasoning, not its answer.
        elif kind == "message_delta":
            self.stop_reason = (event.get("delta") or {}).get("stop_reason") or self.stop_reason
            self._usage(event.get("usage"))
        elif kind == "message_stop":
            self.stopped = True
        return ""

    def feed_message(self, message: Mapping[str, Any]) -> str:
        """Takes a whole (non-streamed) message; returns its text."""
        if message.get("type") == "error":
            raise StreamError(message.get("error") or {})
        for index, block in enumerate(message.get("content") or ()):
            if not isinstance(block, Mapping):
                continue
            if block.get("type") == "text":
                self._text(str(block.get("text") or ""))
            elif block.get("type") == "tool_use":
                arguments = json.dumps(block.get("input") or {}, ensure_ascii=False)
                self._blocks[index] = _Block("tool_use", str(block.get("id") or ""), str(block.get("name") or ""),
                                             [arguments])
        self.stop_reason = message.get("stop_reason")
        self._usage(message.get("usage"))
        self.stopped = True
        return self.answer()

    def _text(self, piece: str) -> str:
        self.text.append(piece)
        return piece

    def _usage(self, raw: Any) -> None:
        if not isinstance(raw, Mapping):
            return
        # Cached prompt tokens are reported apart from input_tokens; all of them were read.
        prompt = [raw.get(k) for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")]
        if any(_count(p) is not None for p in prompt):
            self.input_tokens = sum(_count(p) or 0 for p in prompt)
        if _count(raw.get("output_tokens")) is not None:
            self.output_tokens = _count(raw.get("output_tokens"))

    @property
    def usage(self) -> Usage | None:
        if self.input_tokens is None and self.output_tokens is None:
            return None
        return Usage.of(self.input_tokens or 0, self.output_tokens or 0)

    @property
    def finish_reason(self) -> str | None:
        if self.stop_reason is None:
            return None
        return FINISH_REASONS.get(self.stop_reason, self.stop_reason)

    def answer(self) -> str:
        return "".join(self.text)

    def tool_calls(self) -> tuple[ToolCall, ...]:
        return tuple(
            ToolCall(id=block.id, name=block.name, arguments="".join(block.parts) or "{}")
            for _, block in sorted(self._blocks.items()) if block.type == "tool_use"
        )


class StreamError(Exception):
    """An `error` event, or an error body: Anthropic's `{"type": ..., "message": ...}`."""

    def __init__(self, error: Mapping[str, Any]) -> None:
        self.kind = str(error.get("type") or "") if isinstance(error, Mapping) else ""
        self.text = str(error.get("message") or "") if isinstance(error, Mapping) else str(error)
        super().__init__(self.text or self.kind or "The model provider failed.")


def error_details(body: bytes) -> tuple[str, str]:
    """(message, type) of an error body: `{"type": "error", "error": {"type": ..., "message": ...}}`."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:500], ""
    error = data.get("error") if isinstance(data, Mapping) else None
    if isinstance(error, Mapping):
        return str(error.get("message") or text[:500]), str(error.get("type") or "")
    if isinstance(data, Mapping) and data.get("message"):
        return str(data["message"]), str(data.get("type") or "")
    return text[:500], ""


def _index(event: Mapping[str, Any]) -> int:
    value = event.get("index", 0)
    return value if isinstance(value, int) else 0


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
