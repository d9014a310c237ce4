"""The taskiq broker the API enqueues to and `./dev/start-worker` consumes (Redis when configured).

With no Redis the API keeps an in-process broker and runs tasks itself; the worker process then has
nothing to consume.
"""

from taskiq import TaskiqEvents, TaskiqState

from adapters.queue.taskiq_broker import make_broker
from entrypoints.settings import Settings

settings = Settings()
broker = make_broker(settings.redis_url)


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def open_container(state: TaskiqState) -> None:
    # Imported here: the API process imports this module too and builds its own container.
    from entrypoints.container import build_container
    from entrypoints.database import open_database
    from entrypoints.logs import configure_logging

    configure_logging(settings.LOG_LEVEL, settings.LOG_OUTPUT_FORMAT)
    state.database = open_database(settings, migrate=False)
    state.container = build_container(settings, state.database)


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def close_container(state: TaskiqState) -> None:
    from entrypoints.database import close_database

    await state.container.engine().dispose()
    close_database(settings, state.database)
