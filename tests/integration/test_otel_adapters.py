"""The OpenTelemetry adapters: exact histogram points with labels and buckets; spans with the domain's ids."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from adapters.telemetry.otel_metrics import OtelMetricsSink, make_meter_provider
from adapters.telemetry.otel_traces import OtelTraceExporter
from adapters.telemetry.setup import make_resource
from domain.telemetry.catalogue import DURATION_BUCKETS
from domain.telemetry.points import workflow_points
from domain.telemetry.records import WorkflowRunRecord
from domain.telemetry.spans import span_id_for, workflow_spans

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _run(**kw) -> WorkflowRunRecord:
    fields = dict(
        id=uuid4(), tenant_id=uuid4(), app_id=uuid4(), workflow_id=uuid4(), status="succeeded", created_at=T0,
        finished_at=T0 + timedelta(milliseconds=250), elapsed_time=0.0, total_tokens=0, triggered_from="app-run",
    )
    return WorkflowRunRecord(**{**fields, **kw})


def _metric(reader: InMemoryMetricReader, name: str):
    for resource_metrics in reader.get_metrics_data().resource_metrics:
        for scope in resource_metrics.scope_metrics:
            for metric in scope.metrics:
                if metric.name == name:
                    return metric
    return None


def test_a_workflow_run_becomes_one_histogram_point_with_its_labels_and_buckets():
    reader = InMemoryMetricReader()
    sink = OtelMetricsSink(make_meter_provider(make_resource("weir-test"), [reader]))
    run = _run()
    sink.emit(workflow_points(run))
    metric = _metric(reader, "dify.workflow.duration")
    [point] = metric.data.data_points
    assert metric.unit == "s"
    assert (point.count, round(point.sum, 6)) == (1, 0.25)
    assert tuple(point.explicit_bounds) == DURATION_BUCKETS
    assert dict(point.attributes) == {"tenant_id": str(run.tenant_id), "app_id": str(run.app_id), "status": "succeeded"}
    requests = _metric(reader, "dify.requests.total").data.data_points
    assert [(p.value, p.attributes["type"]) for p in requests] == [(1, "workflow")]


def test_spans_keep_the_domains_ids_times_and_parentage():
    memory = InMemorySpanExporter()
    exporter = OtelTraceExporter(make_resource("weir-test"), [SimpleSpanProcessor(memory)])
    run = _run(status="failed", error="boom")
    exporter.export(workflow_spans(run, [], run.created_at, run.finished_at))
    [span] = memory.get_finished_spans()
    assert span.name == "dify.workflow.run"
    assert (span.context.trace_id, span.context.span_id) == (run.id.int, span_id_for(str(run.id)))
    assert span.end_time - span.start_time == 250_000_000
    assert span.start_time == int(T0.timestamp()) * 1_000_000_000
    assert span.status.status_code == StatusCode.ERROR
    assert span.resource.attributes["service.name"] == "weir-test" and span.resource.attributes["host.name"]
