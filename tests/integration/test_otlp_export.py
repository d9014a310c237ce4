"""With OTEL_EXPORTER_OTLP_ENDPOINT set, spans and metrics are pushed over OTLP/HTTP to that collector."""

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from uuid import uuid4

import pytest

from adapters.telemetry.otel_metrics import OtelMetricsSink
from adapters.telemetry.otel_traces import OtelTraceExporter
from adapters.telemetry.setup import (
    OtlpConfig,
    make_metrics,
    make_prometheus_registry,
    make_resource,
    make_span_processors,
)
from domain.telemetry.points import workflow_points
from domain.telemetry.records import WorkflowRunRecord
from domain.telemetry.spans import workflow_spans


class _Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, dict]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], {"authorization": self.headers.get("authorization"), "size": len(body)}))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def collector():
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Collector.received
    server.shutdown()


def test_spans_and_metrics_reach_an_otlp_http_collector(collector):
    endpoint, received = collector
    otlp = OtlpConfig(endpoint=endpoint, headers={"authorization": "Bearer secret"}, export_interval_ms=60000)
    resource = make_resource("weir-test")
    meters = make_metrics(resource, make_prometheus_registry(), otlp)
    exporter = OtelTraceExporter(resource, make_span_processors(otlp))
    start = datetime.now(UTC)
    run = WorkflowRunRecord(
        id=uuid4(), tenant_id=uuid4(), app_id=uuid4(), workflow_id=uuid4(), status="succeeded", created_at=start,
        finished_at=start + timedelta(milliseconds=250), elapsed_time=0, total_tokens=5, triggered_from="app-run",
    )
    OtelMetricsSink(meters).emit(workflow_points(run))
    exporter.export(workflow_spans(run, [], run.created_at, run.finished_at))
    exporter.shutdown()  # flushes the batch processor
    meters.shutdown()  # flushes the periodic reader
    paths = {path for path, _, _ in received}
    assert paths == {"/v1/traces", "/v1/metrics"}
    assert all(ctype == "application/x-protobuf" and meta["authorization"] == "Bearer secret" and meta["size"] > 0
               for _, ctype, meta in received)
