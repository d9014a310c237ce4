"""The taskiq scheduler `./dev/start-beat` runs: periodic tasks declared with `schedule=` labels.

Two beat processes may run at once (a rolling redeploy, one per host): each would send every tick.
A Redis lock per (task, schedule, tick), `SET key NX EX`, lets exactly one of them send it.
"""

import logging
import os
import socket
from datetime import UTC, datetime, timedelta

import redis.asyncio as redis
from taskiq import AsyncBroker, TaskiqScheduler
from taskiq.abc.schedule_source import ScheduleSource
from taskiq.schedule_sources import LabelScheduleSource
from taskiq.scheduler.scheduled_task import ScheduledTask

from entrypoints.settings import Settings
from entrypoints.worker.broker import broker

logger = logging.getLogger(__name__)
# Long enough that a scheduler whose clock or loop lags cannot send a tick another one already sent.
CRON_TICK_TTL_SECONDS = 600


def tick_of(task: ScheduledTask, now: datetime) -> tuple[str, int]:
    """(the tick this send belongs to, how long its lock must live). Cron fires once a minute at most."""
    if task.cron is not None:
        return f"cron:{task.cron}:{now:%Y%m%dT%H%M}", CRON_TICK_TTL_SECONDS
    if task.interval is not None:
        interval = task.interval
        seconds = max(int(interval.total_seconds() if isinstance(interval, timedelta) else interval), 1)
        return f"every:{seconds}:{int(now.timestamp()) // seconds}", seconds * 2 + 60
    return f"at:{task.time.isoformat() if task.time else ''}", 24 * 3600


class RedisTickLock:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._owner = f"{socket.gethostname()}:{os.getpid()}"

    async def claim(self, key: str, ttl_seconds: int) -> bool:
        return bool(await self._client.set(key, self._owner, nx=True, ex=ttl_seconds))


class SingleFireScheduler(TaskiqScheduler):
    """Sends a scheduled task only if this process wins its tick's lock (without a lock: always)."""

    def __init__(self, broker: AsyncBroker, sources: list[ScheduleSource], lock: RedisTickLock | None) -> None:
        super().__init__(broker, sources)
        self.lock = lock

    async def on_ready(self, source: ScheduleSource, task: ScheduledTask) -> None:
        if self.lock is not None:
            tick, ttl = tick_of(task, datetime.now(UTC))
            try:
                won = await self.lock.claim(f"weir:beat:{task.task_name}:{tick}", ttl)
            except redis.RedisError:
                logger.warning("scheduler: Redis unreachable, %s not sent for %s", task.task_name, tick)
                return
            if not won:
                logger.info("scheduler: %s for %s already sent by another scheduler", task.task_name, tick)
                return
        await super().on_ready(source, task)


def make_scheduler(broker: AsyncBroker, redis_url: str | None) -> SingleFireScheduler:
    lock = RedisTickLock(redis.from_url(redis_url)) if redis_url else None
    return SingleFireScheduler(broker, sources=[LabelScheduleSource(broker)], lock=lock)


scheduler = make_scheduler(broker, Settings().redis_url)
