"""httpx's client on aiohttp's connections, for the model providers' streamed answers.

httpcore parses every chunk of a streamed answer with h11, in Python: reading a 20-token answer cost 5.6-7.4 ms of
CPU on httpcore against 3.2-3.4 ms on aiohttp (bench/README, "fifth session"). aiohttp parses HTTP in C, and the
httpx-aiohttp package puts it under httpx's API, so requests, responses, status checks and the errors the chat
models map (httpx's exception classes) stay as they are. What this module adds to that package:

- one aiohttp session per event loop: a session belongs to the loop it was made on, and a process (or a test
  suite) may run the same factory on more than one loop;
- a server that drops the connection before answering is a broken connection (httpx.RemoteProtocolError, worth a
  retry), not a connect timeout as the package maps it.
As with the transport before it, the proxies the environment names are not read: a provider on loopback (a local
model server, a test double) must not be sent to a proxy set for the outside world.
"""

import asyncio
import contextlib
import weakref
from collections.abc import Iterator

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport


@contextlib.contextmanager
def _dropped_connections() -> Iterator[None]:
    try:
        yield
    except httpx.ConnectTimeout as error:
        if isinstance(error.__cause__, aiohttp.ServerDisconnectedError):
            raise httpx.RemoteProtocolError(f"Server disconnected: {error.__cause__}") from error.__cause__
        raise


class LoopAiohttpTransport(httpx.AsyncBaseTransport):
    """An AiohttpTransport (and so an aiohttp session) for every event loop that sends through this one."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._tls = httpx.create_ssl_context()  # built once: a TLS context costs milliseconds of CPU
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AiohttpTransport] = (
            weakref.WeakKeyDictionary()
        )

    def _transport(self) -> AiohttpTransport:
        loop = asyncio.get_running_loop()
        transport = self._by_loop.get(loop)
        if transport is None:
            transport = self._by_loop[loop] = AiohttpTransport(verify=self._tls, limits=self._limits)
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with _dropped_connections():
            return await self._transport().handle_async_request(request)

    async def aclose(self) -> None:
        """Closes the running loop's session (those of loops already gone went with them)."""
        transport = self._by_loop.pop(asyncio.get_running_loop(), None)
        if transport is not None:
            await transport.aclose()
