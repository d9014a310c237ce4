"""Stop flags and concurrency slots in this process's memory: right for the single-process embedded mode."""

import asyncio
import time
from uuid import UUID

FLAG_TTL_SECONDS = 600


class InProcessStopSignals:
    def __init__(self) -> None:
        self._owners: dict[UUID, str] = {}
        self._stopped: dict[UUID, float] = {}
        self._waiting: dict[UUID, asyncio.Event] = {}

    async def register(self, task_id: UUID, owner: str) -> None:
        self._owners[task_id] = owner

    async def request_stop(self, task_id: UUID, owner: str) -> None:
        if self._owners.get(task_id) == owner:
            self._stopped[task_id] = time.monotonic()
            if (event := self._waiting.get(task_id)) is not None:
                event.set()

    async def is_stopped(self, task_id: UUID) -> bool:
        return task_id in self._stopped

    async def wait_stopped(self, task_id: UUID) -> None:
        if task_id in self._stopped:
            return
        await self._waiting.setdefault(task_id, asyncio.Event()).wait()

    async def forget(self, task_id: UUID) -> None:
        self._owners.pop(task_id, None)
        self._stopped.pop(task_id, None)
        self._waiting.pop(task_id, None)


class InProcessConcurrencyLimiter:
    def __init__(self) -> None:
        self._active: dict[UUID, set[UUID]] = {}

    async def acquire(self, app_id: UUID, request_id: UUID, limit: int) -> bool:
        active = self._active.setdefault(app_id, set())
        if len(active) >= limit:
            return False
        active.add(request_id)
        return True

    async def release(self, app_id: UUID, request_id: UUID) -> None:
        self._active.get(app_id, set()).discard(request_id)
