"""As root the embedded server runs as its own system account: processes starting at once on a new machine
must end up with one account that exists, not one uid each of which only the last survives in /etc/passwd."""

import multiprocessing
import os
import pwd
import subprocess
import uuid

import pytest

from adapters.persistence.embedded_postgres import _ensure_system_user, _server_lock

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root runs the server as another account"
)


def _start_as(name: str, ready, queue) -> None:
    ready.wait()
    with _server_lock():
        _ensure_system_user(name)
    queue.put(pwd.getpwnam(name).pw_uid)


def test_processes_starting_at_once_share_one_account_that_exists():
    name = f"weir_t{uuid.uuid4().hex[:8]}"  # a throwaway account, removed below
    context = multiprocessing.get_context("spawn")
    ready, queue = context.Event(), context.Queue()
    workers = [context.Process(target=_start_as, args=(name, ready, queue)) for _ in range(6)]
    try:
        for worker in workers:
            worker.start()
        ready.set()
        uids = [queue.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        assert [worker.exitcode for worker in workers] == [0] * len(workers)
        assert len(set(uids)) == 1
        assert pwd.getpwnam(name).pw_uid == uids[0]
    finally:
        subprocess.run(["userdel", name], capture_output=True)
