"""Stop flags and concurrency slots in Redis, shared by every API process (Dify's key names for stops)."""

import time
from uuid import UUID

import redis.asyncio as redis

FLAG_TTL_SECONDS = 600

# Atomically: forget slots older than the execution limit, then take one if fewer than `limit` are held.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


class RedisStopSignals:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    async def register(self, task_id: UUID, owner: str) -> None:
        await self._redis.set(f"generate_task_belong:{task_id}", owner, ex=FLAG_TTL_SECONDS * 3)

    async def request_stop(self, task_id: UUID, owner: str) -> None:
        stored = await self._redis.get(f"generate_task_belong:{task_id}")
        if stored is not None and stored.decode() == owner:
            await self._redis.set(f"generate_task_stopped:{task_id}", 1, ex=FLAG_TTL_SECONDS)

    async def is_stopped(self, task_id: UUID) -> bool:
        return bool(await self._redis.exists(f"generate_task_stopped:{task_id}"))

    async def forget(self, task_id: UUID) -> None:
        await self._redis.delete(f"generate_task_belong:{task_id}", f"generate_task_stopped:{task_id}")


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
