"""A real weir server for the console tests, as Dify's web console reaches it: HTTP on a loopback port, the
console's origin allowed, and a browser-like client that keeps cookies and sends the CSRF header back."""

import asyncio
import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
import uvicorn

from adapters.persistence.engine import make_engine, make_session_factory
from adapters.persistence.unit_of_work import SqlaUnitOfWork
from adapters.security.password_hasher import ScryptPasswordHasher
from adapters.security.secret_cipher import AesGcmSecretCipher
from domain.tenancy.entities import Account, Membership, Role, Tenant
from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from entrypoints.worker import tasks
from tests.databases import truncate_all
from tests.integration.openai_stub_server import StubOpenAIServer
from tests.polling import eventually_sync
from tests.processes import free_port

ORIGIN = "http://localhost:3000"
ADMIN = {"email": "admin@example.com", "name": "Admin", "password": "secret-pass-123"}
API = "/console/api"


def encoded(password: str) -> str:
    """The password as the console's sign-in form sends it."""
    return base64.b64encode(password.encode()).decode()


class Browser(httpx.Client):
    """Cookies in, cookies out, and the X-CSRF-Token header read from the csrf_token cookie, as the web does."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url=base_url + API, headers={"Origin": ORIGIN}, timeout=30)

    def request(self, method, url, **kwargs):  # type: ignore[override]
        token = self.cookies.get("csrf_token")
        if token:
            kwargs["headers"] = {"X-CSRF-Token": token, **(kwargs.get("headers") or {})}
        return super().request(method, url, **kwargs)

    def bare(self, method: str, url: str, **kwargs) -> httpx.Response:
        """With the cookies but without the CSRF header (what a cross-site page could send)."""
        return super().request(method, url, **kwargs)

    def sign_in(self, email: str = ADMIN["email"], password: str = ADMIN["password"]) -> httpx.Response:
        return self.post("/login", json={"email": email, "password": encoded(password), "remember_me": True})


@dataclass
class ConsoleServer:
    base_url: str
    database_url: str

    def browser(self) -> Browser:
        return Browser(self.base_url)

    def signed_in(self) -> Browser:
        return self.signed_in_as(ADMIN["email"], ADMIN["password"])

    def signed_in_as(self, email: str, password: str) -> Browser:
        browser = self.browser()
        assert browser.sign_in(email, password).status_code == 200
        return browser

    def add_workspace(self, email: str, password: str) -> None:
        """A second workspace with its own owner (weir has no sign-up: written as setup would)."""
        asyncio.run(_add_workspace(self.database_url, email, password))


async def _add_workspace(url: str, email: str, password: str) -> None:
    engine = make_engine(url, pool_size=1)
    now = datetime.now(UTC)
    digest, salt = await ScryptPasswordHasher().hash(password)
    tenant = Tenant(id=uuid4(), name="Other workspace", created_at=now, updated_at=now)
    account = Account(
        id=uuid4(), name="Other", email=email, password_hash=digest, password_salt=salt, created_at=now, updated_at=now
    )
    try:
        async with SqlaUnitOfWork(make_session_factory(engine), AesGcmSecretCipher("unused")) as uow:
            await uow.tenants.add(tenant)
            await uow.accounts.add(account)
            await uow.accounts.add_membership(Membership(uuid4(), tenant.id, account.id, Role.OWNER, now))
            await uow.commit()
    finally:
        await engine.dispose()


@contextmanager
def serve_console(database_url: str, storage: Path) -> Iterator[ConsoleServer]:
    settings = Settings(STORAGE_PATH=storage, _env_file=None, CONSOLE_CORS_ALLOW_ORIGINS=ORIGIN)
    container = build_container(settings, Database(url=database_url, embedded=False), tasks.broker)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(container), host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    eventually_sync(lambda: server.started, timeout=30)
    try:
        yield ConsoleServer(f"http://127.0.0.1:{port}", database_url)
    finally:
        server.should_exit = True
        thread.join(30)


@contextmanager
def threaded_stub_model() -> Iterator[StubOpenAIServer]:
    """The stub model on its own event loop, since the console server runs in another thread."""
    loop, server = asyncio.new_event_loop(), StubOpenAIServer()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@contextmanager
def set_up_console(database_url: str, storage: Path, other_workspace: bool = True) -> Iterator[ConsoleServer]:
    """A module's console server on the emptied database, set up with ADMIN (and another workspace), with no
    Redis, outside database or secret from the environment; the database is emptied again afterwards."""
    truncate_all(database_url)
    with pytest.MonkeyPatch.context() as env:
        for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
            env.delenv(name, raising=False)
        with serve_console(database_url, storage) as server:
            assert server.browser().post("/setup", json=ADMIN).status_code == 201
            if other_workspace:
                server.add_workspace("other@example.com", "other-pass-123")
            yield server
    truncate_all(database_url)


def with_stub_model(browser: Browser, upstream) -> Browser:
    """The signed-in browser's workspace, with the stub model as its OpenAI-API-compatible provider."""
    credentials = {"api_key": "sk-stub", "endpoint_url": upstream.base_url, "models": [{"name": "stub-model"}]}
    saved = browser.post(
        "/workspaces/current/model-providers/openai_api_compatible/credentials", json={"credentials": credentials}
    )
    assert saved.status_code == 200, saved.text
    return browser
