"""A taskiq broker over Redis lists with at-least-once delivery.

A worker pops a message into a processing set under a lease (`visibility_timeout`) and acknowledges it
only after the task finished (taskiq acks `when_saved` by default). While a task runs its worker renews
the lease; a worker killed mid-task stops renewing, and after the timeout any worker puts the message
back at the head of its queue. On shutdown a worker returns what it could not finish at once.
Producers publish on a per-queue channel after each push, so idle workers wake without polling.

Why not taskiq-redis' `RedisStreamBroker` (consumer groups, XACK, XAUTOCLAIM after `idle_timeout`)?
It was tried in weir's place (commit "EXPERIMENT ... RedisStreamBroker" on branch wt-broker: one stream
per queue through `additional_streams`, group read from id 0, `idle_timeout` = the lease) against the
queue and fault tests, taskiq-redis 1.2.4 on Redis 7.0. The library itself passed 10 of the 17 tests,
and 12 once its `listen()` was patched to reclaim on an idle queue; this broker passes all 17. What this
one does that the library cannot:

- Reclaim while the queue is idle. `RedisStreamBroker.listen()` skips its XAUTOCLAIM pass after an
  XREADGROUP that returned nothing, so a killed worker's task waits for the next message on its stream.
  The library failed test_a_worker_killed_mid_task_has_it_redelivered_and_the_effect_happens_once,
  test_two_workers_reclaiming_at_once_return_an_expired_message_once and both kill tests of
  test_fault_tolerance.py (…killed_while_indexing…, …killed_mid_run…).
- Renew a running task's lease. The library has one idle timeout and nothing extends it, so a task
  that runs longer is claimed again (by its own worker too) and runs twice at once. With the reclaim
  patched in, index_document started 11 times in 27 s on one worker and the document ended `error`
  (test_a_worker_killed_while_indexing_leaves_the_document_indexed_once_by_the_next), and the 4 s task
  of test_a_task_is_acknowledged_after_it_finished_and_its_lease_renewed_while_it_runs ran twice. Without
  renewal the timeout has to exceed the longest task, and a killed worker's task waits that long.
- Hand unfinished tasks back at shutdown. A stream entry cannot be un-delivered (Redis 7 has no NACK):
  it stays pending on the stopped consumer until the idle timeout passes.
  Failed: test_sigterm_finishes_or_returns_in_flight_tasks_within_a_bound[600-returned],
  test_a_worker_whose_supervisor_is_killed_stops_and_returns_its_task.
- Delay a retry (`defer`, the delayed set). RedisStreamBroker ignores taskiq's `delay` label, so
  SmartRetryMiddleware either re-sends at once or needs a ScheduleSource and a scheduler process. Dead
  letters are not in the library either (retry_middleware.py keeps them and needs only `defer`).
  Failed: test_a_failing_task_is_retried_with_growing_delays_then_dead_lettered_and_retried_by_command
  (gaps of 0.07 to 0.14 s where 0.2, 0.4, 0.5 s were due).
- Forget what is done. XACK leaves the entry in the stream, so a stream keeps every task ever sent.
  `maxlen` trims by count, whether an entry was delivered or not (measured: with maxlen 2, the first
  of 3 entries was never delivered). ACK here deletes the body.

Several queues are not a reason: `additional_streams` reads them all. bench/queue_throughput.py, run
once each on 2 shared cores, no-op tasks: 1 worker 379 tasks/s here and 685 for the library; 4 workers
381 and 394; p50 one at a time 1.1 and 2.0 ms. Throughput favours the library at 1 worker; the queue is
not where weir spends its time (bench/README.md).
"""

import asyncio
import contextlib
import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq import AckableMessage
from taskiq.message import BrokerMessage
from taskiq_redis.redis_broker import BaseRedisBroker

from adapters.queue import redis_scripts
from adapters.queue.topology import (
    DEFAULT_QUEUE,
    DELIVERY_SEQUENCE,
    bodies_key,
    delayed_key,
    processing_key,
    queue_key,
    queue_of,
    wake_channel,
)

log = logging.getLogger("weir.queue")


@dataclass(frozen=True, slots=True)
class Delivery:
    queue: str
    id: str
    body: bytes
    since: float = field(default_factory=time.time)


@dataclass(slots=True)
class WorkerStats:
    processed: int = 0
    failed: int = 0
    retried: int = 0
    dead_lettered: int = 0


class ReliableRedisBroker(BaseRedisBroker):
    def __init__(self, url: str, consume: Sequence[str], visibility_timeout: float = 60.0) -> None:
        super().__init__(url=url, queue_name=queue_key(DEFAULT_QUEUE))
        self.consumed = tuple(consume)
        self._keys = [DELIVERY_SEQUENCE]
        for queue in self.consumed:
            self._keys += [queue_key(queue), processing_key(queue), bodies_key(queue)]
        self.visibility_timeout = visibility_timeout
        self.worker_id = ""
        self.started_at = 0.0
        self.in_flight: dict[tuple[str, str], Delivery] = {}
        self.stats = WorkerStats()
        self.redis = Redis(connection_pool=self.connection_pool)
        self._scripts = {
            name: self.redis.register_script(getattr(redis_scripts, name))
            for name in ("POP", "ACK", "RENEW", "NACK", "MAINTAIN", "DEFER")
        }
        self._rotation = 0
        self._maintenance: asyncio.Task | None = None

    @property
    def lease_ms(self) -> int:
        return int(self.visibility_timeout * 1000)

    async def startup(self) -> None:
        if self.is_worker_process:
            self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
            self.started_at = time.time()
            self._maintenance = asyncio.create_task(self._maintain_forever())
        await super().startup()

    async def shutdown(self) -> None:
        if self._maintenance is not None:
            self._maintenance.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._maintenance
        await self.return_in_flight()
        await super().shutdown()

    async def kick(self, message: BrokerMessage) -> None:
        key = message.labels.get("queue_name") or self.queue_name
        pipe = self.redis.pipeline(transaction=False)
        pipe.lpush(key, message.message)
        pipe.publish(wake_channel(queue_of(key)), b"1")
        await pipe.execute()

    async def defer(self, queue: str, body: bytes, delay: float) -> None:
        """Enqueue `body` on `queue` after `delay` seconds (a retry's backoff), surviving any restart."""
        await self._scripts["DEFER"](keys=[delayed_key(queue)], args=[int(delay * 1000), body])

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        pubsub = self.redis.pubsub()
        try:
            await pubsub.subscribe(*(wake_channel(q) for q in self.consumed))
            while True:
                try:
                    # Shielded: a pop cancelled by shutdown still lands in in_flight, and is returned from there.
                    delivery = await asyncio.shield(self._pop())
                except RedisError as error:
                    log.warning("queue pop failed (%s); retrying in 1 s", type(error).__name__)
                    await asyncio.sleep(1.0)
                    continue
                if delivery is not None:
                    yield AckableMessage(data=delivery.body, ack=functools.partial(self.ack, delivery))
                else:
                    await self._wait_for_wake(pubsub)
        finally:
            with contextlib.suppress(RedisError):
                await pubsub.aclose()

    async def _pop(self) -> Delivery | None:
        self._rotation += 1
        popped = await self._scripts["POP"](keys=self._keys, args=[self.lease_ms, self._rotation])
        if not popped:
            return None
        index, delivery_id, body = popped
        delivery = Delivery(self.consumed[int(index)], str(delivery_id), body)
        self.in_flight[(delivery.queue, delivery.id)] = delivery
        return delivery

    @staticmethod
    async def _wait_for_wake(pubsub) -> None:
        try:
            woken = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            while woken is not None:  # one pop attempt serves a burst of wake-ups
                woken = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
        except RedisError:
            await asyncio.sleep(1.0)

    async def ack(self, delivery: Delivery) -> None:
        self.in_flight.pop((delivery.queue, delivery.id), None)
        keys = [processing_key(delivery.queue), bodies_key(delivery.queue)]
        await self._scripts["ACK"](keys=keys, args=[delivery.id])

    async def return_in_flight(self) -> int:
        returned = 0
        for delivery in list(self.in_flight.values()):
            try:
                returned += await self._scripts["NACK"](
                    keys=[queue_key(delivery.queue), processing_key(delivery.queue), bodies_key(delivery.queue)],
                    args=[delivery.id, wake_channel(delivery.queue)],
                )
            except RedisError:
                log.warning("could not return delivery %s of %s; it returns when its lease expires",
                            delivery.id, delivery.queue)
            self.in_flight.pop((delivery.queue, delivery.id), None)
        if returned:
            log.warning("returned %d unfinished task(s) to their queues at shutdown", returned)
        return returned

    async def _maintain_forever(self) -> None:
        interval = max(0.2, min(self.visibility_timeout / 3, 5.0))
        while True:
            try:
                await self.maintain()
            except RedisError as error:
                log.warning("queue maintenance failed (%s)", type(error).__name__)
            await asyncio.sleep(interval)

    async def maintain(self) -> None:
        """Renews this worker's leases, returns expired ones to their queues, releases due retries."""
        held: dict[str, list[str]] = {}
        for delivery in list(self.in_flight.values()):
            held.setdefault(delivery.queue, []).append(delivery.id)
        for queue, ids in held.items():
            await self._scripts["RENEW"](keys=[processing_key(queue)], args=[self.lease_ms, *ids])
        for queue in self.consumed:
            reclaimed, _released = await self._scripts["MAINTAIN"](
                keys=[queue_key(queue), processing_key(queue), bodies_key(queue), delayed_key(queue)],
                args=[100, wake_channel(queue)],
            )
            if reclaimed:
                log.warning("redelivering %d task(s) of %s whose worker stopped renewing its lease", reclaimed, queue)
