from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from domain.telemetry.points import MetricPoint
from domain.telemetry.records import EventTimes, MessageRecord, NodeExecutionRecord, WorkflowRunRecord
from domain.telemetry.spans import SpanRecord


class MetricsSink(Protocol):
    """Writes metric points (histogram records, counter adds) to the metrics backend.

    Contract: `emit` never blocks on the network (exporters push in the background) and raises
    only for a point whose instrument is not in the catalogue (a programming error).
    """

    def emit(self, points: list[MetricPoint]) -> None: ...


class TraceExporter(Protocol):
    """Hands finished spans to the tracing backend; a no-op when tracing is off. Never raises for I/O."""

    def export(self, spans: list[SpanRecord]) -> None: ...


class TelemetryRepository(Protocol):
    """Reads what telemetry needs of the persisted rows and remembers what was recorded."""

    async def workflow_run(self, run_id: UUID) -> WorkflowRunRecord | None: ...

    async def node_executions(self, run_id: UUID) -> list[NodeExecutionRecord]: ...

    async def node_execution(self, node_execution_id: UUID) -> NodeExecutionRecord | None: ...

    async def message(self, message_id: UUID) -> MessageRecord | None: ...

    async def claim(self, trace_key: str) -> bool:
        """Marks the key as recorded; False when it already was (a redelivered job).

        The mark is part of the unit of work: it is kept only if the work commits.
        """

    async def claim_all(self, trace_keys: Sequence[str]) -> set[str]:
        """Marks every key at once (one statement); the keys this call marked, as `claim` would say of each."""

    async def claim_with(self, trace_key: str, also: Sequence[str]) -> set[str]:
        """Marks `trace_key` and, only when this call marked it, every key of `also`, in one statement: the keys
        this call marked (none when `trace_key` already was). A run's key with its nodes' keys."""


class TraceDispatcher(Protocol):
    """Sends trace jobs to the ops_trace queue, off the request path. Never raises: telemetry must
    not fail the user's request; an enqueue failure is logged by the adapter."""

    async def workflow_finished(self, run_id: UUID, times: EventTimes) -> None: ...

    async def node_finished(self, node_execution_id: UUID, times: EventTimes) -> None: ...

    async def message_finished(self, message_id: UUID, times: EventTimes) -> None: ...
