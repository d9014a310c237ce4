"""Fault tolerance with real Redis, real PostgreSQL and real `taskiq worker` processes: a worker killed with
SIGKILL while it indexes a document or runs an async workflow, and a Redis restart with tasks queued.

The API runs in-process with a container whose broker is Redis, so its jobs go to the workers started here.
Leases last 2 s (QUEUE_VISIBILITY_TIMEOUT), so a dead worker's job is redelivered quickly.
"""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import parse_qs, urlparse

import psycopg
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq.kicker import AsyncKicker

from adapters.queue.taskiq_broker import make_broker, queue_key
from tests.api.helpers import OWNER, Console, bearer
from tests.polling import eventually
from tests.processes import ROOT, free_port, weir_env

LEASE_SECONDS = 2
STARTUP = 120  # a worker loads the embedding model and opens the database before its first task
POLL_SECONDS = 0.1  # how often a wait for the workers or the database looks again

WORKFLOW_DSL = """
app: {mode: workflow, name: Slow run, description: '', icon: '🤖', icon_background: '#FFEAD5'}
kind: app
version: 0.3.0
dependencies: []
workflow:
  conversation_variables: []
  environment_variables: []
  features: {}
  graph:
    edges:
    - {id: start-slow, source: start, sourceHandle: source, target: slow, targetHandle: target, type: custom}
    - {id: slow-end, source: slow, sourceHandle: source, target: end, targetHandle: target, type: custom}
    nodes:
    - id: start
      type: custom
      data:
        type: start
        title: Start
        variables:
        - {variable: ticket, label: Ticket, type: paragraph, required: true, max_length: 2000}
    - id: slow
      type: custom
      data:
        type: code
        title: Slow
        code_language: python3
        code: |
          import time
          def main(ticket: str) -> dict:
              time.sleep(3)
              return {"words": len(ticket.split())}
        variables:
        - {variable: ticket, value_selector: [start, ticket]}
        outputs:
          words: {type: number, children: null}
    - id: end
      type: custom
      data:
        type: end
        title: End
        outputs:
        - {variable: words, value_selector: [slow, words]}
"""


def _paragraphs(count: int) -> str:
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo"]
    return "\n\n".join(
        f"Section {i}: " + " ".join(words[(i * 7 + j) % len(words)] for j in range(40)) + f" end of part {i}."
        for i in range(count)
    )


def query(url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


async def rows(url: str, sql: str, *params) -> list[tuple]:
    return await asyncio.to_thread(query, url, sql, *params)


@pytest.fixture
def storage(tmp_path):
    return tmp_path / "storage"


@pytest.fixture
def workers(database_url, storage, tmp_path):
    """Starts `taskiq worker` processes (each its own process group, so SIGKILL reaches its children too)."""
    started: list[subprocess.Popen] = []
    socket_dir = parse_qs(urlparse(database_url).query)["host"][0]

    def start(redis_url: str) -> subprocess.Popen:
        env = weir_env(
            REDIS_URL=redis_url,
            DB_HOST=socket_dir,
            DB_DATABASE=urlparse(database_url).path.lstrip("/"),
            STORAGE_PATH=str(storage),
            QUEUE_VISIBILITY_TIMEOUT=str(LEASE_SECONDS),
            WORKER_HEARTBEAT_INTERVAL="0.5",
            WORKER_HEARTBEAT_TTL="3",
        )
        command = [
            sys.executable,
            "-m",
            "taskiq",
            "worker",
            "entrypoints.worker.broker:broker",
            "entrypoints.worker.tasks",
            "tests.integration.queue_tasks",
            "--workers",
            "1",
        ]
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def kill9(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
async def console(redis_url, redis, clean_database, storage, monkeypatch):
    """The API in-process, its broker Redis: what it enqueues runs on the workers, never in this process."""
    from entrypoints.container import build_container
    from entrypoints.database import Database
    from entrypoints.http.app import create_app
    from entrypoints.settings import Settings

    for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(STORAGE_PATH=storage, REDIS_URL=redis_url, _env_file=None)
    container = build_container(settings, Database(url=clean_database, embedded=False), make_broker(redis_url, []))
    async with create_app(container).test_app() as app:
        client = app.test_client()
        assert (await client.post("/console/api/setup", json=OWNER)).status_code == 201
        login = await client.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
        yield Console(client=client, token=(await login.get_json())["data"]["access_token"])


async def _json(response, status: int = 200):
    body = await response.get_json()
    assert response.status_code == status, body
    return body


async def _document_status(url: str, document_id: str) -> str:
    ((status,),) = await rows(url, "SELECT indexing_status FROM documents WHERE id = %s", document_id)
    return status


async def _segment_figures(url: str, dataset_id: str, document_id: str) -> tuple[int, int, int, int]:
    """(segments, distinct positions, vectors, distinct vector ids) of one document."""
    ((segments, positions),) = await rows(
        url, "SELECT count(*), count(DISTINCT position) FROM document_segments WHERE document_id = %s", document_id
    )
    table = f"embedding_vector_index_{uuid.UUID(dataset_id).hex}_node"
    ((vectors, ids),) = await rows(
        url, f"SELECT count(*), count(DISTINCT id) FROM \"{table}\" WHERE meta->>'document_id' = %s", document_id
    )
    return segments, positions, vectors, ids


async def test_a_worker_killed_while_indexing_leaves_the_document_indexed_once_by_the_next(
    console, redis_url, clean_database, workers
):
    client = console.client
    key = (await _json(await client.post("/console/api/datasets/api-keys", headers=console.headers), 201))["token"]
    dataset = await _json(
        await client.post(
            "/v1/datasets", headers=bearer(key), json={"name": "Big", "indexing_technique": "high_quality"}
        )
    )
    ds = f"/v1/datasets/{dataset['id']}"
    rule = {
        "mode": "custom",
        "rules": {"pre_processing_rules": [], "segmentation": {"separator": "\\n\\n", "max_tokens": 100}},
    }
    text = _paragraphs(1000)
    created = await _json(
        await client.post(
            f"{ds}/document/create-by-text",
            headers=bearer(key),
            json={"name": "big", "text": text, "process_rule": rule},
        )
    )
    document_id = created["document"]["id"]
    assert await _document_status(clean_database, document_id) == "waiting"

    first = workers(redis_url)
    started = time.monotonic()

    async def in_progress():
        status = await _document_status(clean_database, document_id)
        assert status != "completed", "indexing finished before the worker could be killed: make the text bigger"
        return status in ("parsing", "cleaning", "splitting", "indexing") and status

    await eventually(in_progress, STARTUP, POLL_SECONDS, "the first worker to start indexing")
    # Kill it inside the embedding batches, so it leaves some segments completed and their vectors stored.
    await eventually(lambda: _some_completed(clean_database, document_id), 60, POLL_SECONDS, "the first batch to be stored")
    killed_in = await _document_status(clean_database, document_id)
    kill9(first)
    killed_after = time.monotonic() - started
    partial = await rows(
        clean_database,
        "SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FROM document_segments WHERE document_id = %s",
        document_id,
    )

    second = workers(redis_url)
    restarted = time.monotonic()
    await eventually(lambda: _settled(clean_database, document_id), STARTUP + 120, POLL_SECONDS, "the second worker to index it")
    recovered_after = time.monotonic() - restarted
    assert await _document_status(clean_database, document_id) == "completed"

    # A clean index of the same text by the surviving worker is the reference.
    reference = await _json(
        await client.post(
            f"{ds}/document/create-by-text",
            headers=bearer(key),
            json={"name": "reference", "text": text, "process_rule": rule},
        )
    )
    reference_id = reference["document"]["id"]
    await eventually(lambda: _settled(clean_database, reference_id), 180, POLL_SECONDS, "the reference document to index")
    assert await _document_status(clean_database, reference_id) == "completed"

    clean = await _segment_figures(clean_database, dataset["id"], reference_id)
    recovered = await _segment_figures(clean_database, dataset["id"], document_id)
    assert clean[0] > 100 and len(set(clean)) == 1, clean  # as many vectors as segments, no duplicate
    assert recovered == clean, (recovered, clean)
    ((completed,),) = await rows(
        clean_database,
        "SELECT count(*) FROM document_segments WHERE document_id = %s AND status = 'completed'",
        document_id,
    )
    assert completed == clean[0]
    assert second.poll() is None
    print(
        f"\nkilled in {killed_in} after {killed_after:.1f}s (segments completed/total then: {partial[0]}), "
        f"recovered {recovered_after:.1f}s after the second worker started; segments {clean[0]}"
    )


async def _some_completed(url: str, document_id: str) -> bool:
    assert await _document_status(url, document_id) != "completed", (
        "indexing finished before the worker could be killed: make the text bigger"
    )
    ((completed,),) = await rows(
        url, "SELECT count(*) FROM document_segments WHERE document_id = %s AND status = 'completed'", document_id
    )
    return completed > 0


async def _settled(url: str, document_id: str) -> bool:
    return await _document_status(url, document_id) in ("completed", "error")


async def test_a_worker_killed_mid_run_leaves_an_async_workflow_run_ended_once(
    console, redis_url, clean_database, workers
):
    client = console.client
    imported = await _json(
        await client.post(
            "/console/api/apps/imports",
            headers=console.headers,
            json={"mode": "yaml-content", "yaml_content": WORKFLOW_DSL},
        )
    )
    assert imported["status"].startswith("completed") and not imported["error"], imported
    app_id = imported["app_id"]
    await _json(await client.post(f"/console/api/apps/{app_id}/workflows/publish", headers=console.headers))
    key = await console.create_app_key(app_id)

    first = workers(redis_url)
    response = await client.post(
        "/v1/workflows/run",
        headers=bearer(key),
        json={"inputs": {"ticket": "three little words"}, "response_mode": "async", "user": "alice"},
    )
    run_id = (await _json(response, 202))["workflow_run_id"]

    async def slow_node_running():
        found = await rows(
            clean_database,
            "SELECT status FROM workflow_node_executions WHERE workflow_run_id = %s AND node_id = 'slow'",
            run_id,
        )
        return bool(found) and all(status == "running" for (status,) in found)

    await eventually(slow_node_running, STARTUP, POLL_SECONDS, "the first worker to start the slow node")
    kill9(first)
    workers(redis_url)
    restarted = time.monotonic()

    async def ended():
        detail = await _json(await client.get(f"/v1/workflows/run/{run_id}", headers=bearer(key)))
        return detail["status"] != "running" and detail

    detail = await eventually(ended, STARTUP + 60, POLL_SECONDS, "the run to end on the second worker")
    ended_after = time.monotonic() - restarted
    runs = await rows(clean_database, "SELECT status, error FROM workflow_runs WHERE id = %s", run_id)
    per_node = dict(
        await rows(
            clean_database,
            "SELECT node_id, count(*) FROM workflow_node_executions WHERE workflow_run_id = %s GROUP BY node_id",
            run_id,
        )
    )
    print(f"\nrun ended {detail['status']} {ended_after:.1f}s after the second worker started; nodes {per_node}")
    assert len(runs) == 1
    assert detail["status"] == "succeeded", detail
    assert detail["outputs"] == {"words": 3}
    statuses = await rows(
        clean_database,
        "SELECT node_id, status FROM workflow_node_executions WHERE workflow_run_id = %s ORDER BY created_at",
        run_id,
    )
    assert per_node == {"start": 1, "slow": 1, "end": 1}, statuses


async def test_tasks_queued_before_a_redis_restart_run_after_it(tmp_path, workers):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port, data = free_port(), tmp_path / "redis"
    data.mkdir()
    url = f"redis://127.0.0.1:{port}/0"

    def start_redis() -> subprocess.Popen:
        return subprocess.Popen(
            [
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(data),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            stdout=(tmp_path / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )

    async def pong() -> bool:
        try:
            async with Redis.from_url(url) as client:
                return await client.ping()
        except RedisError:
            return False

    redis_server = start_redis()
    try:
        await eventually(pong, 20, POLL_SECONDS, "the throwaway Redis")
        keys = [uuid.uuid4().hex for _ in range(5)]
        broker = make_broker(url, [])
        await broker.startup()
        try:
            for key in keys:
                await AsyncKicker(
                    task_name="weir.test.effect", broker=broker, labels={"queue_name": queue_key("dataset")}
                ).kiq(key, 0)
        finally:
            await broker.shutdown()
        async with Redis.from_url(url) as client:
            assert await client.llen("weir:queue:dataset") == len(keys)

        shutdown = ["redis-cli", "-p", str(port), "shutdown"]  # saves the AOF and exits, as an operator would
        await asyncio.to_thread(subprocess.run, shutdown, check=True, timeout=20)
        await asyncio.to_thread(redis_server.wait, 20)
        redis_server = start_redis()
        await eventually(pong, 20, POLL_SECONDS, "Redis to come back")

        workers(url)
        async with Redis.from_url(url, decode_responses=True) as client:

            async def all_ran() -> bool:
                return all([await client.get(f"weir:test:finished:{key}") == "1" for key in keys])

            await eventually(all_ran, STARTUP, POLL_SECONDS, "the queued tasks to run after the restart")
            assert await client.hlen("weir:test:effects") == len(keys)
            assert all([await client.get(f"weir:test:started:{key}") == "1" for key in keys])
    finally:
        if redis_server.poll() is None:
            redis_server.terminate()
            redis_server.wait(timeout=20)


HUMAN_REVIEW_DSL = (ROOT / "tests" / "fixtures" / "dsl" / "human_review.yml").read_text()


async def test_a_run_a_worker_paused_is_resumed_by_a_worker_once_its_form_is_answered(
    console, redis_url, clean_database, workers
):
    """Human input on the durable queue: the worker that runs an async run pauses it (no process owns it
    then), the answer sent to the API goes back to the `workflow` queue, and a worker finishes the run."""
    client = console.client
    imported = await _json(await client.post("/console/api/apps/imports", headers=console.headers, json={
        "mode": "yaml-content", "yaml_content": HUMAN_REVIEW_DSL, "publish": True}))
    key = await console.create_app_key(imported["app_id"])
    workers(redis_url)
    response = await client.post("/v1/workflows/run", headers=bearer(key), json={
        "inputs": {"draft": "on the queue"}, "response_mode": "async", "user": "alice"})
    run_id = (await _json(response, 202))["workflow_run_id"]

    async def paused():
        found = await rows(clean_database, "SELECT status, lease_owner FROM workflow_runs WHERE id = %s", run_id)
        return found and found[0][0] == "paused" and found[0]

    assert (await eventually(paused, STARTUP, POLL_SECONDS, "a worker to pause the run"))[1] is None
    (token,) = (await rows(clean_database, "SELECT form_token FROM human_input_forms WHERE workflow_run_id = %s", run_id))[0]
    await _json(await client.post(f"/v1/form/human_input/{token}", headers=bearer(key), json={
        "action": "approve", "inputs": {"comment": "queued", "priority": "high"}, "user": "alice"}))

    async def ended():
        detail = await _json(await client.get(f"/v1/workflows/run/{run_id}", headers=bearer(key)))
        return detail["status"] not in ("running", "paused") and detail

    detail = await eventually(ended, 60, POLL_SECONDS, "a worker to finish the answered run")
    assert detail["status"] == "succeeded" and detail["outputs"]["comment"] == "queued", detail
    nodes = dict(await rows(clean_database, "SELECT node_id, status FROM workflow_node_executions WHERE workflow_run_id = %s", run_id))
    assert nodes == {"start": "succeeded", "review": "succeeded", "approved": "succeeded"}
