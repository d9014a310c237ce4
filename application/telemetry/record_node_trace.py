from uuid import UUID

from application.telemetry.outcome import TraceOutcome, TraceRecorder, log
from domain.telemetry.points import node_points
from domain.telemetry.records import EventTimes


class RecordNodeTrace(TraceRecorder):
    """Records a finished node execution's metrics (its span is part of the run's trace).

    Rules: exactly once per node execution; duration finished_at - created_at, else elapsed_time;
    tokens labelled operation_type=node_execution so they never add to the workflow total.
    """

    async def _attempt(self, node_execution_id: UUID, times: EventTimes, final: bool) -> TraceOutcome:
        async with self._uow() as uow:
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
