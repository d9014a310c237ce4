import pytest

from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from entrypoints.worker import tasks
from tests.api.chat_fixtures import chat_app, upstream  # noqa: F401  (fixtures shared by the chat tests)
from tests.api.helpers import OWNER, Console, bearer  # noqa: F401


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return Settings(STORAGE_PATH=tmp_path / "storage", _env_file=None)


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
