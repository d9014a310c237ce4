"""What a chat model is asked and what it streams back, in the provider-neutral shape weir uses."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A function the model asked to call; `arguments` is the JSON text the model wrote."""

    id: str
    name: str
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class ImagePart:
    """An image sent with a message (vision): `url` is a remote URL or a `data:<mime>;base64,...` URL;
    `detail` is "high" or "low" (OpenAI's image detail; other providers ignore it)."""

    url: str
    detail: str = "high"

    @property
    def inline(self) -> tuple[str, str] | None:
        """(MIME type, base64 data) of a data URL; None for a remote URL."""
        if not self.url.startswith("data:"):
            return None
        header, _, data = self.url[5:].partition(",")
        return header.split(";")[0] or "application/octet-stream", data


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a prompt. Its content parts are the text `content`, then the `images`, in that order;
    a message without images is plain text, as every provider takes it."""

    role: Role
    content: str = ""
    name: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    images: tuple[ImagePart, ...] = ()

    @classmethod
    def system(cls, content: str) -> "ChatMessage":
        return cls(Role.SYSTEM, content)

    @classmethod
    def user(cls, content: str) -> "ChatMessage":
        return cls(Role.USER, content)

    @classmethod
    def assistant(cls, content: str, tool_calls: Sequence[ToolCall] = ()) -> "ChatMessage":
        return cls(Role.ASSISTANT, content, tool_calls=tuple(tool_calls))

    @classmethod
    def tool(cls, content: str, tool_call_id: str) -> "ChatMessage":
        return cls(Role.TOOL, content, tool_call_id=tool_call_id)


@dataclass(frozen=True, slots=True)
class ToolDefinition:
    """A function offered to the model; `parameters` is its JSON Schema."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One completion request.

    `params` are the app's completion params as Dify stores them (temperature, top_p, max_tokens,
    presence_penalty, frequency_penalty, seed, response_format …), passed to the provider as given.
    `tool_choice` is "auto", "none", "required" or a provider mapping naming one function.
    """

    model: str
    messages: tuple[ChatMessage, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    tools: tuple[ToolDefinition, ...] = ()
    tool_choice: str | Mapping[str, Any] | None = None
    stop: tuple[str, ...] = ()

    @property
    def max_tokens(self) -> int | None:
        value = self.params.get("max_tokens")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    @classmethod
    def of(cls, prompt_tokens: int, completion_tokens: int) -> "Usage":
        return cls(prompt_tokens, completion_tokens, prompt_tokens + completion_tokens)


@dataclass(frozen=True, slots=True)
class ChatChunk:
    """A piece of a streamed answer.

    A delta chunk carries `delta` text; the final chunk, always the last one, carries `usage`,
    `finish_reason` ("stop", "length", "tool_calls", "content_filter" …) and the complete tool calls.
    """

    delta: str = ""
    usage: Usage | None = None
    finish_reason: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()

    @property
    def is_final(self) -> bool:
        return self.usage is not None
