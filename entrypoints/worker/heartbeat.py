"""A worker's heartbeat: every few seconds it writes what it consumes and runs to `weir:workers:<id>`."""

import asyncio
import contextlib
import json
import logging
import os
import socket
from datetime import UTC, datetime

from redis.exceptions import RedisError

from adapters.queue.fleet import RedisFleet
from adapters.queue.reliable_broker import ReliableRedisBroker

log = logging.getLogger("weir.worker")
_TASKS_SHOWN = 20


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def worker_record(broker: ReliableRedisBroker) -> dict:
    tasks = []
    for delivery in list(broker.in_flight.values())[:_TASKS_SHOWN]:
        try:
            message = json.loads(delivery.body)
        except ValueError:
            message = {}
        tasks.append({"queue": delivery.queue, "task_name": message.get("task_name"),
                      "task_id": message.get("task_id"), "since": _iso(delivery.since)})
    stats = broker.stats
    return {
        "id": broker.worker_id, "pid": os.getpid(), "host": socket.gethostname(), "queues": list(broker.consumed),
        "started_at": _iso(broker.started_at), "in_flight": len(broker.in_flight), "tasks": tasks,
        "processed": stats.processed, "failed": stats.failed, "retried": stats.retried,
        "dead_lettered": stats.dead_lettered,
    }


class Heartbeat:
    def __init__(self, broker: ReliableRedisBroker, interval: float, ttl: float) -> None:
        self._broker = broker
        self._fleet = RedisFleet(broker.redis)
        self._interval = interval
        self._ttl = ttl
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        await self._beat()
        self._task = asyncio.create_task(self._beat_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(RedisError):
            await self._fleet.forget(self._broker.worker_id)

    async def _beat(self) -> None:
        try:
            await self._fleet.beat(worker_record(self._broker), self._ttl)
        except RedisError as error:
            log.warning("heartbeat failed (%s)", type(error).__name__)

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self._beat()
