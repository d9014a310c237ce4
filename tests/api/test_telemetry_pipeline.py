"""Trace jobs through the ops_trace queue (in-process broker) to GET /metrics and to exported spans."""

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from dependency_injector import providers
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, select, update

from adapters.persistence.schema import apps, messages, workflow_runs
from adapters.telemetry.otel_traces import OtelTraceExporter
from domain.telemetry.records import EventTimes
from tests.polling import eventually


@pytest.fixture
def spans(container):
    memory = InMemorySpanExporter()
    container.telemetry.trace_exporter.override(
        providers.Singleton(OtelTraceExporter, container.telemetry.resource, [SimpleSpanProcessor(memory)])
    )
    return memory


@pytest.fixture
async def app_row(console, container):
    app = await console.create_app("Traced", "workflow")
    async with container.engine().connect() as conn:
        tenant_id = (await conn.execute(select(apps.c.tenant_id).where(apps.c.id == UUID(app["id"])))).scalar_one()
    return UUID(app["id"]), tenant_id


async def _insert_run(container, app_id, tenant_id, created_at, finished_at, status="succeeded") -> UUID:
    run_id = uuid4()
    async with container.engine().begin() as conn:
        await conn.execute(insert(workflow_runs).values(
            id=run_id, tenant_id=tenant_id, app_id=app_id, workflow_id=uuid4(), type="workflow",
            triggered_from="app-run", version="v1", status=status, elapsed_time=0, created_by_role="end_user",
            created_by=uuid4(), created_at=created_at, finished_at=finished_at,
        ))
    return run_id


async def _histogram(client, name: str, **labels: str) -> tuple[float, float]:
    """(count, sum) of a histogram on /metrics for the series with these labels."""
    text = await (await client.get("/metrics")).get_data(as_text=True)
    count = total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.startswith(name) and all(sample.labels.get(k) == v for k, v in labels.items()):
                if sample.name.endswith("_count"):
                    count += sample.value
                elif sample.name.endswith("_sum"):
                    total += sample.value
    return count, total


async def _until_count(client, name: str, count: int, **labels: str) -> tuple[float, float]:
    async def reached() -> tuple[float, float] | None:
        seen = await _histogram(client, name, **labels)
        return seen if seen[0] >= count else None

    return await eventually(reached, timeout=15, what=f"{name}{labels} to reach count {count}")


async def test_a_250ms_run_is_one_point_of_250ms_and_one_span_with_its_times(client, container, app_row, spans):
    app_id, tenant_id = app_row
    created = datetime.now(UTC) - timedelta(seconds=5)
    run_id = await _insert_run(container, app_id, tenant_id, created, created + timedelta(milliseconds=250))
    await container.telemetry.trace_dispatcher().workflow_finished(run_id, EventTimes())
    count, total = await _until_count(client, "dify_workflow_duration", 1, app_id=str(app_id))
    assert count == 1 and total == pytest.approx(0.25, abs=0.005)
    [span] = [s for s in spans.get_finished_spans() if s.context.trace_id == run_id.int]
    assert span.start_time == int(created.timestamp() * 1e6) * 1000
    assert (span.end_time - span.start_time) / 1e9 == pytest.approx(0.25, abs=0.005)


async def test_redelivery_records_nothing_twice(client, container, app_row, spans):
    app_id, tenant_id = app_row
    created = datetime.now(UTC)
    run_id = await _insert_run(container, app_id, tenant_id, created, created + timedelta(milliseconds=120))
    for _ in range(3):
        await container.telemetry.trace_dispatcher().workflow_finished(run_id, EventTimes())
    await container.broker().wait_all()
    assert (await _histogram(client, "dify_workflow_duration", app_id=str(app_id)))[0] == 1
    assert len([s for s in spans.get_finished_spans() if s.context.trace_id == run_id.int]) == 1


async def test_a_run_stored_300ms_after_its_trace_job_gets_its_true_duration(client, container, app_row):
    app_id, tenant_id = app_row
    created = datetime.now(UTC)
    run_id = await _insert_run(container, app_id, tenant_id, created, None, status="running")
    await container.telemetry.trace_dispatcher().workflow_finished(run_id, EventTimes())
    await asyncio.sleep(0.3)  # the storage worker is late: this is the race being tested, not a wait for work
    async with container.engine().begin() as conn:
        await conn.execute(update(workflow_runs).where(workflow_runs.c.id == run_id).values(
            status="succeeded", finished_at=created + timedelta(milliseconds=300), elapsed_time=0.3,
        ))
    count, total = await _until_count(client, "dify_workflow_duration", 1, app_id=str(app_id))
    assert count == 1 and total == pytest.approx(0.3, abs=0.005)


async def test_an_aborted_message_is_timed_by_its_provider_latency(client, container, app_row):
    app_id, _ = app_row
    message_id, created = uuid4(), datetime.now(UTC)
    async with container.engine().begin() as conn:
        await conn.execute(insert(messages).values(
            id=message_id, app_id=app_id, model_provider="openai", model_id="gpt-4o-mini", query="hi",
            status="error", error="aborted by the user", provider_response_latency=0.42,
            created_at=created, updated_at=created, invoke_from="service-api",
        ))
    await container.telemetry.trace_dispatcher().message_finished(message_id, EventTimes())
    count, total = await _until_count(client, "dify_message_duration", 1, app_id=str(app_id))
    assert count == 1 and total == pytest.approx(0.42)


async def test_metrics_endpoint_is_prometheus_text(client):
    response = await client.get("/metrics")
    assert response.status_code == 200 and response.content_type.startswith("text/plain")


async def test_app_lifecycle_is_counted(client, console):
    app = await console.create_app("Counted", "completion")
    await console.client.put(f"/console/api/apps/{app['id']}", json={"name": "Renamed"}, headers=console.headers)
    await console.client.delete(f"/console/api/apps/{app['id']}", headers=console.headers)
    text = await (await client.get("/metrics")).get_data(as_text=True)
    counts = {
        sample.name: (sample.value, sample.labels.get("mode"))
        for family in text_string_to_metric_families(text) for sample in family.samples
        if sample.labels.get("app_id") == app["id"] and sample.name.endswith("_total")
    }
    assert counts == {
        "dify_app_created_total": (1.0, "completion"), "dify_app_updated_total": (1.0, None),
        "dify_app_deleted_total": (1.0, None),
    }
