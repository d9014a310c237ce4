"""Stop flags and concurrency slots in Redis, shared by every API process (Dify's key names for stops)."""

import asyncio
import contextlib
import logging
import time
from uuid import UUID

import redis.asyncio as redis

log = logging.getLogger("weir.coordination")

FLAG_TTL_SECONDS = 600
STOP_CHANNEL = "weir:stops"  # a stop is published here too, so waiters hear it instead of polling the flag
RESUBSCRIBE_SECONDS = 1.0

# Atomically: forget slots older than the execution limit, then take one if fewer than `limit` are held.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


class RedisStopSignals:
    """Dify's flag keys (a stop is visible to `is_stopped` in every process) plus a notice on STOP_CHANNEL:
    one subscription per process wakes the local waiters of the task named; after a (re)subscription
    every waiter looks at its flag once, so a stop published while the subscription was down is not lost."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._waiting: dict[UUID, asyncio.Event] = {}
        self._live = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None

    async def register(self, task_id: UUID, owner: str) -> None:
        await self._redis.set(f"generate_task_belong:{task_id}", owner, ex=FLAG_TTL_SECONDS * 3)

    async def request_stop(self, task_id: UUID, owner: str) -> None:
        stored = await self._redis.get(f"generate_task_belong:{task_id}")
        if stored is not None and stored.decode() == owner:
            await self._redis.set(f"generate_task_stopped:{task_id}", 1, ex=FLAG_TTL_SECONDS)
            await self._redis.publish(STOP_CHANNEL, str(task_id))

    async def is_stopped(self, task_id: UUID) -> bool:
        return bool(await self._redis.exists(f"generate_task_stopped:{task_id}"))

    async def wait_stopped(self, task_id: UUID) -> None:
        event = self._waiting.setdefault(task_id, asyncio.Event())
        loop = asyncio.get_running_loop()
        if self._listener is None or self._listener.done() or self._listener.get_loop() is not loop:
            self._live = asyncio.Event()  # a listener of another (closed) event loop hears nothing here
            self._listener = loop.create_task(self._listen())
        await self._live.wait()
        if await self.is_stopped(task_id):  # stopped before this process was listening
            return
        await event.wait()

    async def forget(self, task_id: UUID) -> None:
        self._waiting.pop(task_id, None)
        await self._redis.delete(f"generate_task_belong:{task_id}", f"generate_task_stopped:{task_id}")

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(STOP_CHANNEL)
                    self._live.set()
                    await self._recheck()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._wake(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("stop notices lost; subscribing again", exc_info=True)
            finally:
                self._live.clear()
            await asyncio.sleep(RESUBSCRIBE_SECONDS)

    async def _recheck(self) -> None:
        for task_id, event in list(self._waiting.items()):
            if await self.is_stopped(task_id):
                event.set()

    def _wake(self, data: bytes) -> None:
        with contextlib.suppress(ValueError):
            if (event := self._waiting.get(UUID(data.decode()))) is not None:
                event.set()


class RedisConcurrencyLimiter:
    def __init__(self, client: redis.Redis, max_execution_seconds: int) -> None:
        self._redis = client
        self._max_seconds = max_execution_seconds
        self._acquire = client.register_script(_ACQUIRE)

    async def acquire(self, app_id: UUID, request_id: UUID, limit: int) -> bool:
        now = time.time()
        key = f"weir:active_requests:{app_id}"
        args = [now - self._max_seconds, limit, now, str(request_id), self._max_seconds]
        return bool(await self._acquire(keys=[key], args=args))

    async def release(self, app_id: UUID, request_id: UUID) -> None:
        await self._redis.zrem(f"weir:active_requests:{app_id}", str(request_id))
