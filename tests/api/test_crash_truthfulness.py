"""A crash or a cancel never leaves an answer that looks successful: real API processes on the suite's
PostgreSQL, a real (stub) upstream, SIGKILL and client disconnects.

- kill -9 of an API process with 20 streams and an async workflow run in flight: once it is restarted, every
  one of its messages is `error` with the reason and the text its client saw, its run `failed` (its running
  node too), while the streams of another, live API process are left alone and still finish;
- a storm of clients disconnecting right after sending: no message is left `normal` with an empty answer, and
  every stored message was sent upstream and answered.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import psycopg
import pytest

from domain.maintenance.leases import INTERRUPTED_MESSAGE, INTERRUPTED_RUN
from tests.api.helpers import OWNER, bearer
from tests.integration.openai_stub_server import Reply, StubOpenAIServer
from tests.polling import eventually
from tests.processes import ROOT, free_port, listens, weir_env

STARTUP = 60  # an API process imports, builds its container and serves /health within this
STREAMS = 20
SEEN = tuple(f"tok{i} " for i in range(6))  # what each killed stream's client sees before the kill
SLOW_RUN_DSL = """
app: {mode: workflow, name: Slow run, description: '', icon: '🤖', icon_background: '#FFEAD5'}
kind: app
version: 0.3.0
workflow:
  graph:
    edges:
    - {id: start-slow, source: start, sourceHandle: source, target: slow, targetHandle: target, type: custom}
    - {id: slow-end, source: slow, sourceHandle: source, target: end, targetHandle: target, type: custom}
    nodes:
    - id: start
      type: custom
      data: {type: start, title: Start, variables: []}
    - id: slow
      type: custom
      data:
        type: code
        title: Slow
        code_language: python3
        code: |
          import time
          def main() -> dict:
              time.sleep(120)
              return {"done": 1}
        variables: []
        outputs:
          done: {type: number, children: null}
    - id: end
      type: custom
      data:
        type: end
        title: End
        outputs:
        - {variable: done, value_selector: [slow, done]}
"""


def _rows(url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


async def rows(url: str, sql: str, *params) -> list[tuple]:
    return await asyncio.to_thread(_rows, url, sql, *params)


class Api:
    """One API process (its own process group, so SIGKILL takes its code sandboxes along)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = int(env["PORT"])
        self.base = f"http://127.0.0.1:{self.port}"
        self._env, self._log = env, log
        self.process: subprocess.Popen | None = None

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "entrypoints.serve"], cwd=ROOT, env=self._env,
            stdout=self._log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )

    async def start(self) -> "Api":
        self.process = self._spawn()

        async def serving() -> bool:
            assert self.process.poll() is None, self._log.read_text()
            try:
                async with httpx.AsyncClient() as http:
                    answered = (await http.get(self.base + "/health", timeout=1)).status_code == 200
            except httpx.HTTPError:
                return False
            return answered and listens(self.process.pid, self.port)  # not another test's server

        await eventually(serving, STARTUP, 0.1, f"the API on port {self.port} to serve")
        return self

    def kill9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill9()


@pytest.fixture
async def upstream():
    server = StubOpenAIServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def api_env(clean_database, upstream, tmp_path):
    """The environment of an API process on the suite's database and the stub upstream (no Redis)."""
    url = urlparse(clean_database)

    def env(port: int, **extra: str) -> dict[str, str]:
        return weir_env(
            PORT=str(port), HOST="127.0.0.1", STORAGE_PATH=str(tmp_path / "storage"), MIGRATION_ENABLED="false",
            DB_HOST=parse_qs(url.query)["host"][0], DB_DATABASE=url.path.lstrip("/"),
            OPENAI_API_BASE=upstream.base_url, OPENAI_API_KEY="sk-stub", OPENAI_MODELS="stub-model",
            CODE_EXECUTION_TIMEOUT="300", **extra,
        )

    return env


@pytest.fixture
async def apis(api_env, tmp_path):
    started: list[Api] = []

    async def start(port: int | None = None, **extra: str) -> Api:
        api = Api(api_env(port or free_port(), **extra), tmp_path / f"api-{len(started)}.log")
        started.append(api)
        return await api.start()

    yield start
    for api in started:
        api.stop()


async def _chat_key(http: httpx.AsyncClient) -> tuple[dict, str]:
    assert (await http.post("/console/api/setup", json=OWNER)).status_code == 201
    login = await http.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
    console = bearer(login.json()["data"]["access_token"])
    app = (await http.post("/console/api/apps", json={"name": "Bot", "mode": "chat"}, headers=console)).json()
    key = (await http.post(f"/console/api/apps/{app['id']}/api-keys", headers=console)).json()["token"]
    return console, key


async def _workflow_key(http: httpx.AsyncClient, console: dict) -> str:
    imported = (await http.post("/console/api/apps/imports", headers=console,
                                json={"mode": "yaml-content", "yaml_content": SLOW_RUN_DSL})).json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    published = await http.post(f"/console/api/apps/{imported['app_id']}/workflows/publish", headers=console)
    assert published.status_code == 200, published.text
    return (await http.post(f"/console/api/apps/{imported['app_id']}/api-keys", headers=console)).json()["token"]


class Stream:
    """A client streaming a chat message, reading its SSE events in the background."""

    def __init__(self, http: httpx.AsyncClient, key: str, user: str) -> None:
        self.events: list[dict] = []
        self.ended = asyncio.Event()
        self._task = asyncio.create_task(self._read(http, key, user))

    async def _read(self, http: httpx.AsyncClient, key: str, user: str) -> None:
        body = {"query": "Tell me", "inputs": {}, "response_mode": "streaming", "user": user}
        try:
            async with http.stream("POST", "/v1/chat-messages", json=body, headers=bearer(key), timeout=None) as r:
                async for line in r.aiter_lines():
                    if line.startswith("data: "):
                        self.events.append(json.loads(line[6:]))
        except httpx.HTTPError:
            pass  # the server was killed
        finally:
            self.ended.set()

    @property
    def text(self) -> str:
        return "".join(e.get("answer", "") for e in self.events if e.get("event") == "message")

    @property
    def first(self) -> dict:
        return self.events[0]

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def _messages(url: str, ids: list[str]) -> dict[str, tuple]:
    found = await rows(url, "SELECT id::text, status, error, answer FROM messages WHERE id::text = ANY(%s)", ids)
    return {row[0]: row[1:] for row in found}


async def test_a_killed_api_leaves_its_messages_and_run_failed_with_what_was_seen_and_a_live_ones_alone(
    apis, upstream, clean_database
):
    # A lease outlives a killed process by its TTL; two minutes here, so only the restart's own check (the
    # dead pid of this pid namespace) can explain how soon the dead process's rows are marked.
    lease = {"PROCESS_LEASE_SECONDS": "120"}
    victim = await apis(**lease)
    neighbour = await apis(**lease)
    async with httpx.AsyncClient(base_url=victim.base, timeout=30) as http, \
            httpx.AsyncClient(base_url=neighbour.base, timeout=30) as other:
        console, key = await _chat_key(http)
        workflow_key = await _workflow_key(http, console)

        # The live neighbour's streams: they hang after two tokens, until stopped.
        upstream.replies.extend(Reply(deltas=("live ", "one ", "never"), hang_after=2) for _ in range(3))
        live = [Stream(other, key, f"neighbour-{i}") for i in range(3)]
        await eventually(lambda: all(s.text == "live one " for s in live), 30, 0.05, "the neighbour's streams")

        upstream.replies.extend(Reply(deltas=(*SEEN, "never sent"), hang_after=len(SEEN)) for _ in range(STREAMS))
        streams = [Stream(http, key, f"user-{i}") for i in range(STREAMS)]
        run = await http.post("/v1/workflows/run", headers=bearer(workflow_key),
                              json={"inputs": {}, "response_mode": "async", "user": "runner"})
        assert run.status_code == 202, run.text
        run_id = run.json()["workflow_run_id"]
        await eventually(lambda: all(s.text == "".join(SEEN) for s in streams), 30, 0.05,
                         "every client to see its six tokens")
        message_ids = [s.first["message_id"] for s in streams]

        async def saved_and_generating():
            stored = await _messages(clean_database, message_ids)
            return len(stored) == STREAMS and all(v == ("generating", None, "".join(SEEN)) for v in stored.values())

        # Saved within the bounded interval (a second), though no token came since.
        await eventually(saved_and_generating, 10, 0.1, "the streamed text to be saved, the messages generating")

        async def slow_node_running():
            found = await rows(clean_database, "SELECT r.status, n.status FROM workflow_runs r JOIN "
                                               "workflow_node_executions n ON n.workflow_run_id = r.id "
                                               "WHERE r.id = %s AND n.node_id = 'slow'", run_id)
            return found == [("running", "running")]

        await eventually(slow_node_running, 30, 0.1, "the async run's slow node to run")

        victim.kill9()
        killed = time.monotonic()
        for stream in streams:
            await asyncio.wait_for(stream.ended.wait(), 10)
        await victim.start()

        async def marked():
            stored = await _messages(clean_database, message_ids)
            return all(status == "error" for status, _, _ in stored.values()) and stored

        stored = await eventually(marked, 30, 0.1, "the dead process's messages to be marked failed")
        reaped_after = time.monotonic() - killed
        assert set(stored.values()) == {("error", INTERRUPTED_MESSAGE, "".join(SEEN))}
        [(status, error, finished)] = await rows(
            clean_database, "SELECT status, error, finished_at IS NOT NULL FROM workflow_runs WHERE id = %s", run_id
        )
        assert (status, error, finished) == ("failed", INTERRUPTED_RUN, True)
        assert await rows(clean_database, "SELECT status, error FROM workflow_node_executions "
                                          "WHERE workflow_run_id = %s AND node_id = 'slow'", run_id) == [
            ("failed", INTERRUPTED_RUN)
        ]
        assert reaped_after < 60, reaped_after  # well inside the two-minute lease

        # What a client reads through the API after the restart.
        listed = (await http.get("/v1/messages", headers=bearer(key), params={
            "user": "user-0", "conversation_id": streams[0].first["conversation_id"]})).json()["data"]
        assert [(m["status"], m["error"], m["answer"]) for m in listed] == [
            ("error", INTERRUPTED_MESSAGE, "".join(SEEN))
        ]
        detail = (await http.get(f"/v1/workflows/run/{run_id}", headers=bearer(workflow_key))).json()
        assert (detail["status"], detail["error"]) == ("failed", INTERRUPTED_RUN)

        # The live neighbour's messages were never touched, and still end truthfully.
        live_ids = [s.first["message_id"] for s in live]
        assert set((await _messages(clean_database, live_ids)).values()) == {("generating", None, "live one ")}
        for i, stream in enumerate(live):
            stop = await other.post(f"/v1/chat-messages/{stream.first['task_id']}/stop", headers=bearer(key),
                                    json={"user": f"neighbour-{i}"})
            assert stop.json() == {"result": "success"}
        await eventually(lambda: all(s.ended.is_set() for s in live), 20, 0.05, "the stopped streams to end")
        assert set((await _messages(clean_database, live_ids)).values()) == {("normal", None, "live one ")}
        for stream in (*streams, *live):
            await stream.close()
    print(f"\n{STREAMS} messages and 1 run of the killed API marked failed {reaped_after:.1f}s after the kill")


async def _send_and_leave(port: int, key: str, user: str, leave_after: float | None) -> None:
    """Sends a streaming chat message and goes away `leave_after` seconds later (None: once the response's
    headers came)."""
    body = json.dumps({"query": "Hi", "inputs": {}, "response_mode": "streaming", "user": user}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /v1/chat-messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    )
    await writer.drain()
    if leave_after is None:
        await reader.readuntil(b"\r\n\r\n")
    else:
        # Not a wait for anything: the moments the clients leave, spread over the handling of their request.
        await asyncio.sleep(leave_after)
    writer.transport.abort()  # gone, as a client killed or a tab closed


async def test_a_storm_of_clients_leaving_right_after_sending_leaves_no_message_looking_answered(
    apis, upstream, clean_database
):
    api = await apis()
    async with httpx.AsyncClient(base_url=api.base, timeout=30) as http:
        _, key = await _chat_key(http)
    clients = 600
    await asyncio.gather(*(
        _send_and_leave(api.port, key, f"user-{i % 20}", None if i % 10 == 0 else (i % 100) * 0.03)
        for i in range(clients)
    ))

    async def settled():
        found = await rows(clean_database, "SELECT status, error, answer FROM messages")
        still = [row for row in found if row[0] == "generating"]
        return not still and len(upstream.requests) >= len(found) and found

    messages = await eventually(settled, 60, 0.1, "every stored message to be answered")
    looks_answered_but_empty = [row for row in messages if row[0] == "normal" and row[2] == ""]
    assert looks_answered_but_empty == []
    assert {row for row in messages} == {("normal", None, "Hello world")}
    assert len(upstream.requests) == len(messages)  # every stored message was sent upstream, once
    print(f"\n{clients} clients left at once; {len(messages)} messages stored, all answered")
