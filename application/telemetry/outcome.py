import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum

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
