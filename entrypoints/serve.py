"""`./dev/start-api`: the database (embedded unless DB_* is set), migrations, then the API on uvicorn.

uvicorn[standard] was measured faster than Hypercorn on this machine (381 vs 311 req/s, see
../shared/notes/packages.md §7); one process, asyncio on uvloop.
"""

import signal
import time

import structlog
import uvicorn

from entrypoints.container import build_container
from entrypoints.database import close_database, open_database
from entrypoints.http.app import create_app
from entrypoints.logs import configure_logging
from entrypoints.settings import Settings

log = structlog.get_logger("weir.serve")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main() -> None:
    started = time.perf_counter()
    settings = Settings()
    configure_logging(settings.LOG_LEVEL, settings.LOG_OUTPUT_FORMAT, background=True)
    log.info("starting database", embedded=settings.external_database_url is None, storage=str(settings.STORAGE_PATH))
    database = open_database(settings, migrate=settings.MIGRATION_ENABLED)
    log.info("database ready, migrations applied", seconds=round(time.perf_counter() - started, 2))
    try:
        from entrypoints.worker import tasks  # registers the task functions on the broker

        container = build_container(settings, database, tasks.broker)
        # Built now, not at the first code node: it probes the sandbox and starts installing the code nodes'
        # packages (CODE_EXECUTION_PYTHON_REQUIREMENTS) in a background thread, while the API already serves.
        container.workflows.code_runner()
        app = create_app(container)
        queue = "redis" if settings.redis_url else "in-process"
        log.info("serving", url=f"http://{settings.HOST}:{settings.PORT}", queue=queue)
        # uvicorn re-raises the stop signal once it has shut down; as exceptions, SIGTERM and SIGINT let the
        # finally block below stop the embedded PostgreSQL instead of killing the process outright.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        uvicorn.run(app, host=settings.HOST, port=settings.PORT, log_config=None, access_log=False, lifespan="on")
    except KeyboardInterrupt:
        pass
    finally:
        close_database(settings, database)
        log.info("stopped", embedded_database_stopped=database.embedded)


if __name__ == "__main__":
    main()
