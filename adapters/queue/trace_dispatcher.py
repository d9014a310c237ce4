"""Sends trace jobs to the ops_trace queue through taskiq."""

import logging
from uuid import UUID

from taskiq import AsyncBroker
from taskiq.kicker import AsyncKicker

from adapters.queue.taskiq_broker import queue_key
from domain.telemetry.records import EventTimes

log = logging.getLogger("weir.telemetry")

WORKFLOW_TRACE_TASK = "weir.ops_trace.workflow_run"
NODE_TRACE_TASK = "weir.ops_trace.node_execution"
MESSAGE_TRACE_TASK = "weir.ops_trace.message"


def times_payload(times: EventTimes) -> dict:
    return {
        "started_at": times.started_at.isoformat() if times.started_at else None,
        "finished_at": times.finished_at.isoformat() if times.finished_at else None,
        "status": times.status,
    }


class TaskiqTraceDispatcher:
    def __init__(self, broker: AsyncBroker) -> None:
        self._broker = broker

    async def workflow_finished(self, run_id: UUID, times: EventTimes) -> None:
        await self._send(WORKFLOW_TRACE_TASK, str(run_id), times)

    async def node_finished(self, node_execution_id: UUID, times: EventTimes) -> None:
        await self._send(NODE_TRACE_TASK, str(node_execution_id), times)

    async def message_finished(self, message_id: UUID, times: EventTimes) -> None:
        await self._send(MESSAGE_TRACE_TASK, str(message_id), times)

    async def _send(self, task_name: str, source_id: str, times: EventTimes) -> None:
        kicker = AsyncKicker(task_name=task_name, broker=self._broker, labels={"queue_name": queue_key("ops_trace")})
        try:
            await kicker.kiq(source_id, times_payload(times))
        except Exception:  # telemetry must never fail the user's request
            log.exception("could not enqueue %s for %s", task_name, source_id)
