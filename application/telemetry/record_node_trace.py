import asyncio
from collections.abc import Sequence
from uuid import UUID

from application.telemetry.outcome import Sleep, TraceOutcome, log, until_persisted
from domain.shared.unit_of_work import UnitOfWork
from domain.telemetry.points import node_points
from domain.telemetry.ports import MetricsSink
from domain.telemetry.records import EventTimes
from domain.telemetry.retry import TRACE_RETRY_DELAYS


class RecordNodeTrace:
    """Records a finished node execution's metrics (its span is part of the run's trace).

    Rules: exactly once per node execution; duration finished_at - created_at, else elapsed_time;
    tokens labelled operation_type=node_execution so they never add to the workflow total.
    """

    def __init__(
        self, uow: UnitOfWork, sink: MetricsSink,
        delays: Sequence[float] = TRACE_RETRY_DELAYS, sleep: Sleep | None = None,
    ) -> None:
        self._uow = uow
        self._sink = sink
        self._delays = delays
        self._sleep = sleep or asyncio.sleep

    async def execute(self, node_execution_id: UUID, times: EventTimes) -> TraceOutcome:
        return await until_persisted(lambda final: self._attempt(node_execution_id, final), self._delays, self._sleep)

    async def _attempt(self, node_execution_id: UUID, final: bool) -> TraceOutcome:
        async with self._uow as uow:
            node = await uow.telemetry.node_execution(node_execution_id)
            if node is None or not node.ended:
                if final:
                    log.warning("node execution %s not finished in storage; nothing recorded", node_execution_id)
                    return TraceOutcome.MISSING
                return TraceOutcome.NOT_READY
            if not await uow.telemetry.claim(f"node_execution:{node.id}"):
                return TraceOutcome.ALREADY_RECORDED
            self._sink.emit(node_points(node))
            await uow.commit()
            return TraceOutcome.RECORDED
