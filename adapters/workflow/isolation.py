"""How a code node's process is fenced off, found by probing what this machine allows.

Strongest first (each level is tried with a real run of the interpreter, once, and the first that works is
kept):
1. `namespaces` (as root): `unshare --net --pid --fork --kill-child --mount --ipc`, then inside the new mount
   namespace a new root built allow-list style (`sandbox_root`): an empty tmpfs holding read-only bind mounts
   of only what the interpreter needs (its executable, its standard library or whole private install, the
   shared libraries under /usr/lib and /lib, /etc/ld.so.cache and /etc/localtime, a few /dev nodes), a fresh
   /proc of the new PID namespace and a private /tmp (the working directory); the interpreter's own
   site-/dist-packages folders and any hidden path (weir's project folder, its storage, /root, /home) that
   lies inside a bound folder are covered by empty mounts. `unshare --root` enters it and `setpriv` drops to
   uid/gid 65534 (nobody) with no supplementary groups and no_new_privs. The code has no network of its own
   (a new network namespace has only a loopback, brought up only for the relay to weir's egress proxy,
   whose socket folder is one of `sandbox_root`'s mounts), sees only its own processes and no host folder
   beyond the interpreter's and those mounts (no /opt, /srv, /work, other checkouts, /home…), and dies
   with its namespace.
2. `user-namespaces` (not root, unprivileged user namespaces allowed): the same namespaces and root, mapped
   to the calling user; no uid change.
3. `uid-only` (root without unshare): setpriv to nobody; a fresh temporary cwd; sockets are replaced by a
   refusing stub in the interpreter (best effort: native code such as ctypes could bypass it).
4. `none`: the temporary cwd, the empty environment and the socket stub only.
Code nodes refuse levels 3 and 4 unless CODE_ALLOW_WEAK_ISOLATION allows them (subprocess_code_runner.py).
Dying with the runner and the limits of a run as a whole: run_fence.py.
"""

import functools
import json
import logging
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("weir.workflow.code")

NOBODY = 65534
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_HIDDEN = (str(PROJECT_ROOT), "/root", "/home")
MIN_PATH = "/usr/local/bin:/usr/bin:/bin"

# What every dynamically linked interpreter may open besides its own install: the loader and shared
# libraries, the loader's cache, the local time zone (datetime, time.localtime) and the zone database
# (zoneinfo). Bound read-only at their own paths when they exist here; symlinks (/lib -> usr/lib on
# merged-/usr systems) are bound as their target.
SYSTEM_PATHS = (
    "/usr/lib", "/usr/lib64", "/usr/lib32", "/lib", "/lib64", "/lib32",
    "/etc/ld.so.cache", "/etc/localtime", "/usr/share/zoneinfo",
)  # fmt: skip
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
# Prefixes shared by many programs: an interpreter installed there gets only its own files, never all of it.
SHARED_PREFIXES = frozenset({"/", "/usr", "/usr/local"})
# The sandbox's root is built in a tmpfs mounted, inside the new mount namespace only, over /dev/shm: a folder
# every Linux host has and that holds no path to bind (the host's /dev/shm is hidden from the namespace, and
# with it from the sandbox, which gets its own). The host's /tmp stays reachable for binding read-only paths.
SCRATCH = "/dev/shm"
ROOT = SCRATCH + "/root"

_NAMESPACES = ["--net", "--pid", "--fork", "--kill-child", "--mount", "--ipc"]
_DROP = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--no-new-privs"]
# Lists the interpreter's paths as JSON: python3 -I -S (the same flags as the code gets) or node.
_PY_NEEDS = (
    "import json, sys\n"
    "maps = {p[5].strip() for p in (line.split(None, 5) for line in open('/proc/self/maps')) if len(p) > 5}\n"
    "print(json.dumps({'executable': sys.executable, 'prefixes': [sys.base_prefix, sys.base_exec_prefix],\n"
    "                  'path': sys.path, 'maps': sorted(maps)}))"
)
_NODE_NEEDS = (
    "const maps = require('fs').readFileSync('/proc/self/maps', 'utf8').split('\\n')"
    ".map((l) => l.trim().split(/\\s+/).slice(5).join(' ')).filter(Boolean);"
    "console.log(JSON.stringify({executable: process.execPath, prefixes: [], path: [], maps}));"
)


@dataclass(frozen=True)
class Isolation:
    name: str
    prefix: tuple[str, ...]
    network_isolated: bool  # False: the interpreter must block sockets itself
    own_tmp: bool  # True: the namespace mounts a private /tmp and cds into it
    uid: int | None = None  # the host uid the code runs as (RLIMIT_NPROC counts per uid); None: the caller's
    wrappers: int = 0  # processes of the level itself around the code (unshare, the namespace's init)


@dataclass(frozen=True)
class Needs:
    """What an interpreter opens: found by running it once outside the sandbox, as root."""

    files: tuple[str, ...]
    dirs: tuple[str, ...]
    packages: tuple[str, ...]  # its site-/dist-packages folders: packages come only from the read-only paths


@functools.lru_cache(maxsize=16)
def interpreter_needs(interpreter: str) -> Needs | None:
    is_python = "python" in os.path.basename(interpreter)
    args = ["-I", "-S", "-c", _PY_NEEDS] if is_python else ["-e", _NODE_NEEDS]
    try:
        done = subprocess.run(
            [interpreter, *args], env={"PATH": MIN_PATH}, cwd="/", capture_output=True, timeout=10, check=True
        )
        found = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    executable = os.path.realpath(found["executable"] or interpreter)
    files = {executable, *(os.path.realpath(p) for p in found["maps"] if p.startswith("/") and os.path.isfile(p))}
    dirs = {os.path.realpath(p) for p in found["path"] if os.path.isdir(p)}
    files |= {os.path.realpath(p) for p in found["path"] if os.path.isfile(p)}  # the stdlib zip, when present
    prefixes = [os.path.realpath(p) for p in found["prefixes"]]
    if not is_python:  # node's install: the folder above its bin/, unless that is a shared prefix such as /usr
        folder = os.path.dirname(executable)
        prefixes = [os.path.dirname(folder)] if os.path.basename(folder) == "bin" else []
    dirs |= {p for p in prefixes if p not in SHARED_PREFIXES and os.path.isdir(p)}
    packages = set()
    for stdlib in [*dirs, *(os.path.join(p, "lib", "python3") for p in prefixes)] if is_python else []:
        for name in ("site-packages", "dist-packages"):
            if os.path.isdir(os.path.join(stdlib, name)):
                packages.add(os.path.realpath(os.path.join(stdlib, name)))
    return Needs(tuple(sorted(files)), tuple(sorted(dirs)), tuple(sorted(packages)))


def _under(path: str, folders: Iterable[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def _fstab_field(text: str) -> str:
    """fstab fields are separated by blanks; libmount reads octal escapes."""
    return "".join(f"\\{ord(c):03o}" if c in " \t\n\\" else c for c in text)


def sandbox_root(
    needs: Needs,
    hidden: Sequence[str],
    readonly: Sequence[str],
    executables: Sequence[str],
    unshare: str,
    mounts: Mapping[str, str] | None = None,
    loopback: bool = False,
) -> str:
    """The script the namespace's init (root) runs: builds ROOT allow-list style, then runs "$@" in it.

    Bound read-only: SYSTEM_PATHS, the interpreter's needs, `executables` (setpriv) and `readonly` (extra
    folders the code may read, such as a virtualenv of allowed packages, at their own paths; never one
    inside a hidden folder). Covered by empty read-only tmpfs: the interpreter's package folders and hidden
    paths that lie inside a bound folder, except one holding the interpreter itself.
    mounts: sandbox path -> host folder, bound read-only at a fixed path of weir's choosing (the packages'
    virtualenv, the egress proxy's socket folder); deliberately exposed, so also from inside a hidden folder
    such as STORAGE_PATH, and only that folder, not its parents.
    loopback: brings the new network namespace's loopback up (still no route out of it), for the in-sandbox
    relay to the egress proxy.
    """
    binds: dict[str, str] = {}  # sandbox path -> host path
    for path in [*SYSTEM_PATHS, *needs.dirs, *needs.files, *executables]:
        if os.path.exists(path):
            binds.setdefault(path, os.path.realpath(path))
    folders = [p for p, source in binds.items() if os.path.isdir(source)]
    # A path inside a bound folder already shows (the bind mirrors the host at the same path).
    binds = {p: s for p, s in binds.items() if not _under(p, [f for f in folders if f != p])}
    folders = [p for p in folders if p in binds]
    interpreter_files = [os.path.realpath(p) for p in needs.files]
    hide = {
        os.path.realpath(p)
        for p in [*hidden, *needs.packages]
        if os.path.isdir(p) and not any(_under(f, [os.path.realpath(p)]) for f in interpreter_files)
    }
    # Covered wherever a bound folder shows it: /usr/lib/python3/dist-packages also shows as /lib/python3/…
    covers = sorted(
        target + real[len(binds[target]) :] for real in hide for target in folders if _under(real, [binds[target]])
    )
    extra = []
    for path in readonly:
        real = os.path.realpath(path)
        if not os.path.isdir(real):
            log.warning("code nodes: the read-only path %s is not a folder; not bound", path)
        elif _under(real, [*covers, *hide, SCRATCH]):
            log.warning("code nodes: the read-only path %s lies inside a hidden folder; not bound", path)
        else:
            extra.append(real)
    devices = [d for d in DEVICES if os.path.exists(d)]

    lines = [(source, ROOT + target, "none", "bind,ro,nosuid,nodev") for target, source in sorted(binds.items())]
    lines += [("tmpfs", ROOT + p, "tmpfs", "ro,size=4k,mode=555,nosuid,nodev") for p in covers]
    lines += [(d, ROOT + d, "none", "bind,nosuid,noexec") for d in devices]
    lines += [
        ("proc", ROOT + "/proc", "proc", "nosuid,nodev,noexec"),
        ("tmpfs", ROOT + "/tmp", "tmpfs", "size=16m,mode=1777,nosuid,nodev,noexec"),
        ("tmpfs", ROOT + "/dev/shm", "tmpfs", "size=1m,mode=1777,nosuid,nodev,noexec"),
    ]
    # Last, so they show wherever they are, also under the sandbox's /tmp (STORAGE_PATH may lie in /tmp);
    # their mount points are made at mount time, inside whatever was mounted before.
    lines += [(p, ROOT + p, "none", "bind,ro,nosuid,nodev,X-mount.mkdir") for p in extra]
    lines += [(s, ROOT + t, "none", "bind,ro,nosuid,nodev,X-mount.mkdir") for t, s in sorted((mounts or {}).items())]
    fstab = "".join(f"{_fstab_field(a)} {_fstab_field(b)} {c} {d} 0 0\n" for a, b, c, d in lines)
    files = [ROOT + p for p, s in binds.items() if not os.path.isdir(s)] + [ROOT + d for d in devices]
    dirs = {ROOT + p for p, s in binds.items() if os.path.isdir(s)} | {os.path.dirname(f) for f in files}
    dirs |= {ROOT + "/proc", ROOT + "/tmp", ROOT + "/dev/shm"}
    q = shlex.quote
    # The loopback is brought up by the namespace's init (root there) before the drop to nobody: the code
    # itself can then listen on 127.0.0.1 (its relay to the egress proxy) but has no other interface.
    ip = shutil.which("ip") if loopback else None
    if loopback and not ip:
        log.warning("code nodes: no `ip` command here; the sandbox's loopback stays down (no egress proxy)")
    lo_up = f"{q(ip)} link set lo up; " if ip else ""
    # Everything is created in the fresh tmpfs before `mount -a` binds over it (a path under a later bind is
    # simply covered by it), so the script never writes into a bound folder. One `mount -a` for all mounts:
    # a process per mount would double the run's start-up time. `sh` stays the namespace's init (no exec).
    return (
        f"set -e; mount -t tmpfs -o size=1m,mode=755 tmpfs {SCRATCH}; "
        f"mkdir -p {' '.join(q(d) for d in sorted(dirs))}; "
        + "".join(f": > {q(f)}; " for f in files)
        + f"printf '%s' {q(fstab)} > {SCRATCH}/fstab; mount -a -T {SCRATCH}/fstab; "
        + lo_up
        + f'{q(unshare)} --root={ROOT} --wd=/tmp "$@"'
    )


def candidates(
    interpreter: str,
    hidden: Sequence[str],
    readonly: Sequence[str] = (),
    mounts: Mapping[str, str] | None = None,
    loopback: bool = False,
) -> list[Isolation]:
    unshare, setpriv = shutil.which("unshare"), shutil.which("setpriv")
    levels = []
    needs = interpreter_needs(interpreter) if unshare else None
    if os.geteuid() == 0 and unshare and setpriv and needs:
        drop = [os.path.realpath(setpriv), *_DROP[1:], "--"]
        script = sandbox_root(needs, hidden, readonly, drop[:1], unshare, mounts, loopback)
        prefix = (unshare, *_NAMESPACES, "--", "sh", "-c", script, "weir-sandbox", *drop)
        levels.append(Isolation("namespaces", prefix, True, True, NOBODY, 2))
    if os.geteuid() != 0 and unshare and needs:
        script = sandbox_root(needs, hidden, readonly, [], unshare, mounts, loopback)
        prefix = (unshare, "--map-root-user", *_NAMESPACES, "--", "sh", "-c", script, "weir-sandbox")
        levels.append(Isolation("user-namespaces", prefix, True, True, os.getuid(), 2))
    if os.geteuid() == 0 and setpriv:
        levels.append(Isolation("uid-only", (setpriv, *_DROP[1:], "--pdeathsig", "keep", "--"), False, False, NOBODY))
    levels.append(Isolation("none", (), False, False, os.getuid()))
    return levels


def probe(interpreters: Sequence[str], hidden: Sequence[str], readonly: Sequence[str] = ()) -> tuple[Isolation, str]:
    """The strongest level, and an interpreter that actually starts under it here (the service's own
    interpreter may live in a folder the sandbox user cannot read, a system one then serves). The
    interpreter is named by its real path: that is the path bound inside the sandbox's root."""
    found = [os.path.realpath(p) for p in dict.fromkeys(interpreters) if p and os.access(p, os.X_OK)]
    found = list(dict.fromkeys(found))
    if not found:
        raise FileNotFoundError(f"no interpreter among {list(interpreters)}")
    for name in ("namespaces", "user-namespaces", "uid-only", "none"):
        for interpreter in found:
            level = next((c for c in candidates(interpreter, hidden, readonly) if c.name == name), None)
            if level is not None and _starts(level, interpreter):
                return level, interpreter
    return Isolation("none", (), False, False, os.getuid()), found[0]


def with_mounts(
    level: Isolation,
    interpreter: str,
    hidden: Sequence[str],
    readonly: Sequence[str],
    mounts: Mapping[str, str],
    loopback: bool = False,
) -> Isolation:
    """The probed level again, its root also holding `mounts` (and loopback up): built per run, since the
    packages' environment appears after the probe. Levels without a root of their own are returned as is."""
    if level.name not in ("namespaces", "user-namespaces") or not (mounts or loopback):
        return level
    built = candidates(interpreter, hidden, readonly, mounts, loopback)
    return next((c for c in built if c.name == level.name), level)


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
    if done.returncode != 0:
        log.debug("isolation level %s fails here: %s", level.name, done.stderr.decode(errors="replace")[-500:])
    return done.returncode == 0
