"""The taskiq broker: Redis when configured (tasks survive the API and run on workers), else in-process."""

from taskiq import AsyncBroker, InMemoryBroker
from taskiq_redis import ListQueueBroker, RedisAsyncResultBackend

QUEUE_KEY = "weir:tasks"


def make_broker(redis_url: str | None) -> AsyncBroker:
    if redis_url is None:
        return InMemoryBroker()
    backend = RedisAsyncResultBackend(redis_url=redis_url, result_ex_time=3600)
    return ListQueueBroker(url=redis_url, queue_name=QUEUE_KEY).with_result_backend(backend)
