"""Run event logs: in this process's memory (embedded mode) or a Redis stream per run (any process can
re-attach and replay). Both give back each event decoded from its record (`to_record()`), so the two behave
alike and a run appended by one process is read back typed by another."""

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from uuid import UUID

import redis.asyncio as redis

from domain.workflows.run_events import RunEvent, WorkflowPaused, from_record

EVENTS_TTL_SECONDS = 3600
# A run paused for a human-input form keeps its events while it may wait (forms default to 36 hours).
PAUSED_EVENTS_TTL_SECONDS = 8 * 24 * 3600
SWEEP_EVERY_SECONDS = 60.0  # how often the in-process log looks for expired runs


class InProcessRunEventLog:
    """The events of this process's runs, in memory. Each is kept as appended and read back decoded from its
    record, as the Redis log reads them: a run nobody re-attaches to costs no encoding. A run's events are
    dropped EVENTS_TTL_SECONDS after its last append (a paused run's PAUSED_EVENTS_TTL_SECONDS), as its Redis
    stream expires, so a long-lived process does not keep every run it ever served."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._events: dict[UUID, list[RunEvent]] = {}
        self._expires: dict[UUID, float] = {}
        self._changed = asyncio.Condition()
        self._clock = clock
        self._next_sweep = clock() + SWEEP_EVERY_SECONDS

    async def append(self, run_id: UUID, event: RunEvent) -> None:
        now = self._clock()
        async with self._changed:
            self._events.setdefault(run_id, []).append(event)
            paused = isinstance(event, WorkflowPaused)
            self._expires[run_id] = now + (PAUSED_EVENTS_TTL_SECONDS if paused else EVENTS_TTL_SECONDS)
            if now >= self._next_sweep:
                self._sweep(now)
            self._changed.notify_all()

    async def read(self, run_id: UUID, after: int, wait: float) -> list[tuple[int, RunEvent]]:
        async with self._changed:
            if len(self._events.get(run_id, [])) <= after and wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: len(self._events.get(run_id, [])) > after), wait
                    )
            events = self._events.get(run_id, [])
            return [
                (position, from_record(events[position - 1].to_record()))
                for position in range(after + 1, len(events) + 1)
            ]

    def _sweep(self, now: float) -> None:
        for run_id in [run_id for run_id, expires in self._expires.items() if expires <= now]:
            del self._expires[run_id]
            self._events.pop(run_id, None)
        self._next_sweep = now + SWEEP_EVERY_SECONDS


class RedisRunEventLog:
    """One Redis stream per run; positions are 1-based sequence numbers kept in the entries."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    @staticmethod
    def _key(run_id: UUID) -> str:
        return f"weir:run_events:{run_id}"

    async def append(self, run_id: UUID, event: RunEvent) -> None:
        key = self._key(run_id)
        await self._redis.xadd(key, {"event": json.dumps(event.to_record(), ensure_ascii=False)})
        paused = isinstance(event, WorkflowPaused)
        await self._redis.expire(key, PAUSED_EVENTS_TTL_SECONDS if paused else EVENTS_TTL_SECONDS)

    async def read(self, run_id: UUID, after: int, wait: float) -> list[tuple[int, RunEvent]]:
        key = self._key(run_id)
        entries = await self._redis.xrange(key)
        if len(entries) <= after and wait > 0:
            last_id = entries[-1][0] if entries else "0-0"
            await self._redis.xread({key: last_id}, block=int(wait * 1000), count=1)
            entries = await self._redis.xrange(key)
        return [
            (position, from_record(json.loads(fields[b"event"])))
            for position, (_, fields) in enumerate(entries, 1)
            if position > after
        ]
