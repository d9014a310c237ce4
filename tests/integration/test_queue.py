"""The Redis task queue: health probe, a real worker process consuming it, and the no-Redis defaults."""

import signal
import subprocess
from urllib.parse import parse_qs, urlparse

import pytest
from taskiq.kicker import AsyncKicker

from adapters.queue.probes import RedisQueueProbe
from adapters.queue.taskiq_broker import make_broker
from tests.polling import eventually
from tests.processes import ROOT, free_port, python, start, weir_env


async def test_probe_reports_a_live_and_a_dead_redis(redis_url):
    live = await RedisQueueProbe(redis_url).check()
    dead = await RedisQueueProbe(f"redis://127.0.0.1:{free_port()}/0").check()
    assert live.ok and live.detail["kind"] == "redis" and live.detail["server_version"]
    assert not dead.ok and dead.detail["error"]


@pytest.fixture
def worker(redis_url, database_url, tmp_path):
    socket_dir = parse_qs(urlparse(database_url).query)["host"][0]
    env = weir_env(
        REDIS_URL=redis_url, DB_HOST=socket_dir, DB_DATABASE=urlparse(database_url).path.lstrip("/"),
        STORAGE_PATH=str(tmp_path / "storage"),
    )
    args = python("-m", "taskiq", "worker", "entrypoints.worker.broker:broker", "entrypoints.worker.tasks", "--workers", "1")
    process = start(args, env, tmp_path / "worker.log")
    yield process, tmp_path / "worker.log"
    if process.poll() is None:
        process.kill()
        process.wait()


async def test_a_worker_process_runs_what_the_api_enqueues(worker, redis_url):
    process, log = worker
    broker = make_broker(redis_url)
    await broker.startup()
    try:
        task = await AsyncKicker(task_name="weir.health.echo", broker=broker, labels={}).kiq("ping through redis")
        result = await task.wait_result(timeout=60)
    finally:
        await broker.shutdown()
    assert not result.is_err, log.read_text()
    assert result.return_value == "ping through redis"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) is not None


@pytest.mark.parametrize("script", ["dev/start-worker", "dev/start-beat"])
def test_without_redis_the_worker_scripts_explain_and_exit_0(script):
    done = subprocess.run(["bash", str(ROOT / script)], env=weir_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "No Redis configured" in done.stdout


async def test_trace_jobs_cross_redis_to_a_worker_that_records_them(redis_url, database_url, tmp_path):
    import uuid
    from datetime import UTC, datetime, timedelta

    import httpx
    from prometheus_client.parser import text_string_to_metric_families
    from sqlalchemy import insert

    from adapters.persistence.engine import make_engine
    from adapters.persistence.schema import apps, tenants, workflow_runs
    from adapters.queue.trace_dispatcher import TaskiqTraceDispatcher
    from domain.telemetry.records import EventTimes

    tenant_id, app_id, run_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    created = datetime.now(UTC)
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(insert(tenants).values(id=tenant_id, name="t"))
        await conn.execute(insert(apps).values(id=app_id, tenant_id=tenant_id, name="a", mode="workflow"))
        await conn.execute(insert(workflow_runs).values(
            id=run_id, tenant_id=tenant_id, app_id=app_id, workflow_id=uuid.uuid4(), type="workflow",
            triggered_from="app-run", version="v1", status="succeeded", created_by_role="end_user",
            created_by=uuid.uuid4(), created_at=created, finished_at=created + timedelta(milliseconds=250),
        ))
    await engine.dispose()

    metrics_port = free_port()
    socket_dir = parse_qs(urlparse(database_url).query)["host"][0]
    env = weir_env(
        REDIS_URL=redis_url, DB_HOST=socket_dir, DB_DATABASE=urlparse(database_url).path.lstrip("/"),
        STORAGE_PATH=str(tmp_path / "storage"), WORKER_METRICS_PORT=str(metrics_port), WEIR_WORKER_QUEUES="ops_trace",
    )
    args = python("-m", "taskiq", "worker", "entrypoints.worker.broker:broker", "entrypoints.worker.tasks", "--workers", "1")
    worker = start(args, env, tmp_path / "worker.log")
    broker = make_broker(redis_url)
    await broker.startup()
    try:
        await TaskiqTraceDispatcher(broker).workflow_finished(run_id, EventTimes())

        async def recorded() -> bool:
            try:
                async with httpx.AsyncClient(timeout=1) as http:
                    text = (await http.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
            except httpx.HTTPError:
                return False
            return any(
                s.name == "dify_workflow_duration_seconds_count" and s.labels.get("app_id") == str(app_id) and s.value == 1
                for f in text_string_to_metric_families(text) for s in f.samples
            )

        await eventually(recorded, 60, 0.1, "the worker to record the run on its /metrics")
    finally:
        await broker.shutdown()
        worker.kill()
        worker.wait()
