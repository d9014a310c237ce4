"""The taskiq broker the API enqueues to and `./dev/start-worker` consumes (Redis when configured).

With no Redis the API keeps an in-process broker and runs tasks itself, with its own container in
`broker.state.container`; a worker process builds its container at start-up, and announces itself
with a heartbeat so the API can tell which queues nobody consumes.
"""

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys

from taskiq import TaskiqEvents, TaskiqState

from adapters.queue.fleet import RedisFleet
from adapters.queue.reliable_broker import ReliableRedisBroker
from adapters.queue.taskiq_broker import QUEUES, make_broker, queues_in_use
from entrypoints.settings import Settings

settings = Settings()
consumed = [q.strip() for q in os.environ.get("WEIR_WORKER_QUEUES", ",".join(QUEUES)).split(",") if q.strip()]
broker = make_broker(settings.redis_url, consumed, settings.QUEUE_VISIBILITY_TIMEOUT)
log = logging.getLogger("weir.queue")


def stop_with_supervisor() -> None:
    """A worker process whose supervisor (taskiq's main process) is killed stops gracefully too: an orphan
    would keep consuming, unseen by whoever restarts the fleet. Linux only (PR_SET_PDEATHSIG)."""
    parent = multiprocessing.parent_process()
    if sys.platform != "linux" or parent is None:
        return
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent.pid:  # it died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def open_container(state: TaskiqState) -> None:
    if getattr(state, "container", None) is not None:
        return  # the in-process broker of the API: the API's container is already there
    stop_with_supervisor()
    # Imported here: the API process imports this module too and builds its own container.
    from entrypoints.container import build_container
    from entrypoints.database import open_database
    from entrypoints.logs import configure_logging
    from entrypoints.worker.heartbeat import Heartbeat

    configure_logging(settings.LOG_LEVEL, settings.LOG_OUTPUT_FORMAT, background=True)
    if isinstance(broker, ReliableRedisBroker):
        state.heartbeat = Heartbeat(broker, settings.WORKER_HEARTBEAT_INTERVAL, settings.WORKER_HEARTBEAT_TTL)
        await state.heartbeat.start()
        log.info("worker %s consumes %s", broker.worker_id, ", ".join(broker.consumed))
    state.database = open_database(settings, migrate=False)
    state.container = build_container(settings, state.database, broker)
    state.owns_container = True
    if settings.WORKER_METRICS_PORT:
        from prometheus_client import start_http_server

        start_http_server(settings.WORKER_METRICS_PORT, registry=state.container.telemetry.prometheus_registry())


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def close_container(state: TaskiqState) -> None:
    if getattr(state, "heartbeat", None) is not None:
        await state.heartbeat.stop()
    if not getattr(state, "owns_container", False):
        return
    from entrypoints.container import shutdown_container
    from entrypoints.database import close_database

    await shutdown_container(state.container)
    close_database(settings, state.database)
    gc.freeze()  # the process exits next; its last garbage collection has nothing to free (entrypoints/serve.py)


@broker.on_event(TaskiqEvents.CLIENT_STARTUP)
async def report_unconsumed_queues(state: TaskiqState) -> None:
    """At API start-up: name the queues tasks are sent to that no live worker consumes."""
    if not isinstance(broker, ReliableRedisBroker):
        return
    try:
        missing = await RedisFleet(broker.redis).unconsumed(queues_in_use(broker))
    except Exception as error:  # start-up goes on: /health reports the queue server's state
        log.warning("could not check the worker fleet (%s)", type(error).__name__)
        return
    if missing:
        log.warning("no live worker consumes queue(s) %s: start ./dev/start-worker (tasks wait there until one does)",
                    ", ".join(missing))
