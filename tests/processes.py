"""Starting weir's own processes for tests that go through real sockets."""

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def weir_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "REDIS_", "SECRET_KEY"))}
    env.update(overrides)
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def serving(base_url: str, process: subprocess.Popen) -> Callable[[], bool]:
    """/health answers, and from `process` (or a worker it started): a port picked by free_port can be taken by
    another test's server while this one still starts its database, and that server's /health would answer."""
    port = httpx.URL(base_url).port

    def check() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the process exited with {process.returncode} before it served {base_url}")
        try:
            if httpx.get(base_url + "/health", timeout=1).status_code != 200:
                return False
        except httpx.HTTPError:
            return False
        return listens(process.pid, port)

    return check


def listens(pid: int, port: int | None) -> bool:
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return False
    for member in tree:
        with contextlib.suppress(psutil.Error):
            if any(c.status == psutil.CONN_LISTEN and c.laddr.port == port for c in member.net_connections("tcp")):
                return True
    return False
