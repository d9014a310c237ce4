"""The packages code nodes may import: a virtualenv built from CODE_EXECUTION_PYTHON_REQUIREMENTS.

Dify's sandbox ships a configured set of packages (its python-requirements.txt); weir installs the same kind
of list into a virtualenv of its own, never weir's: STORAGE_PATH/sandbox-env/<key>, where the key is a hash
of the requirements file's text and of the sandbox interpreter (its real path and version), so a changed
file or interpreter builds a new environment and an unchanged one is reused by every later start.

The build runs in a background thread (the API serves meanwhile): into a temporary folder next to the final
one, renamed into place only when the install succeeded, so a crash mid-build leaves a `.build-*` folder
that the next build removes, never a half environment that looks ready. A file lock serialises builds of
the API and its workers sharing one STORAGE_PATH: the second one finds the first one's result. uv (WEIR_UV,
UV, `uv` on PATH, or `python -m uv`) builds it; without uv, `python -m venv` and pip.

While it builds, code runs with the standard library only: the runner says so when an import fails
(`pending()`), rather than holding a code node for minutes.
"""

import contextlib
import fcntl
import glob
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger("weir.workflow.code")

DEFAULT_REQUIREMENTS = Path(__file__).parent / "sandbox-requirements.txt"
BUILD_TIMEOUT = 1800  # seconds: a cold cache downloading numpy, pandas and friends on a slow link


def find_uv() -> list[str] | None:
    """The uv the bootstrap found (WEIR_UV, UV), one on PATH, or the `uv` module of this interpreter, of the
    one weir's virtualenv was made from, or of python3 on PATH (where `python3 -m uv` bootstraps weir)."""
    for candidate in (os.environ.get("WEIR_UV"), os.environ.get("UV"), shutil.which("uv")):
        if candidate and os.access(candidate, os.X_OK):
            return [candidate]
    base = getattr(sys, "_base_executable", None)
    for python in dict.fromkeys(p for p in (sys.executable, base, shutil.which("python3")) if p):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run([python, "-m", "uv", "--version"], capture_output=True, timeout=30, check=True)
            return [python, "-m", "uv"]
    return None


def _version(interpreter: str) -> str:
    done = subprocess.run(
        [interpreter, "-I", "-S", "-c", "import sys; print(sys.version)"],
        capture_output=True, timeout=30, check=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


class SandboxEnvironment:
    """state: "idle" (not started), "building", "ready" or "failed"; site_packages() once ready."""

    def __init__(self, requirements: str | Path, root: str | Path) -> None:
        self.requirements = Path(requirements)
        self.root = Path(root)
        self.state = "idle"
        self.error: str | None = None
        self.path: Path | None = None  # the ready environment
        self.seconds: float | None = None  # how long the build took (None: reused or not done)
        self._started: float | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()

    def start(self, interpreter: str) -> None:
        """Finds the environment for the sandbox interpreter, or builds it in a background thread; once.
        Finding is done here, on the caller's thread (a few ms), so a process started after the build (a
        later start, a worker) has the packages from its first code run on."""
        with self._lock:
            if self.state != "idle":
                return
            self.state, self._started = "building", time.monotonic()
            try:
                final = self.root / self.key(interpreter)
            except (OSError, subprocess.SubprocessError) as error:  # no requirements file, a broken interpreter
                self._fail(error)
                return
            if final.is_dir():
                log.info("code nodes: the sandbox's packages are ready (%s)", final)
                self.path, self.state = final, "ready"
                self._done.set()
                return
        threading.Thread(target=self._run, args=(interpreter,), name="code-sandbox-env", daemon=True).start()

    def _fail(self, error: BaseException) -> None:
        self.error = str(error)[-500:] or type(error).__name__
        self.state = "failed"
        log.error("code nodes: the sandbox's packages could not be installed: %s", self.error)
        self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def pending(self) -> str | None:
        """A sentence saying the packages are not there yet (building or failed), None once ready."""
        if self.state == "ready":
            return None
        if self.state == "building":
            since = time.monotonic() - (self._started or time.monotonic())
            return (
                f"the sandbox's packages ({self.requirements.name}) are still being installed "
                f"(started {since:.0f} s ago); code runs with the standard library only until then"
            )
        if self.state == "failed":
            return (
                f"the sandbox's packages could not be installed ({self.error}); "
                "code runs with the standard library only"
            )
        return "the sandbox's packages are not installed yet"

    def site_packages(self) -> str | None:
        """The ready environment's site-packages folder (relative to the environment), or None."""
        if self.path is None:
            return None
        found = sorted(glob.glob(str(self.path / "lib" / "python*" / "site-packages")))
        return os.path.relpath(found[0], self.path) if found else None

    def key(self, interpreter: str) -> str:
        digest = hashlib.sha256()
        digest.update(self.requirements.read_bytes())
        digest.update(b"\0" + os.path.realpath(interpreter).encode() + b"\0" + _version(interpreter).encode())
        return digest.hexdigest()[:16]

    def _run(self, interpreter: str) -> None:
        try:
            self.path = self._ensure(interpreter)
            self.state = "ready"
            self._done.set()
        except Exception as error:  # a failed build leaves code nodes on the stdlib; it never stops weir
            self._fail(error)

    def _ensure(self, interpreter: str) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        final = self.root / self.key(interpreter)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process's build of the same key: wait, then reuse it
            if final.is_dir():
                return final
            for stale in self.root.glob(".build-*"):  # left by a crash: nothing may build while we hold the lock
                shutil.rmtree(stale, ignore_errors=True)
            building = self.root / f".build-{final.name}-{os.getpid()}"
            log.info(
                "code nodes: installing the sandbox's packages from %s into %s (first start with this list; "
                "code runs with the standard library only until it is done)", self.requirements, final,
            )  # fmt: skip
            started = time.monotonic()
            try:
                self._build(interpreter, building)
                os.rename(building, final)  # atomic: `final` exists only complete
            except BaseException:
                shutil.rmtree(building, ignore_errors=True)
                raise
            self.seconds = time.monotonic() - started
            log.info("code nodes: the sandbox's packages are installed (%.1f s): %s", self.seconds, final)
            for old in self.root.iterdir():  # environments of earlier lists: a run still using one keeps its mount
                if old.is_dir() and old != final and not old.name.startswith("."):
                    shutil.rmtree(old, ignore_errors=True)
        return final

    def _build(self, interpreter: str, target: Path) -> None:
        uv = find_uv()
        log.info("code nodes: the sandbox's packages install with %s", " ".join(uv) if uv else "venv and pip")
        env = {**os.environ, "VIRTUAL_ENV": str(target)}
        env.pop("PYTHONPATH", None)
        if uv:
            steps = [
                [*uv, "venv", "--quiet", "--python", interpreter, str(target)],
                [*uv, "pip", "install", "--quiet", "--python", str(target / "bin" / "python"),
                 "-r", str(self.requirements)],
            ]  # fmt: skip
        else:
            steps = [
                [interpreter, "-m", "venv", str(target)],
                [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", str(self.requirements)],
            ]
        for step in steps:
            done = subprocess.run(step, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(step[:3])} failed: {(done.stderr or done.stdout).strip()[-400:]}")
        # The sandbox reads it as uid nobody: readable by all whatever the umask of this process was.
        for folder, dirs, files in os.walk(target):
            for name in [*dirs, *files]:
                path = os.path.join(folder, name)
                if not os.path.islink(path):
                    mode = os.stat(path).st_mode
                    os.chmod(path, mode | 0o444 | (0o111 if mode & 0o111 or name in dirs else 0))
        os.chmod(target, 0o755)
