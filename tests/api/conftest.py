"""The API under test in process (Quart's test client on the suite's database), a logged-in console, and what
several API test modules share: the stub model server, a chat app on it, a Knowledge API key."""

import pytest

from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from entrypoints.worker import tasks
from tests.api.chat_helpers import ChatApp, configure_provider, make_app
from tests.api.helpers import OWNER, Console
from tests.integration.openai_stub_server import StubOpenAIServer


@pytest.fixture
def settings(tmp_path, monkeypatch, request):
    """Settings on a temporary storage folder, free of the environment's servers. A test changes fields with
    `@pytest.mark.parametrize("settings", [{"FIELD": value}], indirect=True)`."""
    for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return Settings(STORAGE_PATH=tmp_path / "storage", _env_file=None, **getattr(request, "param", {}))


@pytest.fixture
def container(settings, clean_database):
    # The app's own shutdown (after_serving) flushes telemetry and disposes the pools.
    return build_container(settings, Database(url=clean_database, embedded=False), tasks.broker)


@pytest.fixture
async def client(container):
    async with create_app(container).test_app() as app:  # runs before_serving / after_serving
        yield app.test_client()


@pytest.fixture
async def console(client) -> Console:
    assert (await client.post("/console/api/setup", json=OWNER)).status_code == 201
    response = await client.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
    return Console(client=client, token=(await response.get_json())["data"]["access_token"])


@pytest.fixture
async def upstream():
    """The loopback OpenAI-compatible server the chat tests script."""
    server = StubOpenAIServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def chat_app(console, upstream) -> ChatApp:
    """A priced chat app on the stub model, with a Service API key."""
    await configure_provider(console, upstream, input="0.5", output="1.5", unit="0.001", currency="USD")
    return await make_app(console, upstream)


@pytest.fixture
async def key(console) -> str:
    """A Knowledge API (dataset) key of the console's workspace."""
    response = await console.client.post("/console/api/datasets/api-keys", headers=console.headers)
    return (await response.get_json())["token"]
