"""Wiring of telemetry: metrics (Prometheus, OTLP), trace export, and the trace jobs of finished runs."""

from dependency_injector import containers, providers

from adapters.queue.trace_dispatcher import TaskiqTraceDispatcher
from adapters.telemetry.otel_metrics import OtelMetricsSink
from adapters.telemetry.otel_traces import OtelTraceExporter
from adapters.telemetry.setup import (
    OtlpConfig,
    make_metrics,
    make_prometheus_registry,
    make_resource,
    make_span_processors,
)
from application.telemetry.record_message_trace import RecordMessageTrace
from application.telemetry.record_node_trace import RecordNodeTrace
from application.telemetry.record_workflow_trace import RecordWorkflowTrace


class TelemetryContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    uow_factory = providers.Dependency()
    broker = providers.Dependency()

    otlp = providers.Singleton(
        OtlpConfig,
        endpoint=config.endpoint,
        protocol=config.protocol,
        headers=config.headers,
        export_interval_ms=config.export_interval_ms,
    )
    resource = providers.Singleton(make_resource, config.service_name)
    prometheus_registry = providers.Singleton(make_prometheus_registry)
    meter_provider = providers.Singleton(make_metrics, resource, prometheus_registry, otlp)
    metrics_sink = providers.Singleton(OtelMetricsSink, meter_provider)
    trace_exporter = providers.Singleton(OtelTraceExporter, resource, providers.Singleton(make_span_processors, otlp))
    trace_dispatcher = providers.Singleton(TaskiqTraceDispatcher, broker)

    record_workflow_trace = providers.Factory(RecordWorkflowTrace, uow_factory, metrics_sink, trace_exporter)
    record_node_trace = providers.Factory(RecordNodeTrace, uow_factory, metrics_sink)
    record_message_trace = providers.Factory(RecordMessageTrace, uow_factory, metrics_sink, trace_exporter)
