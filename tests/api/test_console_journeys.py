"""The call sequences Dify's web console made in the browser journeys (recorded from its network log, as data in
tests/fixtures/console_journeys/), replayed against weir in order with the same cookie session: every call
answers the status the page got (2xx, or the 4xx the page expects: a wrong password, an expired session, a
workflow without a draft yet). The debug chat's model is weir's stub model, named {upstream} in the data. A call
with `headers` is one the app's users made beside the page (the Service API with the key the page created), so
that the logs and monitoring pages have chats to show."""

import asyncio
import json
import threading
from pathlib import Path

import pytest

from tests.api.console_web import ADMIN, API, serve_console
from tests.databases import truncate_all
from tests.integration.openai_stub_server import StubOpenAIServer
from tests.polling import eventually_sync

JOURNEYS = sorted(Path(__file__).parents[1].joinpath("fixtures", "console_journeys").glob("*.json"))


@pytest.fixture(scope="module")
def upstream():
    """The stub model on its own event loop, as the server runs in another thread."""
    loop, server = asyncio.new_event_loop(), StubOpenAIServer()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    yield server
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def _streamed(text: str, field: str) -> str:
    """The first value of `field` among a server-sent event stream's events."""
    for line in text.splitlines():
        if line.startswith("data:") and field in (event := json.loads(line[5:])):
            return event[field]
    raise AssertionError(f"no {field} in the stream")


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    truncate_all(database_url)
    with pytest.MonkeyPatch.context() as env:
        for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
            env.delenv(name, raising=False)
        with serve_console(database_url, tmp_path_factory.mktemp("journeys") / "storage") as server:
            yield server
    truncate_all(database_url)


def _filled(value, ids: dict):
    if isinstance(value, str):
        for name, real in ids.items():
            value = value.replace("{" + name + "}", real)
        return value
    if isinstance(value, list):
        return [_filled(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, ids) for k, v in value.items()}
    return value


def _field(value, dotted: str):
    """A saved field of a response: `id`, or a dotted path into it (`data.0.id`)."""
    for part in dotted.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def _saved(browser, method: str, url: str, response, field: str) -> str:
    """A field the page read from a response. A list the background work fills (a new document's segments)
    may not have it yet when the replay, faster than the page, asks: the same GET is asked again until it does."""
    try:
        return _field(response.json(), field)
    except (KeyError, IndexError):
        if method != "GET":
            raise
    return eventually_sync(lambda: _field_or_none(browser.request(method, url).json(), field), timeout=30)


def _field_or_none(value, dotted: str):
    try:
        return _field(value, dotted)
    except (KeyError, IndexError):
        return None


def test_the_recordings_are_there():
    assert {p.stem for p in JOURNEYS} >= {"a", "b", "c", "d", "e", "f", "w"}


@pytest.mark.parametrize("recording", JOURNEYS, ids=lambda p: p.stem)
def test_a_recorded_journey_replays(web, upstream, recording):
    journey = json.loads(recording.read_text())
    truncate_all(web.database_url)  # each journey starts where the browser did: a fresh instance
    browser = web.browser()
    if not any(c["path"] == f"{API}/setup" and c["method"] == "POST" for c in journey["calls"]):
        assert browser.post("/setup", json=ADMIN).status_code == 201
        assert browser.sign_in().status_code == 200
    ids: dict[str, str] = {"upstream": upstream.base_url}
    for number, call in enumerate(journey["calls"]):
        path = _filled(call["path"], ids)
        if path.split("?")[0] == f"{API}/account/profile" and call["status"] == 401:
            browser.cookies.delete("access_token")  # the session the page had then had lapsed
        headers = _filled(call.get("headers"), ids)
        if upload := call.get("upload"):  # the page's multipart upload of a file the user picked
            files = {"file": (upload["name"], upload["content"].encode(), upload["mime"])}
            response = browser.request(call["method"], web.base_url + path, files=files, headers=headers)
        else:
            body = _filled(call.get("body"), ids)
            response = browser.request(call["method"], web.base_url + path, json=body, headers=headers)
        assert response.status_code == call["status"], (number, call["step"], call["method"], path, response.text)
        for field, name in (call.get("save") or {}).items():
            ids[name] = _saved(browser, call["method"], web.base_url + path, response, field)
        for field, name in (call.get("save_stream") or {}).items():
            ids[name] = _streamed(response.text, field)
