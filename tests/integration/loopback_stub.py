"""What the loopback model servers of the tests share: a real asyncio HTTP server on 127.0.0.1 that records
each request (line, headers, JSON body) and answers it with the next scripted reply. The model list a saved key
is checked against (`GET …/models`) is answered apart, as a real server lists its models: it is neither
recorded nor given a scripted reply, so what a test scripts and counts stays the model calls."""

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

    # The key a stub refuses at its model list, as a provider answers a bad key (401).
    refused_key: str | None = None

    async def _listed(self, request_line: str, headers: dict[str, str], writer: asyncio.StreamWriter) -> bool:
        """Answers a model list request; False for any other request."""
        method, path = [*request_line.split(" "), "", ""][:2]
        if method != "GET" or not path.split("?")[0].endswith("/models"):
            return False
        key = headers.get("authorization", "").removeprefix("Bearer ") or headers.get("x-api-key", "")
        status, body = (401, {"error": {"message": "Incorrect API key provided"}}) if key == self.refused_key else (
            200, {"object": "list", "data": []})
        payload = json.dumps(body).encode()
        writer.write(
            f"HTTP/1.1 {status} Stub\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            f"Connection: close\r\n\r\n".encode() + payload
        )
        await writer.drain()
        return True

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode()
            request_line, *header_lines = head.strip().split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            if await self._listed(request_line, headers, writer):
                return
            self.requests.append({"line": request_line, "headers": headers, "json": json.loads(body)})
            reply = self.replies.pop(0) if self.replies else self._default_reply()
            await self._answer(reply, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
