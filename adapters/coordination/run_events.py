"""Run event logs: in this process's memory (embedded mode) or a Redis stream per run (any process can
re-attach and replay). Both give back each event decoded from its record (`to_record()`), so the two behave
alike and a run appended by one process is read back typed by another."""

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from uuid import UUID

import redis.asyncio as redis

from domain.workflows.run_events import RunEvent, WorkflowPaused, from_record

EVENTS_TTL_SECONDS = 3600
# A run paused for a human-input form keeps its events while it may wait (forms default to 36 hours).
PAUSED_EVENTS_TTL_SECONDS = 8 * 24 * 3600
SWEEP_EVERY_SECONDS = 60.0  # how often the in-process log looks for expired runs

log = logging.getLogger("weir.workflow")


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

    async def flush(self) -> None:
        """Nothing to wait for: an append is readable as soon as it returns."""

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
    """One Redis stream per run; positions are 1-based sequence numbers kept in the entries.

    Written behind: `append` queues the event and returns, and one flusher sends everything queued so far in a
    single pipeline (each event's XADD, then one EXPIRE per stream). A run's events were two round trips each in
    its critical path (half of weir's CPU per empty workflow run with Redis configured); the live stream never
    needed them, only a client that re-attaches does. Order holds because there is one flusher at a time and
    each batch is sent in queue order. `read` and `flush` wait for what this process queued, so a reader here
    sees its own writes; readers elsewhere get them a round trip later, and wait for them as for any new event."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._queued: list[tuple[str, str, int]] = []
        self._flusher: asyncio.Task | None = None

    @staticmethod
    def _key(run_id: UUID) -> str:
        return f"weir:run_events:{run_id}"

    async def append(self, run_id: UUID, event: RunEvent) -> None:
        ttl = PAUSED_EVENTS_TTL_SECONDS if isinstance(event, WorkflowPaused) else EVENTS_TTL_SECONDS
        self._queued.append((self._key(run_id), json.dumps(event.to_record(), ensure_ascii=False), ttl))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._send_queued())

    async def flush(self) -> None:
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    async def _send_queued(self) -> None:
        while self._queued:
            batch, self._queued = self._queued, []
            expiries: dict[str, int] = {}
            pipe = self._redis.pipeline(transaction=False)
            for key, payload, ttl in batch:
                pipe.xadd(key, {"event": payload})
                expiries[key] = ttl  # the stream's last event decides, as when each append set it
            for key, ttl in expiries.items():
                pipe.expire(key, ttl)
            try:
                await pipe.execute()
            except Exception:  # the live streams have these events; only a later re-attach would miss them
                log.exception("could not append %d events to the run event log", len(batch))

    async def read(self, run_id: UUID, after: int, wait: float) -> list[tuple[int, RunEvent]]:
        await self.flush()
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
