from dataclasses import dataclass

import pytest

from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from entrypoints.worker import tasks

OWNER = {"email": "owner@example.com", "name": "Owner", "password": "secret123"}


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


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Console:
    """A logged-in console session, with helpers for what most tests need first."""

    client: object
    token: str

    @property
    def headers(self) -> dict:
        return bearer(self.token)

    async def create_app(self, name: str = "Support bot", mode: str = "chat") -> dict:
        response = await self.client.post("/console/api/apps", json={"name": name, "mode": mode}, headers=self.headers)
        assert response.status_code == 201, await response.get_json()
        return await response.get_json()

    async def create_app_key(self, app_id: str) -> str:
        response = await self.client.post(f"/console/api/apps/{app_id}/api-keys", headers=self.headers)
        assert response.status_code == 201, await response.get_json()
        return (await response.get_json())["token"]


@pytest.fixture
async def console(client) -> Console:
    assert (await client.post("/console/api/setup", json=OWNER)).status_code == 201
    response = await client.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
    return Console(client=client, token=(await response.get_json())["data"]["access_token"])
