"""Tasks the queue fault tests send to real worker processes (imported by the worker beside weir's own).

Each records its runs in Redis under `weir:test:*`: `started` counts executions, `effects` holds one
field per key written with HSETNX, the idempotent effect a real task has (a row keyed by its id).
"""

import asyncio
import os
import time

from redis.asyncio import Redis

from adapters.queue.taskiq_broker import queue_key
from entrypoints.worker.broker import broker

EFFECTS = "weir:test:effects"


def _redis() -> Redis:
    return Redis.from_url(os.environ["REDIS_URL"])


@broker.task(task_name="weir.test.effect", queue_name=queue_key("dataset"))
async def effect(key: str, seconds: float = 0.0) -> str:
    async with _redis() as redis:
        await redis.incr(f"weir:test:started:{key}")
        if not await redis.exists(f"weir:test:short:{key}"):  # a test sets it to make a rerun quick
            await asyncio.sleep(seconds)
        await redis.hsetnx(EFFECTS, key, os.getpid())
        await redis.incr(f"weir:test:finished:{key}")
    return key


@broker.task(task_name="weir.test.flaky", queue_name=queue_key("ops_trace"), retry_base_delay=0.2, retry_cap=0.5)
async def flaky(key: str, failures: int) -> int:
    async with _redis() as redis:
        attempt = await redis.incr(f"weir:test:started:{key}")
        await redis.rpush(f"weir:test:starts:{key}", time.time())
    if attempt <= failures:
        raise RuntimeError(f"attempt {attempt} of {key} fails")
    return attempt
