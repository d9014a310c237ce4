"""Webhook calls waiting for the editor's test run (the WebhookDebugInbox port): in this process's memory for the
single-process embedded mode, or in Redis (a flag and a list per app and node, expiring by themselves), shared
by every API process."""

import json
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import redis.asyncio as redis

from domain.shared.errors import StoreUnavailable

Key = tuple[UUID, str]


class InProcessWebhookDebugInbox:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._listeners: dict[Key, float] = {}  # -> listened to until
        self._calls: dict[Key, list[tuple[dict[str, Any], float]]] = {}  # -> [(inputs, kept until)]

    async def listen(self, app_id: UUID, node_id: str, ttl_seconds: float) -> None:
        now = self._now()
        self._listeners = {k: until for k, until in self._listeners.items() if until > now}  # few: sweep each time
        self._listeners[(app_id, node_id)] = now + ttl_seconds

    async def listening(self, app_id: UUID, node_id: str) -> bool:
        return self._listeners.get((app_id, node_id), 0) > self._now()

    async def deliver(self, app_id: UUID, node_id: str, inputs: dict[str, Any], ttl_seconds: float) -> None:
        self._calls.setdefault((app_id, node_id), []).append((inputs, self._now() + ttl_seconds))

    async def take(self, app_id: UUID, node_id: str) -> dict[str, Any] | None:
        kept = self._calls.get((app_id, node_id)) or []
        while kept:
            inputs, until = kept.pop(0)
            if until > self._now():
                return inputs
        self._calls.pop((app_id, node_id), None)
        return None


class RedisWebhookDebugInbox:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    async def listen(self, app_id: UUID, node_id: str, ttl_seconds: float) -> None:
        await self._call(self._redis.set(_key("listen", app_id, node_id), "1", px=_ms(ttl_seconds)))

    async def listening(self, app_id: UUID, node_id: str) -> bool:
        return bool(await self._call(self._redis.exists(_key("listen", app_id, node_id))))

    async def deliver(self, app_id: UUID, node_id: str, inputs: dict[str, Any], ttl_seconds: float) -> None:
        key = _key("calls", app_id, node_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps(inputs)).pexpire(key, _ms(ttl_seconds))
            await self._call(pipe.execute())

    async def take(self, app_id: UUID, node_id: str) -> dict[str, Any] | None:
        record = await self._call(self._redis.lpop(_key("calls", app_id, node_id)))
        return json.loads(record) if record is not None else None

    @staticmethod
    async def _call(awaitable):
        try:
            return await awaitable
        except redis.RedisError as error:
            raise StoreUnavailable("The store of webhook test calls (Redis) is unavailable.") from error


def _key(kind: str, app_id: UUID, node_id: str) -> str:
    return f"weir:webhook_debug:{kind}:{app_id}:{node_id}"


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))
