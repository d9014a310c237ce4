"""Hostile requests never stall the others: oversized bodies are refused unread, large JSON is parsed off the event
loop, and an unexpected error is answered (with a request id) and logged without waiting on the log.

Found by probing: one `POST /console/api/login` with a NUL in the email took 2.3 s to answer 500 (rich rendered a
thousand-line traceback on the event loop) and five at once held /health for 15 s; a 20 MB JSON body was read and
parsed, holding /health for 17 s.
"""

import asyncio
import io
import json
import logging
import re
import threading

import pytest
import structlog
from dependency_injector import providers
from werkzeug.datastructures import FileStorage

from entrypoints.http import bodies
from entrypoints.logs import configure_logging, stop_background_logging
from tests.polling import eventually

MB = 2**20
TOO_LARGE = {"code": "request_entity_too_large", "status": 413,
             "message": "The data value transmitted exceeds the capacity limit."}


async def test_a_body_declared_over_the_limit_is_413_before_it_is_sent(client):
    """20 MB declared, 1 MB sent: the answer comes at once, and /health answers while the upload is open."""
    headers = {"Content-Type": "application/json", "Content-Length": str(20 * MB)}
    async with client.request("/console/api/login", method="POST", headers=headers) as connection:
        await connection.send(b'{"email": "' + b"x" * MB)
        first = await connection.receive()  # the answer, though 19 MB were never sent
        assert connection.status_code == 413 and json.loads(first) == TOO_LARGE
        assert (await client.get("/health")).status_code == 200
        await connection.disconnect()


async def test_a_streamed_body_over_the_limit_is_413_once_it_passes_the_limit(client):
    """No Content-Length (chunked): read up to MAX_REQUEST_BODY_MB (15), then refused; /health answers meanwhile."""
    async with client.request("/console/api/login", method="POST",
                              headers={"Content-Type": "application/json"}) as connection:
        await connection.send(b'{"email": "')
        for sent in range(1, 17):
            await connection.send(b"x" * MB)
            if sent == 8:
                assert (await client.get("/health")).status_code == 200
        first = await connection.receive()
        assert connection.status_code == 413 and json.loads(first) == TOO_LARGE
        await connection.disconnect()


@pytest.mark.parametrize("settings", [{"MAX_REQUEST_BODY_MB": 1}], indirect=True)
async def test_max_request_body_mb_sets_the_json_limit_and_uploads_keep_their_own(console):
    over = await console.client.post("/console/api/apps", headers=console.headers,
                                     json={"name": "x" * (MB + 10), "mode": "chat"})
    assert over.status_code == 413 and await over.get_json() == TOO_LARGE
    app = await console.create_app()
    key = await console.create_app_key(app["id"])
    upload = await console.client.post(
        "/v1/files/upload", headers={"Authorization": f"Bearer {key}"}, form={"user": "u"},
        files={"file": FileStorage(io.BytesIO(b"x" * 2 * MB), filename="big.txt", content_type="text/plain")},
    )
    assert upload.status_code == 201, await upload.get_json()  # 2 MB: over MAX_REQUEST_BODY_MB, under 15 MB files


async def test_a_large_json_body_is_parsed_on_another_thread(client, monkeypatch):
    parsed_on = []
    real = bodies.decode_json

    def spy(raw: bytes) -> dict:
        parsed_on.append(threading.get_ident())
        return real(raw)

    monkeypatch.setattr(bodies, "decode_json", spy)
    for size in (100, 5 * MB):
        response = await client.post("/console/api/login", json={"email": "x@example.com", "password": "p" * size})
        assert response.status_code == 401
    small, large = parsed_on
    assert small == threading.get_ident() and large != threading.get_ident()


class Gated:
    """A use case that fails once the test opens its gate: requests on it stay in flight until then."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.waiting = 0

    async def execute(self) -> None:
        self.waiting += 1
        await self.gate.wait()
        raise RuntimeError("boom: the store said no\nSECOND LINE never logged")


class StalledStream(io.TextIOBase):
    """stderr as a full pipe or a paused terminal: a write blocks until the test releases it."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.text: list[str] = []
        self.gave_up = False

    def write(self, text: str) -> int:
        if not self.released.wait(timeout=60):
            self.gave_up = True  # only if the event loop itself was stuck here: then the test has failed
        self.text.append(text)
        return len(text)

    def flush(self) -> None:
        pass


@pytest.fixture
def stalled_log(monkeypatch):
    """The API's logging (entrypoints.logs, background writer) onto a stalled stream; restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level, saved_structlog = root.handlers[:], root.level, structlog.get_config()
    real_configure = structlog.configure
    # Loggers used during the test must not stay bound to this configuration for the tests that follow.
    monkeypatch.setattr(structlog, "configure", lambda **kw: real_configure(**{**kw, "cache_logger_on_first_use": False}))
    stream = StalledStream()
    configure_logging("INFO", "text", stream=stream, background=True)
    yield stream
    stream.released.set()
    stop_background_logging()
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    real_configure(**saved_structlog)


async def test_hostile_requests_at_once_leave_health_answering(client, container, stalled_log):
    failing = Gated()
    container.get_setup_status.override(providers.Object(failing))
    try:
        errors = [asyncio.create_task(client.get("/console/api/setup", headers={"X-Request-Id": f"probe-{n}"}))
                  for n in range(5)]
        nul_logins = [asyncio.create_task(client.post("/console/api/login",
                                                      json={"email": "admin\u0000@example.com", "password": "x"}))
                      for _ in range(5)]
        await eventually(lambda: failing.waiting == 5, what="the five failing requests to be in flight")
        assert (await client.get("/health")).status_code == 200  # while they are in flight
        failing.gate.set()
        answered = await asyncio.gather(*errors, *nul_logins)  # answered with the log's stream still stalled
        assert (await client.get("/health")).status_code == 200
        assert not stalled_log.released.is_set() and not stalled_log.text
    finally:
        container.get_setup_status.reset_override()

    for n, response in enumerate(answered[:5]):
        body = await response.get_json()
        assert response.status_code == 500 and response.headers["X-Request-Id"] == f"probe-{n}"
        assert body == {"code": "internal_server_error", "message": "The server encountered an internal error.",
                        "status": 500, "request_id": f"probe-{n}"}
    for response in answered[5:]:
        assert response.status_code == 400 and (await response.get_json())["params"] == "email"
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])

    stalled_log.released.set()
    stop_background_logging()  # writes out what was queued
    assert not stalled_log.gave_up
    log = "".join(stalled_log.text)
    errors_logged = [line for line in log.splitlines() if "unhandled error RuntimeError" in line]
    assert len(errors_logged) == 5 and all("boom: the store said no" in line for line in errors_logged)
    assert {f"request_id=probe-{n}" for n in range(5)} <= {m.group(0) for m in re.finditer(r"request_id=probe-\d", log)}
    assert log.count("Traceback (most recent call last)") == 1  # once for this place, not once a request
    assert log.count("\nSECOND LINE never logged") == 1  # in that traceback: an error's own line has its first line
