"""Run event logs: in this process's memory (embedded mode) or a Redis stream per run (any process can
re-attach and replay). Both keep each event's record (`to_record()`) and decode it when read, so the two
behave alike and a run appended by one process is read back typed by another."""

import asyncio
import contextlib
import json
from typing import Any
from uuid import UUID

import redis.asyncio as redis

from domain.workflows.run_events import RunEvent, WorkflowPaused, from_record

EVENTS_TTL_SECONDS = 3600
# A run paused for a human-input form keeps its events while it may wait (forms default to 36 hours).
PAUSED_EVENTS_TTL_SECONDS = 8 * 24 * 3600


class InProcessRunEventLog:
    def __init__(self) -> None:
        self._records: dict[UUID, list[dict[str, Any]]] = {}
        self._changed = asyncio.Condition()

    async def append(self, run_id: UUID, event: RunEvent) -> None:
        async with self._changed:
            self._records.setdefault(run_id, []).append(event.to_record())
            self._changed.notify_all()

    async def read(self, run_id: UUID, after: int, wait: float) -> list[tuple[int, RunEvent]]:
        async with self._changed:
            if len(self._records.get(run_id, [])) <= after and wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: len(self._records.get(run_id, [])) > after), wait
                    )
            records = self._records.get(run_id, [])
            return [(position, from_record(records[position - 1])) for position in range(after + 1, len(records) + 1)]


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
