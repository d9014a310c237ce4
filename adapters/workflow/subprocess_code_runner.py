"""CodeRunner that starts one short-lived process per code node run.

What isolates the code (see adapters/workflow/isolation.py for the levels and how one is chosen):
- its own process: `python -I -S` (isolated mode: no PYTHON* variables, no user site, no site-packages, the
  script's folder not on sys.path) or `node`; nothing of weir is imported into it;
- an empty environment (only a minimal PATH and LANG): no SECRET_KEY, DB_*, OPENAI_* or any other setting;
- only the node's declared inputs, as JSON on stdin; the answer as JSON on stdout;
- limits of each process: RLIMIT_CPU (CPU seconds, then SIGXCPU/SIGKILL), RLIMIT_AS (address space; python
  only, node gets --max-old-space-size instead because V8 reserves far more address space than it uses),
  RLIMIT_FSIZE, RLIMIT_NOFILE, no core files;
- limits of the run as a whole (run_fence.RunFence): all its processes and threads together get
  CODE_MAX_PROCESSES tasks and CODE_MAX_MEMORY_MB of memory (a cgroup v2 per run where one is delegated,
  else a watcher of the run's process tree plus RLIMIT_NPROC); going over kills the whole run and fails the
  node with a message naming the limit;
- a wall-clock timeout after which everything of the run is killed (process group, process tree,
  namespace or cgroup: also what double-forked or left the session); the sandbox also dies with the runner's
  process (PR_SET_PDEATHSIG on `unshare`, whose namespace init dies with it); stdout and stderr are read up to
  a cap;
- with the `namespaces` level (root with unshare, as on weir's machines): no network of its own (a network
  namespace with only a loopback; the way out is weir's egress proxy, egress_proxy.py, reached through its
  socket bound into the root, unless CODE_EXECUTION_ENABLE_NETWORK=false), its own PID and IPC
  namespaces, uid nobody, and a root of its own holding only what the interpreter needs, read-only (no host
  folder such as /opt, /srv, /work, weir's checkout or its storage), a private /tmp as cwd. The packages'
  virtualenv (sandbox_env.py) is bound read-only at ENV_MOUNT, its site-packages on sys.path; extra
  read-only folders (readonly_paths) are bound at their own paths.
What does not isolate it: the kernel is shared (no seccomp filter), so a kernel exploit escapes; without
namespaces, world-readable files outside the hidden folders stay readable and the socket stub is best effort.
Concurrent runs all use uid nobody; with namespaces none can see another's processes, /tmp or network (their
RLIMIT_NPROC is shared, see run_fence.RunFence).

Without namespaces (levels `uid-only` and `none`) code nodes are refused with a message naming
CODE_ALLOW_WEAK_ISOLATION, unless the runner was built with allow_weak_isolation. The level is found once (in
a background thread when the process starts, with probe_at_start), logged, and shown by CodeSandboxProbe.
"""

import asyncio
import contextlib
import json
import logging
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from adapters.workflow.egress_proxy import SOCKET_NAME, EgressProxy
from adapters.workflow.isolation import DEFAULT_HIDDEN, MIN_PATH, NOBODY, Isolation, probe, with_mounts
from adapters.workflow.run_fence import RunFence, die_with_parent, usable_cgroup
from adapters.workflow.sandbox_env import SandboxEnvironment
from domain.shared.health import ProbeResult
from domain.workflows.sandbox import CodeExecutionFailed

log = logging.getLogger("weir.workflow.code")

HARNESS = Path(__file__).parent / "harness"
PYTHON_CANDIDATES = ("/usr/local/bin/python3", "/usr/bin/python3", os.path.realpath(sys.executable))
MB = 1024 * 1024
# The levels that put the code in its own network, mount and PID namespaces (adapters/workflow/isolation.py).
NAMESPACED = frozenset({"namespaces", "user-namespaces"})
WEAK_ISOLATION_SETTING = "CODE_ALLOW_WEAK_ISOLATION"
# How long a code node importing a package waits for the first start's install before it fails.
PACKAGES_WAIT_SECONDS = 600
# Where the sandbox's root shows the packages' virtualenv and the egress proxy's socket folder (fixed paths:
# the host paths under STORAGE_PATH and /tmp stay unnamed and unreachable).
ENV_MOUNT = "/opt/weir-packages"
EGRESS_MOUNT = "/run/weir-egress"
# The code's whole environment. Native math libraries (numpy's OpenBLAS, OpenMP) start one thread per CPU
# and reserve memory for each: on a many-core host that alone goes over the run's process and memory limits.
# RLIMIT_AS counts reserved address space, and glibc reserves 64 MB for the malloc arena of each thread that
# allocates (the harness's relay to the egress proxy is one): a single arena keeps a thread from costing that.
CODE_ENV = {
    "PATH": MIN_PATH, "LANG": "C.UTF-8", "HOME": "/tmp", "MPLCONFIGDIR": "/tmp/matplotlib",
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMEXPR_MAX_THREADS": "1",
    "MALLOC_ARENA_MAX": "1",
}  # fmt: skip


class SubprocessCodeRunner:
    def __init__(
        self,
        *,
        cpu_seconds: int = 10,
        memory_bytes: int = 256 * MB,
        wall_seconds: float = 15.0,
        max_output_bytes: int = 8 * MB,
        python: Sequence[str] = PYTHON_CANDIDATES,
        node: str | None = None,
        hidden_paths: Sequence[str] = DEFAULT_HIDDEN,
        readonly_paths: Sequence[str] = (),
        max_processes: int = 32,
        cgroup_path: str | None = None,
        allow_weak_isolation: bool = False,
        probe_at_start: bool = False,
        environment: SandboxEnvironment | None = None,
        egress: EgressProxy | None = None,
    ) -> None:
        """readonly_paths: host folders the code may read besides the interpreter's own (bound read-only at
        their own paths at the namespace levels), such as a virtualenv of allowed packages under STORAGE_PATH.
        cgroup_path: a delegated cgroup v2 folder for per-run cgroups (CODE_CGROUP_PATH); None: this process's
        own cgroup if it allows that, else the process-tree watcher.
        environment: the packages python code may import (built in the background once the level is probed;
        until it is ready code runs with the standard library only). egress: the proxy that is the code's only
        network (namespace levels only); None: no network at all."""
        self._environment, self._egress = environment, egress
        self._cpu, self._memory, self._wall = cpu_seconds, memory_bytes, wall_seconds
        self._max_processes, self._cgroup_path = max_processes, cgroup_path
        self._readonly = tuple(readonly_paths)
        self._max_output = max_output_bytes
        self._python_candidates = tuple(python)
        self._node = node or shutil.which("node")
        self._hidden = tuple(hidden_paths)
        self._allow_weak = allow_weak_isolation
        self._python_harness = (HARNESS / "python_main.py").read_text()
        self._node_harness = (HARNESS / "node_main.js").read_text()
        self._level: tuple[Isolation, str] | None = None
        self._level_lock = threading.Lock()
        if probe_at_start:  # probing runs a few processes: off the caller's thread, so startup does not wait
            threading.Thread(target=self._probe_now, name="code-sandbox-probe", daemon=True).start()

    def _probe_now(self) -> None:
        try:
            self._python_level()  # node is probed when javascript is first asked for
        except FileNotFoundError as error:
            log.warning("code nodes cannot run: %s", error)

    def _python_level(self) -> tuple[Isolation, str]:
        """The level python code runs with here (probed once, then logged once), and its interpreter."""
        with self._level_lock:
            if self._level is None:
                self._level = probe(self._python_candidates, self._hidden, self._readonly)
                self._announce(self._level[0].name)
                if self._environment is not None:  # for the interpreter the sandbox runs (its version matters);
                    self._environment.start(self._level[1])  # under the lock: no run sees the level before it
                log.debug("code runs are limited as a whole by %s", self.run_limits)  # /health shows it too
            return self._level

    def _announce(self, level: str) -> None:
        if level in NAMESPACED:
            log.info("code nodes run with isolation level %s", level)
        elif self._allow_weak:
            log.warning(
                "code nodes run with weak isolation level %s (no Linux namespaces here; allowed by %s)",
                level,
                WEAK_ISOLATION_SETTING,
            )
        else:
            log.warning("code nodes are refused: %s", self._refusal_message(level))

    def _refusal_message(self, level: str) -> str:
        return (
            f"Code nodes are refused: this machine offers only the '{level}' isolation level (no Linux "
            "namespaces, so the code could reach the network and files readable by all). "
            f"Set {WEAK_ISOLATION_SETTING}=true to run them with it anyway."
        )

    def refusal(self) -> str | None:
        """Why code nodes are refused here, or None when they run. Blocks while the level is probed."""
        level = self._python_level()[0].name
        return None if level in NAMESPACED or self._allow_weak else self._refusal_message(level)

    @cached_property
    def _javascript(self) -> tuple[Isolation, str] | None:
        if not self._node:
            return None
        isolation, node = probe([self._node], self._hidden, self._readonly)
        return (isolation, node) if isolation.network_isolated else None  # no socket stub exists for node

    @cached_property
    def _cgroup_parent(self) -> Path | None:
        return usable_cgroup(self._cgroup_path)

    @property
    def run_limits(self) -> str:
        """How a run's processes are held to one budget: "cgroup" (v2, one per run) or "process-tree"."""
        return "cgroup" if self._cgroup_parent else "process-tree"

    @property
    def environment(self) -> SandboxEnvironment | None:
        return self._environment

    @property
    def isolation(self) -> str:
        """The level's name (adapters/workflow/isolation.py). Blocks while the level is probed."""
        return self._python_level()[0].name

    def languages(self) -> frozenset[str]:
        return frozenset({"python3", *(["javascript"] if self._javascript else [])})

    async def run(self, language: str, code: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return await self._run_once(language, code, inputs)
        except CodeExecutionFailed as failure:
            environment = self._environment
            if environment is None or environment.state != "building" or not _missing_module(failure):
                raise
        # The code imports a package that the first start is still installing (a few seconds to minutes): the
        # node waits for it and runs again instead of failing a run that would succeed moments later. An
        # import error happens before the code does anything, so the second run starts from the same state.
        log.info("code node waits for the sandbox's packages to be installed")
        await asyncio.to_thread(environment.wait, PACKAGES_WAIT_SECONDS)
        return await self._run_once(language, code, inputs)

    async def _run_once(self, language: str, code: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        try:
            isolation, interpreter = await asyncio.to_thread(self._python_level)
        except FileNotFoundError as error:
            raise CodeExecutionFailed(f"No interpreter for code nodes: {error}") from None
        if isolation.name not in NAMESPACED and not self._allow_weak:
            raise CodeExecutionFailed(self._refusal_message(isolation.name))
        request: dict[str, Any] = {"code": code, "inputs": dict(inputs)}
        if language == "python3":
            command = [interpreter, "-I", "-S", "-c", self._python_harness]
            memory: int | None = self._memory
            isolation = await asyncio.to_thread(self._with_packages_and_network, isolation, interpreter, request)
        elif language == "javascript" and await asyncio.to_thread(lambda: self._javascript):
            isolation, interpreter = self._javascript  # type: ignore[misc]
            command = [interpreter, f"--max-old-space-size={self._memory // MB}", "-e", self._node_harness]
            memory = None
        else:
            raise CodeExecutionFailed(f"Unsupported code language: {language}")
        request["block_sockets"] = not isolation.network_isolated
        payload = json.dumps(request, ensure_ascii=False, default=str).encode()
        with tempfile.TemporaryDirectory(prefix="weir-code-") as workdir:
            if not isolation.own_tmp and os.geteuid() == 0:
                os.chown(workdir, NOBODY, NOBODY)
            # With its own /tmp the namespace cds there itself; the host folder stays unused and unnamed.
            cwd = "/" if isolation.own_tmp else workdir
            answer = await self._execute([*isolation.prefix, *command], payload, cwd, memory, isolation)
        if answer.get("limit") == "cpu":
            raise CodeExecutionFailed(self._cpu_message())
        if answer.get("limit") == "processes":  # a fork refused by RLIMIT_NPROC or pids.max
            raise CodeExecutionFailed(f"{self._limit_message('processes')}: {answer.get('error')}")
        if "error" in answer:
            error = str(answer["error"])
            pending = self._environment.pending() if self._environment else None
            if pending and error.startswith(("ModuleNotFoundError", "ImportError")):
                error += f" ({pending})"
            raise CodeExecutionFailed(error)
        if not isinstance(answer.get("result"), dict):
            raise CodeExecutionFailed("The code returned no result")
        return answer["result"]

    def _with_packages_and_network(self, isolation: Isolation, interpreter: str, request: dict[str, Any]) -> Isolation:
        """The level for this run with the packages' environment (once ready) and the egress proxy's socket
        bound into its root, and the harness told where they are."""
        mounts: dict[str, str] = {}
        env = self._environment
        site = env.site_packages() if env is not None else None
        if env is not None and env.path is not None and site:
            if isolation.own_tmp:
                mounts[ENV_MOUNT] = str(env.path)
                request["site_packages"] = [f"{ENV_MOUNT}/{site}"]
            else:  # weak levels: no root of their own, the host path is what the code sees
                request["site_packages"] = [str(env.path / site)]
        loopback = False
        if self._egress is not None and isolation.network_isolated:
            try:
                mounts[EGRESS_MOUNT] = self._egress.folder()
                request["proxy_socket"] = f"{EGRESS_MOUNT}/{SOCKET_NAME}"
                loopback = True
            except RuntimeError as error:  # the code still runs, without network, rather than not at all
                log.warning("code nodes run without network: %s", error)
        return with_mounts(isolation, interpreter, self._hidden, self._readonly, mounts, loopback)

    def _limits(self, memory: int | None, fence: RunFence, parent: int) -> None:
        """Runs in the child between fork and exec: limits inherited by everything it starts."""
        die_with_parent(parent)
        resource.setrlimit(resource.RLIMIT_CPU, (self._cpu, self._cpu + 1))
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * MB, 16 * MB))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        fence.preexec()

    async def _execute(
        self, command: list[str], payload: bytes, workdir: str, memory: int | None, isolation: Isolation
    ) -> dict:
        fence = RunFence(self._max_processes, self._memory, isolation, self._cgroup_parent)
        await asyncio.to_thread(fence.prepare)  # reads /proc or writes a cgroup: off the event loop
        started, parent = time.monotonic(), os.getpid()
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=CODE_ENV,
                cwd=workdir,
                start_new_session=True,
                preexec_fn=lambda: self._limits(memory, fence, parent),
            )
        except BaseException:
            fence.close()
            raise
        fence.watch(process.pid)
        out = err = None
        try:
            out, err = await asyncio.wait_for(self._talk(process, payload), self._wall)
        except TimeoutError:
            pass
        finally:
            fence.kill()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:  # weak levels only: a process that escaped the tree still holds a pipe
                log.warning("a code run left a process behind that holds its output open")
            await asyncio.to_thread(fence.close)
        if fence.verdict:
            raise CodeExecutionFailed(self._limit_message(fence.verdict))
        if out is None:
            raise CodeExecutionFailed(f"Code execution timed out after {self._wall:g} s (wall clock)")
        try:
            return json.loads(out)
        except ValueError:
            return self._death(process.returncode, err or b"", time.monotonic() - started)

    async def _talk(self, process: asyncio.subprocess.Process, payload: bytes) -> tuple[bytes, bytes]:
        assert process.stdin and process.stdout and process.stderr
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.write(payload)
            await process.stdin.drain()
            process.stdin.close()
        out, err = await asyncio.gather(
            self._read(process.stdout, self._max_output), self._read(process.stderr, 64 * 1024)
        )
        await process.wait()
        return out, err

    @staticmethod
    async def _read(stream: asyncio.StreamReader, cap: int) -> bytes:
        data = bytearray()
        while chunk := await stream.read(65536):
            if len(data) + len(chunk) > cap:
                raise CodeExecutionFailed(f"The code wrote more than {cap // 1024} KiB of output")
            data += chunk
        return bytes(data)

    def _limit_message(self, verdict: str) -> str:
        if verdict == "memory":
            return (
                f"Code execution was stopped: memory limit of {self._memory // MB} MB exceeded "
                "(all processes of the run together)"
            )
        return (
            f"Code execution was stopped: process limit of {self._max_processes} exceeded "
            "(processes and threads of the run together)"
        )

    def _cpu_message(self) -> str:
        return f"Code execution was stopped: CPU time limit of {self._cpu} s exceeded"

    def _death(self, code: int | None, stderr: bytes, elapsed: float) -> dict[str, Any]:
        """No answer: the process died. A signal (SIGKILL at the hard CPU limit; unshare reports its child's
        signal as a failed re-raise) after about the CPU budget means the CPU limit."""
        killed = code is not None and (code < 0 or code >= 128 or b"sigprocmask" in stderr)
        if killed and elapsed >= self._cpu * 0.9:
            return {"error": self._cpu_message()}
        if killed:
            return {"error": "Code execution was killed by a signal (a memory or process limit)"}
        tail = stderr.decode(errors="replace").strip().splitlines()[-5:]
        return {"error": "Code execution failed: " + (" | ".join(tail) or f"exit status {code}")}


class CodeSandboxProbe:
    """/health's code_sandbox: the isolation level code nodes get on this machine, and whether they run."""

    def __init__(self, runner: SubprocessCodeRunner) -> None:
        self._runner = runner

    async def check(self) -> ProbeResult:
        try:
            level, refusal, languages, limits = await asyncio.to_thread(
                lambda: (
                    self._runner.isolation,
                    self._runner.refusal(),
                    self._runner.languages(),
                    self._runner.run_limits,
                )
            )
        except Exception as exc:  # a probe reports, it never raises
            return ProbeResult("code_sandbox", False, {"error": repr(exc)})
        detail = {"isolation": level, "languages": ",".join(sorted(languages)), "limits": limits}
        environment = self._runner.environment
        if environment is not None:
            detail["packages"] = environment.state
        if refusal:
            return ProbeResult("code_sandbox", False, {**detail, "error": refusal})
        return ProbeResult("code_sandbox", True, detail)


def _missing_module(failure: CodeExecutionFailed) -> bool:
    return str(failure).startswith(("ModuleNotFoundError", "ImportError"))
