"""What the loopback model servers of the tests share: a real asyncio HTTP server on 127.0.0.1 that records
each request (line, headers, JSON body) and answers it with the next scripted reply."""

import asyncio
import json
from typing import Any


class LoopbackStub:
    """Subclasses say how a reply is written (`_answer`) and what is sent when none is scripted."""

    def __init__(self) -> None:
        self.replies: list[Any] = []
        self.requests: list[dict[str, Any]] = []
        self._server: asyncio.Server | None = None

    def _default_reply(self) -> Any:
        raise NotImplementedError

    async def _answer(self, reply: Any, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def root_url(self) -> str:
        """The host root (Dify's forms take it for some providers; the client adds the API path)."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode()
            request_line, *header_lines = head.strip().split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append({"line": request_line, "headers": headers, "json": json.loads(body)})
            reply = self.replies.pop(0) if self.replies else self._default_reply()
            await self._answer(reply, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
