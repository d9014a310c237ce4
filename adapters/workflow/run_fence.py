"""What holds a code node's run to its limits and makes it die with weir.

Dying with the runner: at the namespace levels the namespace's first process is a root `sh` that stays
its init (it runs the code as a child instead of exec'ing it) and gets SIGKILL when `unshare` dies
(--kill-child); the runner gives `unshare` itself PR_SET_PDEATHSIG, so a killed API takes `unshare`, then
the init, then every process of the namespace with it (the kernel kills a PID namespace with its init, also
what double-forked or called setsid). At `uid-only`, `setpriv --pdeathsig keep` keeps the signal across its
uid change (the kernel clears it on credential changes); there, the code's own children are not covered.

Limits of a run as a whole (RunFence): every process and thread the code starts counts against one budget
of tasks (CODE_MAX_PROCESSES) and one of memory (CODE_MAX_MEMORY_MB; RLIMIT_AS still caps each process).
With a usable cgroup v2 (memory and pids enabled in a writable cgroup's cgroup.subtree_control: the
process's own, or CODE_CGROUP_PATH) each run gets a child cgroup with memory.max, pids.max and swap off,
killed as a whole (cgroup.kill) at the end. Otherwise a watcher thread walks the run's process tree in /proc
every 10 ms, sums its tasks and resident memory, and kills the whole tree when either goes over;
RLIMIT_NPROC (counted by the kernel per uid, and every run uses uid nobody) is set per run to the sandbox
uid's current task count plus the run's budget plus one, a ceiling that stops a fork bomb between two polls
(concurrent runs share that uid's count, so one run's bomb can briefly eat into another's headroom).
"""

import contextlib
import ctypes
import errno
import logging
import os
import resource
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from adapters.workflow.isolation import Isolation

log = logging.getLogger("weir.workflow.code")


# --- Dying with the parent -------------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1
try:  # loaded in the parent: the child only calls it between fork and exec
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not glibc/musl on Linux: the runner still kills the group at the deadline
    _prctl = None


def die_with_parent(parent: int) -> None:
    """In a child between fork and exec: SIGKILL when the parent (thread) dies. If the parent died before
    this ran, the child is already an orphan and goes at once."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


# --- Limits of a run as a whole --------------------------------------------------------------------------


def own_cgroup() -> Path | None:
    """This process's cgroup v2 folder, if the unified hierarchy is mounted (also on hybrid systems)."""
    try:
        relative = next(
            line.split(":", 2)[2].strip()
            for line in Path("/proc/self/cgroup").read_text().splitlines()
            if line.startswith("0::")
        )
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            fields, _, rest = line.partition(" - ")
            if rest.split()[0] == "cgroup2":
                root, mountpoint = fields.split()[3:5]
                inside = os.path.relpath(relative, root) if relative.startswith(root) else None
                if inside is not None:
                    return Path(mountpoint) / inside
    except (OSError, StopIteration, IndexError):
        pass
    return None


def usable_cgroup(configured: str | None) -> Path | None:
    """A cgroup v2 folder where each run can get a child with memory and pids limits: CODE_CGROUP_PATH when
    set, else this process's own cgroup. It must be writable and list memory and pids in its
    cgroup.subtree_control (a cgroup that holds processes itself cannot, except the root: the deployment
    delegates one, such as systemd's Delegate=yes with the service's processes moved to a leaf)."""
    candidate = Path(configured) if configured else own_cgroup()
    if candidate is None:
        return None
    try:
        enabled = set((candidate / "cgroup.subtree_control").read_text().split())
    except OSError:
        enabled = set()
    if {"memory", "pids"} <= enabled and os.access(candidate, os.W_OK):
        return candidate
    if configured:
        log.warning("CODE_CGROUP_PATH=%s is not a writable cgroup v2 with memory and pids delegated", configured)
    return None


def tasks_of(uid: int) -> int:
    """Processes and threads of a uid, as RLIMIT_NPROC counts them."""
    total = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{name}").st_uid == uid:
                    total += len(os.listdir(f"/proc/{name}/task"))
    return total


PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, threads, start time, resident bytes) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = text[text.rfind(")") + 2 :].split()
    return rest[0], int(rest[17]), int(rest[19]), int(rest[21]) * PAGE


def _children(pid: int, threads: int) -> list[int]:
    tids = [pid] if threads == 1 else [int(t) for t in _listdir(f"/proc/{pid}/task")]
    found = []
    for tid in tids:
        with contextlib.suppress(OSError):
            found += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
    return found


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


@dataclass
class RunFence:
    """Holds one run's processes to its budgets and kills all of them at the end (see the module docstring).

    Used as: prepare() before the spawn, preexec() in the child, watch(pid) after it, kill() and close() at
    the end; verdict says which budget stopped the run ("memory", "processes") or None."""

    max_tasks: int
    memory_bytes: int
    isolation: Isolation
    cgroup_parent: Path | None = None
    interval: float = 0.01
    verdict: str | None = None
    peak_memory: int = 0
    peak_tasks: int = 0
    _cgroup: Path | None = None
    _procs_fd: int | None = None
    _nproc: int | None = None
    _top: int | None = None
    _known: dict[int, int] = field(default_factory=dict)  # pid -> start time, for every process seen
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def prepare(self) -> None:
        if self.cgroup_parent is not None:
            try:
                self._cgroup = self._make_cgroup(self.cgroup_parent)
                return
            except OSError as error:
                log.warning("code nodes: no cgroup for this run (%s); the process-tree watcher limits it", error)
                self._cgroup = None
        uid = self.isolation.uid
        if uid is not None and uid != 0:  # root is never held to RLIMIT_NPROC
            # One more than the budget: the watcher sees the run go over and stops it with a clear message;
            # beyond that the kernel refuses forks, even between two polls. Other runs' tasks (same uid) at
            # this moment are in the base; ones started later eat into this run's headroom.
            self._nproc = tasks_of(uid) + self.max_tasks + 1

    def _make_cgroup(self, parent: Path) -> Path:
        path = parent / f"weir-code-{uuid.uuid4().hex[:12]}"
        path.mkdir()
        try:
            (path / "memory.max").write_text(str(self.memory_bytes))
            (path / "pids.max").write_text(str(self.max_tasks + self.isolation.wrappers))
            for name, value in (("memory.swap.max", "0"), ("memory.oom.group", "1")):
                if (path / name).exists():  # no swap, and an OOM kills the whole run, not one process of it
                    (path / name).write_text(value)
            self._procs_fd = os.open(path / "cgroup.procs", os.O_WRONLY)
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
            raise
        return path

    def preexec(self) -> None:
        """In the child between fork and exec: joins the run's cgroup, or sets its RLIMIT_NPROC."""
        if self._procs_fd is not None:
            os.write(self._procs_fd, b"0")  # "0": the writing process itself
        if self._nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (self._nproc, self._nproc))

    def watch(self, pid: int) -> None:
        self._top = pid
        stat = _stat(pid)  # its start time now, while it cannot have been reaped (and its pid reused) yet
        if stat is not None:
            self._known[pid] = stat[2]
        if self._procs_fd is not None:
            os.close(self._procs_fd)
            self._procs_fd = None
        self._thread = threading.Thread(target=self._watch, name="code-run-fence", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                tree = self._tree()
            tasks = sum(t for _, t, _ in tree.values()) - self.isolation.wrappers
            memory = sum(r for _, _, r in tree.values())
            self.peak_tasks, self.peak_memory = max(self.peak_tasks, tasks), max(self.peak_memory, memory)
            verdict = self._cgroup_verdict() if self._cgroup else None
            if verdict is None and self._cgroup is None:
                verdict = "processes" if tasks > self.max_tasks else "memory" if memory > self.memory_bytes else None
            if verdict:
                self.verdict = verdict
                self.kill()
                return
            if self._top not in tree:  # the run's first process ended: nothing of it may stay behind (and
                self.kill()  # what stays would hold the output pipes open until the deadline)
                return

    def _cgroup_verdict(self) -> str | None:
        assert self._cgroup is not None
        if _event(self._cgroup / "pids.events", "max"):
            return "processes"
        events = self._cgroup / "memory.events"
        if _event(events, "oom_kill") or _event(events, "oom_group_kill"):
            return "memory"
        return None

    def _tree(self) -> dict[int, tuple[int, int, int]]:
        """pid -> (start time, threads, resident bytes) of the run's live processes: the first one, and every
        process ever seen under it (an orphan stays counted, and killed, once reparented away)."""
        todo = list(self._known)
        tree: dict[int, tuple[int, int, int]] = {}
        while todo:
            pid = todo.pop()
            if pid in tree:
                continue
            stat = _stat(pid)
            if stat is None or stat[0] in "ZX" or self._known.setdefault(pid, stat[2]) != stat[2]:
                continue  # gone, a zombie, or its pid now belongs to another process
            tree[pid] = stat[2], stat[1], stat[3]
            todo += _children(pid, stat[1])
        return tree

    def kill(self) -> None:
        """SIGKILL to everything of the run: the cgroup when there is one, and the process tree (stopped
        first, so nothing forks while the tree is read). At the namespace levels the namespace's init
        dies with it, and the kernel kills whatever the code double-forked or moved to another session."""
        with self._lock:
            if self._cgroup is not None:
                with contextlib.suppress(OSError):
                    (self._cgroup / "cgroup.kill").write_text("1")
            if self._top is not None:
                with contextlib.suppress(OSError):
                    os.killpg(self._top, signal.SIGKILL)
            stopped: set[int] = set()
            for _ in range(100):
                fresh = set(self._tree()) - stopped
                if not fresh:
                    break
                for pid in fresh:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGSTOP)
                stopped |= fresh
            for pid in stopped:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            if self._cgroup is not None and not (self._cgroup / "cgroup.kill").exists():
                for pid in _read_ints(self._cgroup / "cgroup.procs"):  # kernels before 5.14
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        """Stops the watcher and removes the run's cgroup (once its last process is gone)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        if self._procs_fd is not None:
            os.close(self._procs_fd)
            self._procs_fd = None
        if self._cgroup is not None:
            if self.verdict is None:
                self.verdict = self._cgroup_verdict()
            self._remove_cgroup(self._cgroup)

    def _remove_cgroup(self, path: Path) -> None:
        for _ in range(500):  # the kernel needs a moment to reap what cgroup.kill killed
            try:
                path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError as error:
                if error.errno != errno.EBUSY:  # EBUSY: processes still in it; anything else will not pass
                    log.warning("code nodes: the cgroup %s cannot be removed: %s", path, error)
                    return
                time.sleep(0.01)
        log.warning("code nodes: the cgroup %s stays behind (processes still in it)", path)


def _event(path: Path, key: str) -> int:
    """A counter of a cgroup's *.events file, 0 when absent."""
    with contextlib.suppress(OSError, ValueError):
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    return 0


def _read_ints(path: Path) -> list[int]:
    with contextlib.suppress(OSError, ValueError):
        return [int(x) for x in path.read_text().split()]
    return []
