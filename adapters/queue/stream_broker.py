"""EXPERIMENT (not adopted): weir's queues on taskiq-redis' `RedisStreamBroker`, configured, not re-implemented.

Selected with `WEIR_QUEUE_BROKER=stream`. Only library parameters and bookkeeping are added:

- one stream per weir queue (`weir:queue:<q>`): the first consumed queue is `queue_name`, the others
  `additional_streams`; one consumer group `weir`, read from id 0 so entries added before the group
  existed (a producer started before any worker) are delivered;
- `idle_timeout` = QUEUE_VISIBILITY_TIMEOUT: an entry pending that long is XAUTOCLAIMed by any reader;
- the consumer name is the worker id; `in_flight` / `stats` / `worker_id` / `consumed` are kept for the
  heartbeat, as ReliableRedisBroker keeps them;
- `defer` (a retry) adds the entry again at once: the library has no delayed delivery (RedisStreamBroker
  ignores taskiq's `delay` label; SmartRetryMiddleware without a schedule source re-kicks immediately).

Nothing renews a running task's idle time and nothing is handed back at shutdown: the library does neither.
"""

import os
import socket
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence

from redis.asyncio import Redis
from taskiq import AckableMessage
from taskiq_redis import RedisStreamBroker

from adapters.queue.reliable_broker import Delivery, WorkerStats
from adapters.queue.topology import DEFAULT_QUEUE, queue_key, queue_of

GROUP = "weir"
# EXPERIMENT variant 2: WEIR_STREAM_RECLAIM_WHEN_IDLE=1 replaces the library's listen loop by a copy that reclaims
# on an idle queue too.
_RECLAIM_WHEN_IDLE = os.environ.get("WEIR_STREAM_RECLAIM_WHEN_IDLE") == "1"


class StreamRedisBroker(RedisStreamBroker):
    def __init__(self, url: str, consume: Sequence[str], visibility_timeout: float = 60.0) -> None:
        self.consumed = tuple(consume)
        streams = [queue_key(q) for q in self.consumed] or [queue_key(DEFAULT_QUEUE)]
        super().__init__(
            url=url,
            queue_name=streams[0],
            consumer_group_name=GROUP,
            consumer_id="0",
            additional_streams={s: ">" for s in streams[1:]},
            idle_timeout=int(visibility_timeout * 1000),
            unacknowledged_lock_timeout=visibility_timeout,
        )
        self.visibility_timeout = visibility_timeout
        self.worker_id = ""
        self.started_at = 0.0
        self.in_flight: dict[tuple[str, str], Delivery] = {}
        self.stats = WorkerStats()
        self.redis = Redis(connection_pool=self.connection_pool)

    async def startup(self) -> None:
        if self.is_worker_process:
            self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
            self.consumer_name = self.worker_id
            self.started_at = time.time()
        await super().startup()

    def _ack_generator(self, id: str, queue_name: str) -> Callable[[], Awaitable[None]]:
        ack = super()._ack_generator(id=id, queue_name=queue_name)
        key = (queue_of(_text(queue_name)), _text(id))

        async def _ack() -> None:
            self.in_flight.pop(key, None)
            await ack()

        _ack.delivery_key = key  # type: ignore[attr-defined]
        return _ack

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        source = self._library_listen_reclaiming_when_idle() if _RECLAIM_WHEN_IDLE else super().listen()
        async for message in source:
            queue, delivery_id = message.ack.delivery_key  # type: ignore[union-attr]
            self.in_flight[(queue, delivery_id)] = Delivery(queue, delivery_id, message.data)
            yield message

    async def _library_listen_reclaiming_when_idle(self) -> AsyncGenerator[AckableMessage, None]:
        """RedisStreamBroker.listen (taskiq-redis 1.2.4) copied, with one change: the XAUTOCLAIM pass also runs
        after an XREADGROUP that returned nothing (the library `continue`s there, so on an idle queue a dead
        worker's entries are never reclaimed)."""
        async with Redis(connection_pool=self.connection_pool) as redis_conn:
            while True:
                fetched = await redis_conn.xreadgroup(
                    self.consumer_group_name, self.consumer_name,
                    {self.queue_name: ">", **self.additional_streams},
                    block=self.block, noack=False, count=self.count,
                )
                for stream, msg_list in fetched or []:
                    for msg_id, msg in msg_list:
                        yield AckableMessage(data=msg[b"data"], ack=self._ack_generator(id=msg_id, queue_name=stream))
                for stream in [self.queue_name, *self.additional_streams.keys()]:
                    pipe = redis_conn.pipeline()
                    lock = pipe.lock(f"autoclaim:{self.consumer_group_name}:{stream}",
                                     timeout=self.unacknowledged_lock_timeout)
                    await lock.acquire()
                    await pipe.xautoclaim(name=stream, groupname=self.consumer_group_name,
                                          consumername=self.consumer_name, min_idle_time=self.idle_timeout,
                                          count=self.unacknowledged_batch_size)
                    await lock.release()
                    pending = (await pipe.execute())[1]
                    for msg_id, msg in pending[1]:
                        yield AckableMessage(data=msg[b"data"], ack=self._ack_generator(id=msg_id, queue_name=stream))

    async def defer(self, queue: str, body: bytes, delay: float) -> None:
        await self.redis.xadd(queue_key(queue), {b"data": body})


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
