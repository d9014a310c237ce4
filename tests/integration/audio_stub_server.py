"""A loopback OpenAI-compatible speech server: `/audio/transcriptions` answers `{"text": …}`, `/audio/speech`
streams audio bytes in chunks. Each request is recorded (line, headers, raw body); a scripted reply may be an
error status instead."""

import asyncio
import json
from dataclasses import dataclass

from tests.integration.loopback_stub import LoopbackStub


@dataclass
class AudioReply:
    text: str = "hello from the audio stub"
    audio_chunks: tuple[bytes, ...] = (b"ID3", b"\x00fake-mp3-frames")
    status: int = 200
    error: str = ""


class StubAudioServer(LoopbackStub):
    def _default_reply(self) -> AudioReply:
        return AudioReply()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode()
            request_line, *header_lines = head.strip().split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            if await self._listed(request_line, headers, writer):
                return
            self.requests.append({"line": request_line, "headers": headers, "body": body})
            reply = self.replies.pop(0) if self.replies else self._default_reply()
            await self._reply(request_line, reply, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _reply(self, request_line: str, reply: AudioReply, writer: asyncio.StreamWriter) -> None:
        if reply.status >= 400:
            payload = json.dumps({"error": {"message": reply.error or "refused"}}).encode()
            writer.write(
                f"HTTP/1.1 {reply.status} Error\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                + payload
            )
        elif "/audio/transcriptions" in request_line:
            payload = json.dumps({"text": reply.text}).encode()
            writer.write(
                f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
                "Connection: close\r\n\r\n".encode()
                + payload
            )
        else:
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\nTransfer-Encoding: chunked\r\n"
                b"Connection: close\r\n\r\n"
            )
            for chunk in reply.audio_chunks:
                writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                await writer.drain()
            writer.write(b"0\r\n\r\n")
        await writer.drain()
