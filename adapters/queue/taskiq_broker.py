"""The taskiq broker: Redis when configured (tasks survive the API and run on workers), else in-process.

Each task names its queue with the `queue_name` label; a worker consumes the queues it is given, so
queues can be split across worker processes (`./dev/start-worker --queues dataset,ops_trace`). The
Redis broker delivers at least once, retries with backoff and dead-letters (see reliable_broker.py).
"""

from collections.abc import Sequence

from taskiq import AsyncBroker, InMemoryBroker
from taskiq_redis import RedisAsyncResultBackend

from adapters.queue.fleet import RedisFleet
from adapters.queue.reliable_broker import ReliableRedisBroker
from adapters.queue.retry_middleware import RetryWithDeadLetterMiddleware
from adapters.queue.topology import DEFAULT_QUEUE, QUEUES, queue_key, queue_of

__all__ = ["QUEUES", "make_broker", "queue_key", "queues_in_use"]


def make_broker(
    redis_url: str | None, consume: Sequence[str] = QUEUES, visibility_timeout: float = 60.0
) -> AsyncBroker:
    if redis_url is None:
        return InMemoryBroker()
    broker = ReliableRedisBroker(redis_url, consume, visibility_timeout)
    backend = RedisAsyncResultBackend(redis_url=redis_url, result_ex_time=3600)
    fleet = RedisFleet(broker.redis)
    return broker.with_result_backend(backend).with_middlewares(RetryWithDeadLetterMiddleware(fleet, broker.stats))


def queues_in_use(broker: AsyncBroker) -> list[str]:
    """The queues the tasks registered on `broker` are sent to: those a live worker must consume."""
    keys = {task.labels.get("queue_name") or queue_key(DEFAULT_QUEUE) for task in broker.get_all_tasks().values()}
    return sorted(queue_of(key) for key in keys)
