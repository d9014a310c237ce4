"""A real HTTP server on 127.0.0.1 speaking OpenAI's streamed chat completions, scripted per request.

Plain asyncio streams, so a test controls every byte: chunked SSE, errors, hangs, dropped connections,
and it sees the moment the client closes its side.
"""

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from tests.integration.loopback_stub import LoopbackStub

DEFAULT_USAGE = {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14}


@dataclass
class Reply:
    status: int = 200
    deltas: tuple[str, ...] = ("Hel", "lo", " world")
    usage: dict[str, Any] | None = field(default_factory=lambda: dict(DEFAULT_USAGE))
    finish_reason: str | None = "stop"
    tool_calls: tuple[dict[str, Any], ...] = ()  # OpenAI tool_call deltas, sent after the text
    error: dict[str, Any] | None = None  # the JSON body of a non-200 answer
    headers: dict[str, str] = field(default_factory=dict)
    extra_events: tuple[str, ...] = ()  # raw `data:` payloads sent before the finish
    hang_before_headers: bool = False
    hang_after: int | None = None  # send this many deltas, then wait for the client to go
    drop_after: int | None = None  # send this many deltas, then cut the connection mid-body
    send_done: bool = True
    delay: float = 0.0  # seconds between deltas, as a model decoding at a steady pace


def chunk(delta: dict[str, Any] | None = None, finish_reason: str | None = None, **extra: Any) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta or {}, "finish_reason": finish_reason}
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "stub", "choices": [choice], **extra}


class StubOpenAIServer(LoopbackStub):
    def __init__(self) -> None:
        super().__init__()
        self.disconnected = asyncio.Event()

    def _default_reply(self) -> Reply:
        return Reply()

    async def _answer(self, reply: Reply, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        extra = "".join(f"{name}: {value}\r\n" for name, value in reply.headers.items())
        if reply.hang_before_headers:
            await self._wait_for_client_to_leave(reader)
            return
        if reply.status != 200:
            body = json.dumps(reply.error or {}).encode()
            writer.write(
                f"HTTP/1.1 {reply.status} Stub\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"Connection: close\r\n{extra}\r\n".encode()
                + body
            )
            await writer.drain()
            return
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
            + extra.encode()
            + b"\r\n"
        )
        await self._event(writer, chunk({"role": "assistant", "content": ""}))
        for sent, text in enumerate(reply.deltas):
            if reply.hang_after == sent:
                await self._wait_for_client_to_leave(reader)
                return
            if reply.drop_after == sent:
                writer.transport.abort()
                return
            if reply.delay:
                await asyncio.sleep(reply.delay)
            await self._event(writer, chunk({"content": text}))
        for call in reply.tool_calls:
            await self._event(writer, chunk({"tool_calls": [call]}))
        for raw in reply.extra_events:
            await self._raw(writer, f"data: {raw}\n\n")
        if reply.finish_reason:
            await self._event(writer, chunk(finish_reason=reply.finish_reason))
        if reply.usage is not None:
            await self._event(writer, {"id": "chatcmpl-1", "choices": [], "usage": reply.usage})
        if reply.send_done:
            await self._raw(writer, "data: [DONE]\n\n")
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async def _event(self, writer: asyncio.StreamWriter, payload: dict[str, Any]) -> None:
        await self._raw(writer, f"data: {json.dumps(payload)}\n\n")

    async def _raw(self, writer: asyncio.StreamWriter, text: str) -> None:
        data = text.encode()
        writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        await writer.drain()

    async def _wait_for_client_to_leave(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(ConnectionError):
            await reader.read()  # the request was read whole, so this returns only when the client closes
        self.disconnected.set()
