"""How a code node's process is fenced off, found by probing what this machine allows.

Strongest first (each level is tried with a real run of the interpreter, once, and the first that works is
kept):
1. `namespaces` (as root): `unshare --net --pid --fork --kill-child --mount --mount-proc --ipc`, then inside
   the new mount namespace a fresh tmpfs on /tmp (the working directory) and /dev/shm, an empty tmpfs over
   each hidden path (weir's project folder, its storage, /root, /home), then `setpriv` to uid/gid 65534
   (nobody) with no supplementary groups and no_new_privs. The code has no network at all (a new network
   namespace has only a down loopback), sees only its own processes, cannot read weir's files even by
   absolute path, and dies with its namespace when the runner kills it.
2. `user-namespaces` (not root, unprivileged user namespaces allowed): the same namespaces, mapped to the
   calling user; no uid change.
3. `uid-only` (root without unshare): setpriv to nobody; a fresh temporary cwd; sockets are replaced by a
   refusing stub in the interpreter (best effort: native code such as ctypes could bypass it).
4. `none`: the temporary cwd, the empty environment and the socket stub only.
Code nodes refuse levels 3 and 4 unless CODE_ALLOW_WEAK_ISOLATION allows them (subprocess_code_runner.py).
"""

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

NOBODY = 65534
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_HIDDEN = (str(PROJECT_ROOT), "/root", "/home")
MIN_PATH = "/usr/local/bin:/usr/bin:/bin"

# Runs as root inside the new mount namespace; "$@" is: hidden paths…, "--", the command.
_MOUNT_SCRIPT = (
    'set -e; while [ "$1" != "--" ]; do mount -t tmpfs -o size=4k,mode=000 tmpfs "$1"; shift; done; shift; '
    "mount -t tmpfs -o size=16m,mode=1777 tmpfs /tmp; mount -t tmpfs -o size=1m,mode=1777 tmpfs /dev/shm; "
    'cd /tmp; exec "$@"'
)
_NAMESPACES = ["--net", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--ipc"]
_DROP = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--no-new-privs", "--"]


@dataclass(frozen=True)
class Isolation:
    name: str
    prefix: tuple[str, ...]
    network_isolated: bool  # False: the interpreter must block sockets itself
    own_tmp: bool  # True: the namespace mounts a private /tmp and cds into it


def _hidden(paths: Sequence[str], interpreter: str) -> list[str]:
    """Existing directories to cover, never one holding the interpreter itself."""
    real = os.path.realpath(interpreter)
    return [
        p
        for p in dict.fromkeys(os.path.realpath(p) for p in paths)
        if os.path.isdir(p) and not real.startswith(p.rstrip("/") + "/")
    ]


def candidates(interpreter: str, hidden: Sequence[str]) -> list[Isolation]:
    have_unshare, have_setpriv = shutil.which("unshare"), shutil.which("setpriv")
    levels = []
    if os.geteuid() == 0 and have_unshare and have_setpriv:
        mount = ["sh", "-c", _MOUNT_SCRIPT, "sh", *_hidden(hidden, interpreter), "--"]
        levels.append(Isolation("namespaces", ("unshare", *_NAMESPACES, "--", *mount, *_DROP), True, True))
    if os.geteuid() != 0 and have_unshare:
        mount = ["sh", "-c", _MOUNT_SCRIPT, "sh", *_hidden(hidden, interpreter), "--"]
        levels.append(
            Isolation("user-namespaces", ("unshare", "--map-root-user", *_NAMESPACES, "--", *mount), True, True)
        )
    if os.geteuid() == 0 and have_setpriv:
        levels.append(Isolation("uid-only", tuple(_DROP), False, False))
    levels.append(Isolation("none", (), False, False))
    return levels


def probe(interpreters: Sequence[str], hidden: Sequence[str]) -> tuple[Isolation, str]:
    """The strongest level, and an interpreter that actually starts under it here (the service's own
    interpreter may live in a folder the sandbox user cannot read, a system one then serves)."""
    found = [path for path in dict.fromkeys(interpreters) if path and os.access(path, os.X_OK)]
    if not found:
        raise FileNotFoundError(f"no interpreter among {list(interpreters)}")
    for name in ("namespaces", "user-namespaces", "uid-only", "none"):
        for interpreter in found:
            level = next((c for c in candidates(interpreter, hidden) if c.name == name), None)
            if level is not None and _starts(level, interpreter):
                return level, interpreter
    return Isolation("none", (), False, False), found[0]


def _starts(level: Isolation, interpreter: str) -> bool:
    check = ["-I", "-S", "-c", "pass"] if "python" in os.path.basename(interpreter) else ["-e", ""]
    try:
        done = subprocess.run(
            [*level.prefix, interpreter, *check],
            env={"PATH": MIN_PATH},
            cwd="/",
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
