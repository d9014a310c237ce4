"""This process as the lease reaper sees it: its host, pid, and the pid namespace the pid is meaningful in."""

import os
import socket
from pathlib import Path

from domain.maintenance.leases import ProcessIdentity


def _pid_namespace() -> str | None:
    """The running kernel (its boot id) and this process's pid namespace: two processes with the same value
    see the same pids. None off Linux, where no such guarantee is made."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    return f"{boot}/{namespace}"


class LocalProcessProbe:
    def __init__(self) -> None:
        self._namespace = _pid_namespace()

    def identity(self) -> ProcessIdentity:
        return ProcessIdentity(host=socket.gethostname(), pid=os.getpid(), namespace=self._namespace)

    def alive(self, pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # someone else's process: alive
            return True
        return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Killed, not yet waited for by its parent: it holds its pid but runs nothing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
