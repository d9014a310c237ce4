"""Retries a failed task with exponential backoff under its kind's policy, then dead-letters it.

A retry is a copy of the message with `weir_retry` = n, parked in the queue's delayed set until its
backoff passes (a worker moves it back to the queue), so no worker sleeps on it and a restart loses
nothing. While a retry is pending no result is stored: whoever waits on the task sees the last attempt.
"""

import logging
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

from taskiq import TaskiqMessage, TaskiqMiddleware, TaskiqResult
from taskiq.exceptions import NoResultError

from adapters.queue.fleet import RETRY_LABEL, RedisFleet
from adapters.queue.reliable_broker import ReliableRedisBroker, WorkerStats
from adapters.queue.topology import queue_of, retry_policy

log = logging.getLogger("weir.queue")


class RetryWithDeadLetterMiddleware(TaskiqMiddleware):
    def __init__(self, fleet: RedisFleet, stats: WorkerStats) -> None:
        super().__init__()
        self._fleet = fleet
        self._stats = stats

    def post_execute(self, message: TaskiqMessage, result: TaskiqResult[Any]) -> None:
        self._stats.processed += 1
        if result.is_err:
            self._stats.failed += 1

    async def on_error(self, message: TaskiqMessage, result: TaskiqResult[Any], exception: BaseException) -> None:
        if isinstance(exception, NoResultError):
            return
        broker = self.broker
        assert isinstance(broker, ReliableRedisBroker)
        queue = queue_of(message.labels.get("queue_name") or broker.queue_name)
        attempt = int(message.labels.get(RETRY_LABEL, 0)) + 1
        # Producers send by task name, so the task's decorator labels are read here, on the worker.
        task = broker.find_task(message.task_name)
        policy = retry_policy(message.task_name, queue, {**(task.labels if task else {}), **message.labels})
        entry = {
            "task_name": message.task_name, "task_id": message.task_id, "queue": queue, "attempts": attempt,
            "error": f"{type(exception).__name__}: {exception}"[:2000],
            "failed_at": datetime.now(UTC).isoformat(), "worker": broker.worker_id or socket.gethostname(),
        }
        await self._fleet.record_failure(entry)
        if attempt <= policy.max_retries:
            retry = message.model_copy(deep=True)
            retry.labels[RETRY_LABEL] = attempt
            delay = policy.delay(attempt)
            await broker.defer(queue, broker.formatter.dumps(retry).message, delay)
            result.error = NoResultError()
            self._stats.retried += 1
            log.warning("task %s %s failed (%s); retry %d/%d in %.1f s", message.task_name, message.task_id,
                        entry["error"], attempt, policy.max_retries, delay)
            return
        first_run = message.model_copy(deep=True)
        first_run.labels.pop(RETRY_LABEL, None)
        await self._fleet.dead_letter(
            {"id": uuid.uuid4().hex, **entry, "message": broker.formatter.dumps(first_run).message.decode()}
        )
        self._stats.dead_lettered += 1
        log.error("task %s %s failed %d time(s): dead-lettered on %s (%s)", message.task_name, message.task_id,
                  attempt, queue, entry["error"])
