"""OpenTelemetry traces with the ids and times the domain decided (deterministic, real start and end).

The SDK's tracer draws its own span ids, so finished spans are built as ReadableSpans and handed to
the span processors directly.
"""

from datetime import UTC, datetime, timedelta

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags

from domain.telemetry.spans import SpanRecord

_SCOPE = InstrumentationScope("dify.enterprise")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _nanos(at: datetime) -> int:
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return (aware - _EPOCH) // timedelta(microseconds=1) * 1000


class OtelTraceExporter:
    def __init__(self, resource: Resource, processors: list[SpanProcessor]) -> None:
        self._resource = resource
        self._processors = processors

    def export(self, spans: list[SpanRecord]) -> None:
        for record in spans:
            span = self._readable(record)
            for processor in self._processors:
                processor.on_end(span)

    def shutdown(self) -> None:
        for processor in self._processors:
            processor.shutdown()

    def _readable(self, record: SpanRecord) -> ReadableSpan:
        sampled = TraceFlags(TraceFlags.SAMPLED)
        context = SpanContext(record.trace_id, record.span_id, is_remote=False, trace_flags=sampled)
        parent = None
        if record.parent_span_id:
            parent = SpanContext(record.trace_id, record.parent_span_id, is_remote=False, trace_flags=sampled)
        status = Status(StatusCode.ERROR, record.error) if record.error else Status(StatusCode.OK)
        return ReadableSpan(
            name=record.name, context=context, parent=parent, resource=self._resource, attributes=record.attributes,
            kind=SpanKind.INTERNAL, status=status, start_time=_nanos(record.start), end_time=_nanos(record.end),
            instrumentation_scope=_SCOPE,
        )
