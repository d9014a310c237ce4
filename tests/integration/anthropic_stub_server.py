"""A real HTTP server on 127.0.0.1 speaking Anthropic's Messages API, scripted per request.

Streams the typed events of a Messages stream (message_start, content_block_start / delta / stop,
message_delta, message_stop, with ping and thinking blocks mixed in as Anthropic sends them), or whole
messages, or Anthropic's error bodies; and records every request.
"""

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from tests.integration.loopback_stub import LoopbackStub


@dataclass
class ToolUse:
    id: str
    name: str
    json_parts: tuple[str, ...]  # the input, as the input_json_delta pieces that carry it


@dataclass
class AnthropicReply:
    status: int = 200
    deltas: tuple[str, ...] = ("Hel", "lo", " world")
    input_tokens: int | None = 12
    cache_read_tokens: int = 0
    output_tokens: int | None = 3
    stop_reason: str = "end_turn"
    tool_uses: tuple[ToolUse, ...] = ()
    error: dict[str, Any] | None = None  # the `error` object of a non-200 answer
    headers: dict[str, str] = field(default_factory=dict)
    stream_error: dict[str, Any] | None = None  # an `error` event sent after `error_after` deltas
    error_after: int = 0
    whole_message: bool = False  # answer JSON (a non-streamed message) instead of events
    thinking: str = ""  # a thinking block sent first, as extended thinking does
    send_stop: bool = True


class StubAnthropicServer(LoopbackStub):
    def __init__(self) -> None:
        super().__init__()

    def _default_reply(self) -> AnthropicReply:
        return AnthropicReply()

    async def _answer(self, reply: AnthropicReply, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        extra = "".join(f"{name}: {value}\r\n" for name, value in reply.headers.items())
        if reply.status != 200 or reply.whole_message:
            payload = {"type": "error", "error": reply.error or {}} if reply.status != 200 else _message(reply)
            body = json.dumps(payload).encode()
            writer.write(
                f"HTTP/1.1 {reply.status} Stub\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"Connection: close\r\n{extra}\r\n".encode() + body
            )
            await writer.drain()
            return
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
            + extra.encode() + b"\r\n"
        )
        usage = {"input_tokens": reply.input_tokens, "output_tokens": 1, "cache_read_input_tokens": reply.cache_read_tokens}
        start = {"id": "msg_1", "type": "message", "role": "assistant", "model": "stub", "content": [],
                 "stop_reason": None, "usage": usage if reply.input_tokens is not None else {}}
        await self._event(writer, "message_start", {"type": "message_start", "message": start})
        await self._event(writer, "ping", {"type": "ping"})
        index = 0
        if reply.thinking:
            await self._block(writer, index, {"type": "thinking", "thinking": ""},
                              [{"type": "thinking_delta", "thinking": reply.thinking},
                               {"type": "signature_delta", "signature": "sig"}])
            index += 1
        await self._event(writer, "content_block_start", {"type": "content_block_start", "index": index,
                                                          "content_block": {"type": "text", "text": ""}})
        for sent, text in enumerate(reply.deltas):
            if reply.stream_error is not None and sent == reply.error_after:
                await self._event(writer, "error", {"type": "error", "error": reply.stream_error})
                writer.write(b"0\r\n\r\n")
                await writer.drain()
                return
            await self._event(writer, "content_block_delta", {"type": "content_block_delta", "index": index,
                                                              "delta": {"type": "text_delta", "text": text}})
        if reply.stream_error is not None and reply.error_after >= len(reply.deltas):
            await self._event(writer, "error", {"type": "error", "error": reply.stream_error})
            writer.write(b"0\r\n\r\n")
            await writer.drain()
            return
        await self._event(writer, "content_block_stop", {"type": "content_block_stop", "index": index})
        for tool in reply.tool_uses:
            index += 1
            await self._block(writer, index, {"type": "tool_use", "id": tool.id, "name": tool.name, "input": {}},
                              [{"type": "input_json_delta", "partial_json": part} for part in tool.json_parts])
        delta_usage = {"output_tokens": reply.output_tokens} if reply.output_tokens is not None else {}
        await self._event(writer, "message_delta", {"type": "message_delta", "usage": delta_usage,
                                                    "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None}})
        if reply.send_stop:
            await self._event(writer, "message_stop", {"type": "message_stop"})
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async def _block(self, writer, index: int, block: dict[str, Any], deltas: list[dict[str, Any]]) -> None:
        await self._event(writer, "content_block_start", {"type": "content_block_start", "index": index,
                                                          "content_block": block})
        for delta in deltas:
            await self._event(writer, "content_block_delta", {"type": "content_block_delta", "index": index,
                                                              "delta": delta})
        await self._event(writer, "content_block_stop", {"type": "content_block_stop", "index": index})

    async def _event(self, writer: asyncio.StreamWriter, name: str, payload: dict[str, Any]) -> None:
        data = f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode()
        writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        with contextlib.suppress(ConnectionError):
            await writer.drain()


def _message(reply: AnthropicReply) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": "".join(reply.deltas)}] if reply.deltas else []
    for tool in reply.tool_uses:
        content.append({"type": "tool_use", "id": tool.id, "name": tool.name, "input": json.loads("".join(tool.json_parts))})
    usage = {"input_tokens": reply.input_tokens or 0, "output_tokens": reply.output_tokens or 0}
    return {"id": "msg_1", "type": "message", "role": "assistant", "model": "stub", "content": content,
            "stop_reason": reply.stop_reason, "stop_sequence": None, "usage": usage}
