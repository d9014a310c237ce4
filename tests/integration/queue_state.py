"""EXPERIMENT: what a queue holds, for either broker (WEIR_QUEUE_BROKER=stream selects RedisStreamBroker).

held: delivered and not acknowledged (a processing set's size; a stream group's pending count).
waiting: not yet delivered (a list's length; a stream group's lag, or the stream's length before a group).
"""

import os

from redis.asyncio import Redis
from redis.exceptions import ResponseError

STREAM = os.environ.get("WEIR_QUEUE_BROKER") == "stream"


async def held(redis: Redis, queue: str) -> int:
    if not STREAM:
        return await redis.zcard(f"weir:processing:{queue}")
    try:
        return (await redis.xpending(f"weir:queue:{queue}", "weir"))["pending"]
    except ResponseError:  # no stream or no group yet
        return 0


async def waiting(redis: Redis, queue: str) -> int:
    if not STREAM:
        return await redis.llen(f"weir:queue:{queue}")
    key = f"weir:queue:{queue}"
    if not await redis.exists(key):
        return 0
    for group in await redis.xinfo_groups(key):
        if group["name"] in ("weir", b"weir"):
            return group["lag"]
    return await redis.xlen(key)
