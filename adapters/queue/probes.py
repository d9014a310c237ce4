import redis.asyncio as redis
from taskiq import AsyncBroker

from adapters.queue.fleet import RedisFleet
from adapters.queue.taskiq_broker import queues_in_use
from domain.shared.health import ProbeResult


class RedisQueueProbe:
    def __init__(self, redis_url: str) -> None:
        self._url = redis_url

    async def check(self) -> ProbeResult:
        client = redis.from_url(self._url, socket_connect_timeout=2, socket_timeout=2)
        try:
            await client.ping()
            info = await client.info("server")
        except Exception as exc:  # a probe reports, it never raises
            return ProbeResult("queue", False, {"kind": "redis", "error": type(exc).__name__})
        finally:
            await client.aclose()
        return ProbeResult("queue", True, {"kind": "redis", "server_version": str(info.get("redis_version", ""))})


class InProcessQueueProbe:
    async def check(self) -> ProbeResult:
        return ProbeResult("queue", True, {"kind": "in-process"})


class RedisWorkersProbe:
    """The live workers, and the queues tasks are sent to that none of them consumes (tasks would wait there)."""

    def __init__(self, redis_url: str, broker: AsyncBroker) -> None:
        self._url = redis_url
        self._broker = broker

    async def check(self) -> ProbeResult:
        fleet = RedisFleet.from_url(self._url)
        try:
            workers = await fleet.workers()
        except Exception as exc:  # a probe reports, it never raises
            return ProbeResult("workers", False, {"error": type(exc).__name__})
        finally:
            await fleet.close()
        consumed = {queue for worker in workers for queue in worker.get("queues", [])}
        missing = sorted(set(queues_in_use(self._broker)) - consumed)
        live = [{k: w.get(k) for k in ("id", "queues", "in_flight", "processed", "failed")} for w in workers]
        return ProbeResult("workers", not missing, {"live": live, "queues_without_consumer": missing})
