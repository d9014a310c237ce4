"""What Redis knows about the worker fleet: heartbeats, recent failures and dead letters.

A worker's heartbeat is `weir:workers:<id>` (JSON, expiring: a worker that stops beating disappears).
A dead letter is a JSON entry of `weir:dead:<queue>` holding the message, the error, attempts and time.
"""

import json
from collections.abc import Iterable

from redis.asyncio import Redis

from adapters.queue import redis_scripts
from adapters.queue.topology import (
    QUEUES,
    RECENT_FAILURES,
    WORKERS_PREFIX,
    dead_key,
    queue_key,
    wake_channel,
)

RETRY_LABEL = "weir_retry"  # which retry of the task a message is (absent on the first run)
_RECENT_KEPT = 100


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisFleet:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._revive = redis.register_script(redis_scripts.REVIVE)

    @classmethod
    def from_url(cls, url: str) -> "RedisFleet":
        return cls(Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5))

    async def close(self) -> None:
        await self._redis.aclose()

    async def beat(self, record: dict, ttl: float) -> None:
        await self._redis.set(WORKERS_PREFIX + record["id"], json.dumps(record), px=int(ttl * 1000))

    async def forget(self, worker_id: str) -> None:
        await self._redis.delete(WORKERS_PREFIX + worker_id)

    async def workers(self) -> list[dict]:
        keys = [key async for key in self._redis.scan_iter(match=WORKERS_PREFIX + "*", count=500)]
        values = await self._redis.mget(keys) if keys else []
        records = [json.loads(v) for v in values if v is not None]
        return sorted(records, key=lambda r: (r.get("host", ""), r.get("pid", 0)))

    async def unconsumed(self, queues: Iterable[str]) -> list[str]:
        """The queues among `queues` that no live worker consumes."""
        consumed = {q for worker in await self.workers() for q in worker.get("queues", [])}
        return sorted(set(queues) - consumed)

    async def record_failure(self, entry: dict) -> None:
        pipe = self._redis.pipeline(transaction=False)
        pipe.lpush(RECENT_FAILURES, json.dumps(entry))
        pipe.ltrim(RECENT_FAILURES, 0, _RECENT_KEPT - 1)
        await pipe.execute()

    async def recent_failures(self, limit: int = 20) -> list[dict]:
        return [json.loads(v) for v in await self._redis.lrange(RECENT_FAILURES, 0, limit - 1)]

    async def dead_letter(self, entry: dict) -> None:
        await self._redis.lpush(dead_key(entry["queue"]), json.dumps(entry))

    async def dead_letters(self, queue: str | None = None) -> list[dict]:
        letters = []
        for name in [queue] if queue else QUEUES:
            letters += [json.loads(v) for v in await self._redis.lrange(dead_key(name), 0, -1)]
        return letters

    async def retry_dead(self, queue: str, letter_id: str | None = None) -> list[str]:
        """Moves dead letters of `queue` (all, or the one with `letter_id`) back to it, their attempts reset.
        Returns the ids moved."""
        moved = []
        for raw in await self._redis.lrange(dead_key(queue), 0, -1):
            entry = json.loads(raw)
            if letter_id is not None and entry["id"] != letter_id:
                continue
            message = json.loads(entry["message"])
            message.get("labels", {}).pop(RETRY_LABEL, None)
            body = json.dumps(message)
            keys = [dead_key(queue), queue_key(queue)]
            if await self._revive(keys=keys, args=[_text(raw), body, wake_channel(queue)]):
                moved.append(entry["id"])
        return moved
