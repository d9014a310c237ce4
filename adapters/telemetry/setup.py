"""Builds the OpenTelemetry providers: Prometheus always (GET /metrics), OTLP when an endpoint is configured."""

import socket
from dataclasses import dataclass

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from prometheus_client import CollectorRegistry

from adapters.telemetry.otel_metrics import make_meter_provider


@dataclass(frozen=True, slots=True)
class OtlpConfig:
    endpoint: str | None = None
    protocol: str = "http/protobuf"  # or "grpc"
    headers: dict[str, str] | None = None
    export_interval_ms: int = 15000


def make_resource(service_name: str) -> Resource:
    return Resource.create({"service.name": service_name, "host.name": socket.gethostname()})


def make_prometheus_registry() -> CollectorRegistry:
    # One registry per provider: tests and embedded uses build several without duplicate series.
    return CollectorRegistry(auto_describe=True)


def make_metrics(resource: Resource, registry: CollectorRegistry, otlp: OtlpConfig) -> MeterProvider:
    readers: list[MetricReader] = [PrometheusMetricReader(registry=registry)]
    if otlp.endpoint:
        readers.append(PeriodicExportingMetricReader(_otlp_metric_exporter(otlp), otlp.export_interval_ms))
    return make_meter_provider(resource, readers)


def make_span_processors(otlp: OtlpConfig) -> list[SpanProcessor]:
    return [BatchSpanProcessor(_otlp_span_exporter(otlp))] if otlp.endpoint else []


def _otlp_metric_exporter(otlp: OtlpConfig):
    if otlp.protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        return OTLPMetricExporter(endpoint=otlp.endpoint, headers=otlp.headers)
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

    return OTLPMetricExporter(endpoint=_http_path(otlp.endpoint, "metrics"), headers=otlp.headers)


def _otlp_span_exporter(otlp: OtlpConfig):
    if otlp.protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=otlp.endpoint, headers=otlp.headers)
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(endpoint=_http_path(otlp.endpoint, "traces"), headers=otlp.headers)


def _http_path(endpoint: str, signal: str) -> str:
    # OTEL_EXPORTER_OTLP_ENDPOINT is a base URL; the HTTP exporters want the per-signal path.
    base = endpoint.rstrip("/")
    return base if base.endswith(f"/v1/{signal}") else f"{base}/v1/{signal}"
