"""One model turn of an agent: stream the answer (forwarding text when asked), keep its tool calls and usage."""

import time
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass

from domain.models.entities import ChatRequest, ToolCall, Usage
from domain.models.ports import ChatModel


@dataclass(frozen=True, slots=True)
class Turn:
    text: str
    tool_calls: tuple[ToolCall, ...]
    usage: Usage
    seconds: float


async def model_turn(
    model: ChatModel, request: ChatRequest, on_text: Callable[[str], Awaitable[None]] | None = None
) -> Turn:
    started = time.perf_counter()
    parts: list[str] = []
    usage, calls = Usage(), ()
    async with aclosing(model.stream(request)) as chunks:
        async for chunk in chunks:
            if chunk.delta:
                parts.append(chunk.delta)
                if on_text is not None:
                    await on_text(chunk.delta)
            if chunk.tool_calls:
                calls = chunk.tool_calls
            if chunk.usage is not None:
                usage = chunk.usage
    return Turn("".join(parts), tuple(calls), usage, time.perf_counter() - started)
