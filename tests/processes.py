"""Starting weir's own processes for tests that go through real sockets."""

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

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


def serving(base_url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(base_url + "/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    return check
