"""The taskiq broker: Redis lists when configured (tasks survive the API and run on workers), else in-process.

Each task names its queue with the `queue_name` label; a worker consumes the queues it is given, so
queues can be split across worker processes (`./dev/start-worker --queues dataset,ops_trace`).
"""

import asyncio
from collections.abc import AsyncGenerator, Sequence

from redis.asyncio import ConnectionError as RedisConnectionError
from redis.asyncio import Redis
from taskiq import AsyncBroker, InMemoryBroker
from taskiq_redis import ListQueueBroker, RedisAsyncResultBackend

QUEUES: tuple[str, ...] = (
    "dataset", "priority_dataset", "workflow", "workflow_storage", "ops_trace", "mail", "app_deletion",
    "conversation", "retention",
)
_PREFIX = "weir:queue:"


def queue_key(queue: str) -> str:
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; declared queues: {', '.join(QUEUES)}")
    return _PREFIX + queue


class MultiQueueListBroker(ListQueueBroker):
    """A ListQueueBroker that pops from several lists at once (BRPOP takes many keys)."""

    def __init__(self, url: str, consume: Sequence[str]) -> None:
        super().__init__(url=url, queue_name=queue_key("workflow"))
        self.consumed_keys = [queue_key(q) for q in consume]

    async def listen(self) -> AsyncGenerator[bytes, None]:
        while True:
            try:
                async with Redis(connection_pool=self.connection_pool) as redis:
                    popped = await redis.brpop(self.consumed_keys, timeout=1)
            except RedisConnectionError:
                # Redis is down or restarting: wait before asking again instead of spinning on the CPU.
                await asyncio.sleep(1.0)
                continue
            if popped is not None:
                yield popped[1]


def make_broker(redis_url: str | None, consume: Sequence[str] = QUEUES) -> AsyncBroker:
    if redis_url is None:
        return InMemoryBroker()
    backend = RedisAsyncResultBackend(redis_url=redis_url, result_ex_time=3600)
    return MultiQueueListBroker(redis_url, consume).with_result_backend(backend)
