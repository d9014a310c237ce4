"""The taskiq broker the API enqueues to and `./dev/start-worker` consumes (Redis when configured).

With no Redis the API keeps an in-process broker and runs tasks itself, with its own container in
`broker.state.container`; a worker process builds its container at start-up.
"""

import os

from taskiq import TaskiqEvents, TaskiqState

from adapters.queue.taskiq_broker import QUEUES, make_broker
from entrypoints.settings import Settings

settings = Settings()
consumed = [q for q in os.environ.get("WEIR_WORKER_QUEUES", ",".join(QUEUES)).split(",") if q]
broker = make_broker(settings.redis_url, consumed)


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def open_container(state: TaskiqState) -> None:
    if getattr(state, "container", None) is not None:
        return  # the in-process broker of the API: the API's container is already there
    # Imported here: the API process imports this module too and builds its own container.
    from entrypoints.container import build_container
    from entrypoints.database import open_database
    from entrypoints.logs import configure_logging

    configure_logging(settings.LOG_LEVEL, settings.LOG_OUTPUT_FORMAT)
    state.database = open_database(settings, migrate=False)
    state.container = build_container(settings, state.database, broker)
    state.owns_container = True
    if settings.WORKER_METRICS_PORT:
        from prometheus_client import start_http_server

        start_http_server(settings.WORKER_METRICS_PORT, registry=state.container.prometheus_registry())


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def close_container(state: TaskiqState) -> None:
    if not getattr(state, "owns_container", False):
        return
    from entrypoints.container import shutdown_container
    from entrypoints.database import close_database

    await shutdown_container(state.container)
    close_database(settings, state.database)
