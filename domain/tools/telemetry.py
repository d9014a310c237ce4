"""What one tool call leaves in telemetry: a `dify.tool.invoke` span and `dify.tool.*` metric points."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.telemetry import catalogue as c
from domain.telemetry.points import MetricPoint
from domain.telemetry.spans import SpanRecord, span_id_for, trace_id_for


@dataclass(frozen=True, slots=True)
class ToolCallRecord:
    call_id: UUID
    tenant_id: UUID
    app_id: UUID | None
    provider_type: str
    provider_id: str
    tool_name: str
    start: datetime
    end: datetime
    error: str | None = None
    # The trace the call belongs to (a workflow run) and the span it hangs under; else a trace of its own.
    trace_id: UUID | None = None
    parent_span: str = ""

    @property
    def status(self) -> str:
        return "failed" if self.error else "succeeded"

    @property
    def seconds(self) -> float:
        return max((self.end - self.start).total_seconds(), 0.0)


def _labels(record: ToolCallRecord, **more: str) -> tuple[tuple[str, str], ...]:
    labels = {
        "tenant_id": str(record.tenant_id),
        "app_id": str(record.app_id or ""),
        "provider_type": record.provider_type,
        "provider": record.provider_id,
        "tool": record.tool_name,
        **more,
    }
    return tuple(labels.items())


def tool_points(record: ToolCallRecord) -> list[MetricPoint]:
    return [
        MetricPoint(c.TOOL_DURATION, record.seconds, _labels(record)),
        MetricPoint(c.TOOL_CALLS, 1, _labels(record, status=record.status)),
    ]


def tool_span(record: ToolCallRecord) -> SpanRecord:
    trace = record.trace_id or record.call_id
    attributes: dict[str, str | int | float | bool] = {
        "dify.trace_id": str(trace),
        "dify.tenant_id": str(record.tenant_id),
        "dify.tool.call_id": str(record.call_id),
        "dify.tool.provider_type": record.provider_type,
        "dify.tool.provider": record.provider_id,
        "dify.tool.name": record.tool_name,
        "dify.tool.status": record.status,
        "dify.tool.elapsed_time": record.seconds,
    }
    if record.app_id:
        attributes["dify.app_id"] = str(record.app_id)
    if record.error:
        attributes["dify.tool.error"] = record.error
    return SpanRecord(
        name="dify.tool.invoke",
        trace_id=trace_id_for(trace),
        span_id=span_id_for(f"tool:{record.call_id}"),
        start=record.start,
        end=record.end,
        attributes=attributes,
        parent_span_id=span_id_for(record.parent_span) if record.parent_span else None,
        error=record.error,
    )
