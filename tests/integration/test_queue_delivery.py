"""At-least-once delivery through real Redis and real worker processes: leases, kill -9, SIGTERM, retries,
dead letters, heartbeats. Leases last 2 s here (QUEUE_VISIBILITY_TIMEOUT), so redelivery is quick."""

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from redis.asyncio import Redis
from taskiq.kicker import AsyncKicker

from adapters.queue.fleet import RedisFleet
from adapters.queue.reliable_broker import ReliableRedisBroker
from adapters.queue.taskiq_broker import make_broker, queue_key
from tests.integration.queue_tasks import EFFECTS
from tests.polling import eventually
from tests.processes import ROOT, weir_env

LEASE_SECONDS = 2
POLL_SECONDS = 0.05  # how often a wait for the workers looks again


@pytest.fixture
async def broker(redis_url, redis):
    broker = make_broker(redis_url)
    await broker.startup()
    yield broker
    await broker.shutdown()


@pytest.fixture
def workers(redis_url, database_url, tmp_path):
    """Starts worker processes (each its own process group, so a kill reaches its children too)."""
    started: list[subprocess.Popen] = []
    socket_dir = parse_qs(urlparse(database_url).query)["host"][0]

    def start(*options: str, queues: str | None = None, command: list[str] | None = None) -> subprocess.Popen:
        env = weir_env(
            REDIS_URL=redis_url, DB_HOST=socket_dir, DB_DATABASE=urlparse(database_url).path.lstrip("/"),
            STORAGE_PATH=str(tmp_path / "storage"), QUEUE_VISIBILITY_TIMEOUT=str(LEASE_SECONDS),
            WORKER_HEARTBEAT_INTERVAL="0.5", WORKER_HEARTBEAT_TTL="3",
        )
        if queues:
            env["WEIR_WORKER_QUEUES"] = queues
        command = command or [
            sys.executable, "-m", "taskiq", "worker", "entrypoints.worker.broker:broker", "entrypoints.worker.tasks",
            "tests.integration.queue_tasks", "--workers", "1", *options,
        ]
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def kill_group(process: subprocess.Popen, sig: int) -> None:
    os.killpg(process.pid, sig)


async def send(broker, task_name: str, *args, **labels):
    return await AsyncKicker(task_name=task_name, broker=broker, labels=labels).kiq(*args)


async def counter(redis: Redis, name: str, key: str) -> int:
    return int(await redis.get(f"weir:test:{name}:{key}") or 0)


async def test_a_task_is_acknowledged_after_it_finished_and_its_lease_renewed_while_it_runs(broker, redis, workers):
    workers()
    key = uuid.uuid4().hex
    await send(broker, "weir.test.effect", key, LEASE_SECONDS * 2, queue_name=queue_key("dataset"))

    await eventually(lambda: counter(redis, "started", key), 60, POLL_SECONDS, "the worker to start the task")
    assert await redis.zcard("weir:processing:dataset") == 1  # held, not acknowledged
    assert await redis.llen("weir:queue:dataset") == 0

    await eventually(lambda: counter(redis, "finished", key), 30, POLL_SECONDS, "the task to finish")
    await eventually(lambda: _zero(redis.zcard("weir:processing:dataset")), 10, POLL_SECONDS, "the acknowledgement")
    # It ran twice as long as a lease: renewed, never redelivered.
    assert await counter(redis, "started", key) == 1


async def _zero(awaitable) -> bool:
    return await awaitable == 0


async def test_a_worker_killed_mid_task_has_it_redelivered_and_the_effect_happens_once(broker, redis, workers):
    first = workers()
    key = uuid.uuid4().hex
    await send(broker, "weir.test.effect", key, 600, queue_name=queue_key("dataset"))
    await eventually(lambda: counter(redis, "started", key), 60, POLL_SECONDS, "the first worker to start the task")

    kill_group(first, signal.SIGKILL)
    first.wait(timeout=10)
    assert await redis.zcard("weir:processing:dataset") == 1  # the dead worker's lease is still there

    # The rerun must not sleep again: the test's task sleeps `seconds` only on its first start.
    await redis.set(f"weir:test:short:{key}", 1)
    workers()
    await eventually(lambda: counter(redis, "finished", key), 60, POLL_SECONDS, "a new worker to finish the redelivered task")

    assert await counter(redis, "started", key) == 2
    assert await counter(redis, "finished", key) == 1
    assert await redis.hlen(EFFECTS) == 1 and await redis.hexists(EFFECTS, key)
    await eventually(lambda: _zero(redis.zcard("weir:processing:dataset")), 10, POLL_SECONDS, "the acknowledgement")


@pytest.mark.parametrize("seconds, outcome", [(1, "finished"), (600, "returned")])
async def test_sigterm_finishes_or_returns_in_flight_tasks_within_a_bound(broker, redis, workers, seconds, outcome):
    worker = workers("--wait-tasks-timeout", "3", "--shutdown-timeout", "5")
    key = uuid.uuid4().hex
    await send(broker, "weir.test.effect", key, seconds, queue_name=queue_key("dataset"))
    await eventually(lambda: counter(redis, "started", key), 60, POLL_SECONDS, "the worker to start the task")

    stopping = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=20)
    assert time.monotonic() - stopping < 15

    assert await redis.zcard("weir:processing:dataset") == 0
    if outcome == "finished":
        assert await counter(redis, "finished", key) == 1 and await redis.llen("weir:queue:dataset") == 0
    else:
        assert await counter(redis, "finished", key) == 0 and await redis.llen("weir:queue:dataset") == 1
    assert await redis.keys("weir:workers:*") == []  # the heartbeat left with the worker


async def test_a_failing_task_is_retried_with_growing_delays_then_dead_lettered_and_retried_by_command(
    broker, redis, redis_url, workers
):
    workers()
    recovering, failing = uuid.uuid4().hex, uuid.uuid4().hex
    task = await send(broker, "weir.test.flaky", recovering, 2, queue_name=queue_key("ops_trace"))
    result = await task.wait_result(timeout=60)
    assert not result.is_err and result.return_value == 3  # two failures, then success; no error seen

    await send(broker, "weir.test.flaky", failing, 6, queue_name=queue_key("ops_trace"))
    letters = await eventually(lambda: _dead(redis), 60, POLL_SECONDS, "the task to be dead-lettered")
    # ops_trace allows 5 retries: 6 attempts, each after a longer wait than the one before (0.2, 0.4, 0.5 cap).
    assert await counter(redis, "started", failing) == 6
    starts = [float(t) for t in await redis.lrange(f"weir:test:starts:{failing}", 0, -1)]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= delay - 0.05 for gap, delay in zip(gaps, [0.2, 0.4, 0.5, 0.5, 0.5], strict=True)), gaps
    (letter,) = letters
    assert (letter["task_name"], letter["queue"], letter["attempts"]) == ("weir.test.flaky", "ops_trace", 6)
    assert "attempt 6 of" in letter["error"] and letter["failed_at"] and json.loads(letter["message"])["args"]

    listed = cli(redis_url, "workers", "--failed")
    assert [entry["id"] for entry in listed["dead_letters"]] == [letter["id"]]
    assert cli(redis_url, "workers", "retry", "ops_trace", letter["id"])["retried"] == [letter["id"]]
    await eventually(lambda: _equals(counter(redis, "started", failing), 7), 30, POLL_SECONDS, "the retried letter to run")
    assert await redis.llen("weir:dead:ops_trace") == 0
    failures = cli(redis_url, "workers")["recently_failed"]
    assert sum(f["task_id"] == letter["task_id"] for f in failures) == 6


async def _dead(redis: Redis) -> list[dict]:
    return [json.loads(v) for v in await redis.lrange("weir:dead:ops_trace", 0, -1)]


async def _equals(awaitable, expected) -> bool:
    return await awaitable == expected


def cli(redis_url: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "entrypoints.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, env=weir_env(REDIS_URL=redis_url), timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def test_two_workers_reclaiming_at_once_return_an_expired_message_once(redis_url, redis):
    brokers = [ReliableRedisBroker(redis_url, ["mail"], visibility_timeout=0.05) for _ in range(2)]
    try:
        await redis.lpush("weir:queue:mail", "body")
        assert await brokers[0]._pop() is not None
        brokers[0].in_flight.clear()  # as if its worker died: nobody renews the lease
        await asyncio.sleep(0.1)  # let the 50 ms lease lapse
        await asyncio.gather(*(b.maintain() for b in brokers for _ in range(5)))
        assert await redis.lrange("weir:queue:mail", 0, -1) == ["body"]
        assert await redis.zcard("weir:processing:mail") == 0
    finally:
        for b in brokers:
            await b.connection_pool.disconnect()


async def test_start_worker_splits_queues_and_its_heartbeat_shows_it(broker, redis, redis_url, workers):
    worker = workers(command=["bash", str(ROOT / "dev" / "start-worker"), "--queues", "dataset,ops_trace", "--workers", "1"])
    fleet = RedisFleet(Redis.from_url(redis_url))
    try:
        (record,) = await eventually(fleet.workers, 120, POLL_SECONDS, "the worker's heartbeat")
        assert record["queues"] == ["dataset", "ops_trace"]
        assert record["pid"] and record["host"] and record["started_at"] and record["in_flight"] == 0
        assert "workflow" in await fleet.unconsumed(["dataset", "ops_trace", "workflow"])
        assert await fleet.unconsumed(["dataset", "ops_trace"]) == []

        listed = cli(redis_url, "workers")
        assert [w["id"] for w in listed["workers"]] == [record["id"]]
        assert "workflow" in listed["queues_without_consumer"] and "dataset" not in listed["queues_without_consumer"]

        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        await eventually(lambda: _none(fleet.workers()), 10, POLL_SECONDS, "the heartbeat to go")
    finally:
        await fleet.close()


async def _none(awaitable) -> bool:
    return not await awaitable


async def test_health_lists_live_workers_and_queues_nobody_consumes(redis_url, redis, clean_database, tmp_path):
    from entrypoints.container import build_container
    from entrypoints.database import Database
    from entrypoints.http.app import create_app
    from entrypoints.settings import Settings

    api_broker = make_broker(redis_url)
    api_broker.register_task(lambda: None, task_name="weir.test.mail", queue_name=queue_key("mail"))
    settings = Settings(STORAGE_PATH=tmp_path, REDIS_URL=redis_url, _env_file=None)
    container = build_container(settings, Database(url=clean_database, embedded=False), api_broker)
    fleet = RedisFleet(Redis.from_url(redis_url))
    try:
        async with create_app(container).test_app() as app:
            client = app.test_client()
            response = await client.get("/health")
            stranded = (await response.get_json())["checks"]["workers"]
            await fleet.beat({"id": "w1", "queues": ["mail"], "in_flight": 2, "processed": 5, "failed": 1}, ttl=5)
            served = (await (await client.get("/health")).get_json())["checks"]["workers"]
    finally:
        await fleet.close()
    assert response.status_code == 200
    assert stranded == {"ok": False, "live": [], "queues_without_consumer": ["mail"]}
    assert served["ok"] and served["queues_without_consumer"] == []
    assert served["live"] == [{"id": "w1", "queues": ["mail"], "in_flight": 2, "processed": 5, "failed": 1}]


async def test_a_worker_whose_supervisor_is_killed_stops_and_returns_its_task(broker, redis, redis_url, workers):
    supervisor = workers("--wait-tasks-timeout", "1")
    key = uuid.uuid4().hex
    await send(broker, "weir.test.effect", key, 600, queue_name=queue_key("dataset"))
    await eventually(lambda: counter(redis, "started", key), 60, POLL_SECONDS, "the worker to start the task")
    fleet = RedisFleet(Redis.from_url(redis_url))
    try:
        (record,) = await fleet.workers()
    finally:
        await fleet.close()

    supervisor.kill()  # SIGKILL to taskiq's main process only
    supervisor.wait(timeout=10)

    await eventually(lambda: _exited(record["pid"]), 30, POLL_SECONDS, "the orphaned worker process to stop")
    assert await redis.llen("weir:queue:dataset") == 1 and await redis.zcard("weir:processing:dataset") == 0


async def _exited(pid: int) -> bool:
    return await asyncio.to_thread(_process_exited, pid)


def _process_exited(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "State:\tZ" in status.read()
    except FileNotFoundError:
        return True
