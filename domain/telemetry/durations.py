"""How long a run, a message or a node lasted: the rules that keep dashboards from showing 0.

Dify read the duration from `elapsed_time` (still 0 when the trace was built) or from
`provider_response_latency` (never set for aborted messages). weir prefers the wall-clock span of the
persisted timestamps and falls back only when there is none. No value is better than a fake 0.

Naive datetimes are taken as UTC (Dify stores naive UTC); a span that ends before it starts (clock
skew between processes) is not a span, so the fallback decides.
"""

from datetime import UTC, datetime


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def wall_clock_seconds(start: datetime | None, end: datetime | None) -> float | None:
    """end - start in seconds, or None when either is missing or end is before start."""
    if start is None or end is None:
        return None
    seconds = (_utc(end) - _utc(start)).total_seconds()
    return seconds if seconds >= 0 else None


def _positive(value: float | None) -> float | None:
    return float(value) if value is not None and value > 0 else None


def workflow_run_duration(
    created_at: datetime | None, finished_at: datetime | None, elapsed_time: float | None
) -> float | None:
    """finished_at - created_at; else elapsed_time when > 0; else None."""
    span = wall_clock_seconds(created_at, finished_at)
    return span if span is not None else _positive(elapsed_time)


def node_duration(
    created_at: datetime | None, finished_at: datetime | None, elapsed_time: float | None
) -> float | None:
    """Same rule as a workflow run."""
    return workflow_run_duration(created_at, finished_at, elapsed_time)


def message_duration(
    created_at: datetime | None, updated_at: datetime | None, provider_response_latency: float | None
) -> float | None:
    """updated_at - created_at when updated_at > created_at (weir sets updated_at when the answer completes);
    else provider_response_latency when > 0 (error and aborted messages); else None."""
    span = wall_clock_seconds(created_at, updated_at)
    if span is not None and span > 0:
        return span
    return _positive(provider_response_latency)
