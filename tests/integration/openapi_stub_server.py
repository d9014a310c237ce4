"""A loopback HTTP service for custom (OpenAPI) tools: it records each request and answers with JSON that
echoes what it got, so a test sees where parameters and credentials went."""

import asyncio
import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit


class StubOpenApiService:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode()
            line, *header_lines = head.strip().split("\r\n")
            method, target, _ = line.split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
            raw = await reader.readexactly(int(headers.get("content-length", "0")))
            parts = urlsplit(target)
            seen = {
                "method": method,
                "path": parts.path,
                "query": dict(parse_qsl(parts.query)),
                "headers": headers,
                "body": json.loads(raw) if raw and "json" in headers.get("content-type", "") else raw.decode(),
            }
            self.requests.append(seen)
            body = json.dumps(
                {"ok": self.status < 400, "path": seen["path"], "query": seen["query"], "body": seen["body"]}
            ).encode()
            writer.write(
                f"HTTP/1.1 {self.status} X\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
