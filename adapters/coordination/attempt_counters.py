"""Attempt counts with an expiry (login failures, requests per address): in this process's memory for the
single-process embedded mode, or in Redis, shared by every API process."""

import time
from collections.abc import Callable

import redis.asyncio as redis

from domain.shared.errors import StoreUnavailable

_SWEEP_FLOOR = 1024


class InProcessAttemptCounter:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, expires at)
        self._sweep_at = _SWEEP_FLOOR

    def _live(self, key: str) -> int:
        count, expires = self._counts.get(key, (0, 0.0))
        if count and expires <= self._now():
            del self._counts[key]
            return 0
        return count

    def _store(self, key: str, count: int, expires: float) -> None:
        self._counts[key] = (count, expires)
        if len(self._counts) >= self._sweep_at:  # unknown emails and addresses must not pile up forever
            now = self._now()
            self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            self._sweep_at = max(_SWEEP_FLOOR, 2 * len(self._counts))

    async def count(self, key: str) -> int:
        return self._live(key)

    async def add(self, key: str, ttl_seconds: float) -> int:
        count = self._live(key) + 1
        self._store(key, count, self._now() + ttl_seconds)
        return count

    async def take(self, key: str, limit: int, window_seconds: float) -> bool:
        count = self._live(key)
        if count >= limit:
            return False
        expires = self._counts[key][1] if count else self._now() + window_seconds
        self._store(key, count + 1, expires)
        return True

    async def clear(self, key: str) -> None:
        self._counts.pop(key, None)


# Both atomic: no two processes read the same count.
_ADD = """
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return n
"""
_TAKE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
"""


class RedisAttemptCounter:
    """One Redis counter per key (`weir:<key>`), expiring by itself. An unreachable Redis is StoreUnavailable:
    the limits never silently fall away."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._add = client.register_script(_ADD)
        self._take = client.register_script(_TAKE)

    async def count(self, key: str) -> int:
        try:
            value = await self._redis.get(_key(key))
        except redis.RedisError as error:
            raise _unavailable() from error
        return int(value or 0)

    async def add(self, key: str, ttl_seconds: float) -> int:
        try:
            return int(await self._add(keys=[_key(key)], args=[_millis(ttl_seconds)]))
        except redis.RedisError as error:
            raise _unavailable() from error

    async def take(self, key: str, limit: int, window_seconds: float) -> bool:
        try:
            return bool(await self._take(keys=[_key(key)], args=[limit, _millis(window_seconds)]))
        except redis.RedisError as error:
            raise _unavailable() from error

    async def clear(self, key: str) -> None:
        try:
            await self._redis.delete(_key(key))
        except redis.RedisError as error:
            raise _unavailable() from error


def _key(key: str) -> str:
    return f"weir:{key}"


def _millis(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _unavailable() -> StoreUnavailable:
    return StoreUnavailable("The login attempt counter (Redis) is unavailable.")
