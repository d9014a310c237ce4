"""`./dev/start-api`: the database (embedded unless DB_* is set), migrations, then the API on uvicorn.

uvicorn[standard] was measured faster than Hypercorn on this machine (381 vs 311 req/s, see
../shared/notes/packages.md §7); asyncio on uvloop. SERVER_WORKER_AMOUNT > 1 (with Redis) forks that many
API processes after the database is up, all accepting on one listening socket; this process owns the
embedded database and stops it once every API process has stopped.
"""

import gc
import os
import signal
import socket
import time

import structlog
import uvicorn

from entrypoints.container import build_container
from entrypoints.database import Database, close_database, open_database
from entrypoints.http.app import create_app
from entrypoints.logs import configure_logging
from entrypoints.settings import Settings

log = structlog.get_logger("weir.serve")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main() -> None:
    started = time.perf_counter()
    settings = Settings()
    workers = settings.SERVER_WORKER_AMOUNT
    if workers > 1 and not settings.redis_url:
        workers = 1  # the processes would not see each other's stops, caches or run events
    # Forked processes must not inherit a logging thread: they start their own.
    configure_logging(settings.LOG_LEVEL, settings.LOG_OUTPUT_FORMAT, background=workers == 1)
    if workers != settings.SERVER_WORKER_AMOUNT:
        log.warning("SERVER_WORKER_AMOUNT > 1 needs Redis (REDIS_URL); serving with one process")
    log.info("starting database", embedded=settings.external_database_url is None, storage=str(settings.STORAGE_PATH))
    database = open_database(settings, migrate=settings.MIGRATION_ENABLED)
    log.info("database ready, migrations applied", seconds=round(time.perf_counter() - started, 2))
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        if workers == 1:
            _serve(settings, database)
        else:
            _serve_forked(settings, database, workers)
    except KeyboardInterrupt:
        pass
    finally:
        close_database(settings, database)
        log.info("stopped", embedded_database_stopped=database.embedded)
        # The interpreter's last garbage collection would walk every object the process ever made (its
        # containers, schemas, routes) only to free memory the exit returns anyway: over 10 s after SIGTERM on
        # a loaded machine. Frozen objects are left out of that collection.
        gc.freeze()


def _serve(settings: Settings, database: Database, sock: socket.socket | None = None) -> None:
    from entrypoints.worker import tasks  # registers the task functions on the broker

    container = build_container(settings, database, tasks.broker)
    # Built now, not at the first code node: it probes the sandbox and starts installing the code nodes'
    # packages (CODE_EXECUTION_PYTHON_REQUIREMENTS) in a background thread, while the API already serves.
    container.workflows.code_runner()
    app = create_app(container)
    queue = "redis" if settings.redis_url else "in-process"
    log.info("serving", url=f"http://{settings.HOST}:{settings.PORT}", queue=queue, pid=os.getpid())
    # uvicorn re-raises the stop signal once it has shut down; as exceptions, SIGTERM and SIGINT let the
    # finally block of main stop the embedded PostgreSQL instead of killing the process outright.
    config = uvicorn.Config(
        app, host=settings.HOST, port=settings.PORT, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock] if sock is not None else None)


def _serve_forked(settings: Settings, database: Database, workers: int) -> None:
    sock = socket.socket(socket.AF_INET6 if ":" in settings.HOST else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.HOST, settings.PORT))
    sock.listen(2048)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # an API process: serve until told to stop, never run the parent's cleanup
            code = 0
            try:
                configure_logging(settings.LOG_LEVEL, settings.LOG_OUTPUT_FORMAT, background=True)
                _serve(settings, database, sock)
            except (SystemExit, KeyboardInterrupt):
                pass
            except BaseException:
                log.exception("API process failed")
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    sock.close()
    log.info("API processes started", pids=children)
    try:
        for pid in children:
            os.waitpid(pid, 0)
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                continue


if __name__ == "__main__":
    main()
