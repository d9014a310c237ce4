"""The two HTTP clients a chat model may be given, for the wire tests to run on both: none (the model makes
httpx's own client per call) and the client every provider call of a process shares (ProviderChatModelFactory's,
httpx on aiohttp's connections). Import `client` into a test module: each of its tests runs once per client."""

import httpx
import pytest

from adapters.llm.factory import provider_client

_CURRENT: list[httpx.AsyncClient | None] = [None]


@pytest.fixture(autouse=True, params=["httpx", "aiohttp"])
async def client(request):
    if request.param == "httpx":
        _CURRENT[0] = None
        yield None
        return
    shared = _CURRENT[0] = provider_client()
    yield shared
    _CURRENT[0] = None
    await shared.aclose()


def current_client() -> httpx.AsyncClient | None:
    """The client of the test running now (None: the model's own)."""
    return _CURRENT[0]
