import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from uuid import UUID

from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.telemetry.ports import MetricsSink, TraceExporter
from domain.telemetry.records import EventTimes
from domain.telemetry.retry import TRACE_RETRY_DELAYS

log = logging.getLogger("weir.telemetry")

Sleep = Callable[[float], Awaitable[None]]


class TraceOutcome(StrEnum):
    RECORDED = "recorded"
    RECORDED_FROM_EVENT = "recorded_from_event"
    ALREADY_RECORDED = "already_recorded"
    NOT_READY = "not_ready"
    MISSING = "missing"


async def until_persisted(
    attempt: Callable[[bool], Awaitable[TraceOutcome]], delays: Sequence[float], sleep: Sleep = asyncio.sleep
) -> TraceOutcome:
    """Runs `attempt(final)` until the row is ready, sleeping `delays` in between; the last try is final."""
    for delay in delays:
        outcome = await attempt(False)
        if outcome != TraceOutcome.NOT_READY:
            return outcome
        await sleep(delay)
    return await attempt(True)


class TraceRecorder:
    """What the three trace use cases share: their ports, and waiting for the row before recording.

    Subclasses implement `_attempt(source_id, times, final)`; `execute` retries it until the row is ready.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        sink: MetricsSink,
        exporter: TraceExporter | None = None,
        delays: Sequence[float] | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self._uow = uow
        self._sink = sink
        self._exporter = exporter
        self._delays = TRACE_RETRY_DELAYS if delays is None else delays
        self._sleep = sleep or asyncio.sleep

    async def execute(self, source_id: UUID, times: EventTimes) -> TraceOutcome:
        return await until_persisted(lambda final: self._attempt(source_id, times, final), self._delays, self._sleep)

    async def _attempt(self, source_id: UUID, times: EventTimes, final: bool) -> TraceOutcome:
        raise NotImplementedError
