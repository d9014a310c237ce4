"""What hostile code nodes found, probing weir from outside: each a real process, each failed before.

1. Limits held a process, not a run: eight forked children of 200 MB each reached 1.6 GB, and hundreds of
   processes could be forked. Now a run as a whole has CODE_MAX_MEMORY_MB and CODE_MAX_PROCESSES.
2. A sandbox outlived its parent killed with -9, and a grandchild that double-forked into its own session
   outlived the wall-clock limit.
3. Host folders outside the project (/opt, /srv, other checkouts, the host's /tmp) were readable: now the
   sandbox's root holds only what the interpreter needs (plus explicitly allowed read-only folders).
"""

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from adapters.workflow.isolation import Isolation, interpreter_needs
from adapters.workflow.run_fence import RunFence, usable_cgroup
from adapters.workflow.subprocess_code_runner import MB, NAMESPACED, SubprocessCodeRunner
from domain.workflows.sandbox import CodeExecutionFailed
from tests.polling import eventually, eventually_sync
from tests.processes import ROOT

ADD = "def main() -> dict:\n    return {'sum': 1 + 2}"
FORK_BOMB = "import os\ndef main():\n    while True:\n        os.fork()\n"
MEMORY_BOMB = (
    "import os, time\n"
    "def main():\n"
    "    children = []\n"
    "    for _ in range(8):\n"
    "        pid = os.fork()\n"
    "        if pid == 0:\n"
    "            block = bytearray(200 * 1024 * 1024)\n"
    "            time.sleep(30)\n"
    "            os._exit(0)\n"
    "        children.append(pid)\n"
    "    for pid in children:\n"
    "        os.waitpid(pid, 0)\n"
    "    return {'survived': True}\n"
)


def sleepers_code(marker: str, *, main_sleeps: bool = True) -> str:
    """Code that leaves a grandchild in its own session (double fork + setsid) sleeping two minutes, and
    sleeps itself too (or returns at once); both exec python so the marker shows in their command line."""
    return (
        "import os, sys\n"
        "def sleep():\n"
        f"    os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(120)', {marker!r}])\n"
        "def main():\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        if os.fork() == 0:\n"
        "            sleep()\n"
        "        os._exit(0)\n" + ("    sleep()\n" if main_sleeps else "    return {'left': 'a grandchild'}\n")
    )


def marked(marker: str) -> list[int]:
    """Processes whose command line holds the marker (the sandbox's wrappers hold it too, as a read-only path)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(OSError):
                if marker.encode() in Path(f"/proc/{name}/cmdline").read_bytes():
                    found.append(int(name))
    return found


def sleeping(marker: str) -> int:
    count = 0
    for pid in marked(marker):
        with contextlib.suppress(OSError):
            count += b"time.sleep(120)" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return count


@pytest.fixture(scope="module")
def runner():
    return SubprocessCodeRunner(cpu_seconds=5, wall_seconds=20, memory_bytes=256 * MB, allow_weak_isolation=True)


@pytest.fixture
def namespaced(runner):
    if runner.isolation not in NAMESPACED:  # test_workflow_code_runner.py fails under CI without namespaces
        pytest.skip(f"only the {runner.isolation!r} isolation level here")


# --- 1. a run as a whole ---------------------------------------------------------------------------------


async def test_a_fork_bomb_fails_its_node_with_a_clear_error_and_the_next_run_works(runner):
    started = time.monotonic()
    with pytest.raises(CodeExecutionFailed, match=r"process limit of 32 exceeded \(processes and threads"):
        await runner.run("python3", FORK_BOMB, {})
    assert time.monotonic() - started < 20  # stopped by the process limit, not by the wall clock
    assert await runner.run("python3", ADD, {}) == {"sum": 3}


async def test_the_process_limit_is_a_setting():
    few = SubprocessCodeRunner(max_processes=4, allow_weak_isolation=True)
    spawn = (
        "import os, time\ndef main(n):\n    for _ in range(n):\n        if os.fork() == 0:\n"
        "            time.sleep(5)\n            os._exit(0)\n    return {'forked': n}"
    )
    assert await few.run("python3", spawn, {"n": 3}) == {"forked": 3}  # four processes: within the limit
    with pytest.raises(CodeExecutionFailed, match="process limit of 4 exceeded"):
        await few.run("python3", spawn, {"n": 6})


async def test_eight_children_of_200_mb_fail_their_node_and_nothing_else(runner):
    started = time.monotonic()
    bomb, other = await asyncio.gather(
        runner.run("python3", MEMORY_BOMB, {}), runner.run("python3", ADD, {}), return_exceptions=True
    )
    assert isinstance(bomb, CodeExecutionFailed), bomb
    assert "memory limit of 256 MB exceeded (all processes of the run together)" in bomb.message
    assert time.monotonic() - started < 20  # stopped when the run went over, not at the wall clock
    assert other == {"sum": 3}  # a run beside it is unaffected, and so is this process
    assert await runner.run("python3", ADD, {}) == {"sum": 3}


async def test_children_within_the_memory_budget_are_fine(runner):
    code = MEMORY_BOMB.replace("range(8)", "range(2)").replace("200 * 1024", "40 * 1024").replace("30)", "0.2)")
    assert await runner.run("python3", code, {}) == {"survived": True}


def test_cgroup_v2_is_used_only_where_memory_and_pids_are_delegated(tmp_path, caplog):
    (tmp_path / "cgroup.subtree_control").write_text("cpu io\n")
    with caplog.at_level("WARNING", logger="weir.workflow.code"):
        assert usable_cgroup(str(tmp_path)) is None
    assert "is not a writable cgroup v2 with memory and pids delegated" in caplog.text
    (tmp_path / "cgroup.subtree_control").write_text("cpu io memory pids\n")
    assert usable_cgroup(str(tmp_path)) == tmp_path
    assert SubprocessCodeRunner(cgroup_path=str(tmp_path / "missing")).run_limits == "process-tree"


@pytest.mark.skipif(usable_cgroup(None) is None, reason="no delegated cgroup v2 with memory and pids here")
async def test_with_a_delegated_cgroup_each_run_gets_its_own(runner):
    with_cgroup = SubprocessCodeRunner(memory_bytes=256 * MB, allow_weak_isolation=True)
    assert with_cgroup.run_limits == "cgroup"
    with pytest.raises(CodeExecutionFailed, match="memory limit of 256 MB exceeded"):
        await with_cgroup.run("python3", MEMORY_BOMB, {})
    with pytest.raises(CodeExecutionFailed, match="process limit of 32 exceeded"):
        await with_cgroup.run("python3", FORK_BOMB, {})
    parent = usable_cgroup(None)
    assert parent is not None and not list(parent.glob("weir-code-*"))  # every run's cgroup is removed


def test_the_fence_counts_every_process_of_a_run():
    """The watcher's view of a process that forked twice (no wrappers around it: level none)."""
    code = "import os, time\nfor _ in range(2):\n    if os.fork() == 0:\n        break\ntime.sleep(3)\n"
    fence = RunFence(max_tasks=32, memory_bytes=1024 * MB, isolation=Isolation("none", (), False, False))
    process = subprocess.Popen([sys.executable, "-I", "-S", "-c", code])
    fence.watch(process.pid)
    try:
        eventually_sync(lambda: fence.peak_tasks >= 3, 10, what="three processes seen by the fence")
        assert fence.peak_memory > 3 * MB and fence.verdict is None
    finally:
        fence.kill()
        process.wait()
        fence.close()


# --- 2. dying with the parent, and the wall clock for everything ----------------------------------------

HOST = """
import asyncio, sys
from adapters.workflow.subprocess_code_runner import SubprocessCodeRunner
# The wall clock far beyond the test's own waits: on a loaded machine reaching "both sleeping" can take most of a
# minute, and a run ended by its wall clock then would look like the sandbox dying with nothing killed yet.
runner = SubprocessCodeRunner(wall_seconds=600, readonly_paths=[sys.argv[2]])  # refused without namespaces
asyncio.run(runner.run("python3", open(sys.argv[3]).read(), {}))
"""


@pytest.mark.usefixtures("namespaced")
def test_a_sandbox_dies_with_its_parent_killed_with_sigkill(tmp_path):
    marker = f"weir-test-{uuid.uuid4().hex}"
    (tmp_path / marker).mkdir()
    # The code goes in a file, not in the host's arguments: there its "time.sleep(120)" made the host (and each
    # process it forks before an exec) look like a sleeper, so "both sleeping" could hold before either started.
    (tmp_path / "code.py").write_text(sleepers_code(marker))
    host = subprocess.Popen(
        [sys.executable, "-c", HOST, marker, str(tmp_path / marker), str(tmp_path / "code.py")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        eventually_sync(lambda: sleeping(marker) >= 2, 60, what="the code and its grandchild sleeping")
        assert len(marked(marker)) >= 5  # the host, unshare and the namespace's init name the marker too
    finally:
        host.kill()  # SIGKILL: no cleanup of its own runs
        host.wait()
    eventually_sync(lambda: not marked(marker), 10, what="every process of the sandbox gone after its parent")


@pytest.mark.usefixtures("namespaced")
async def test_at_the_wall_clock_everything_of_the_run_is_killed(tmp_path):
    marker = f"weir-test-{uuid.uuid4().hex}"
    (tmp_path / marker).mkdir()
    quick = SubprocessCodeRunner(wall_seconds=2, readonly_paths=[str(tmp_path / marker)])
    with pytest.raises(CodeExecutionFailed, match="timed out after 2 s"):
        await quick.run("python3", sleepers_code(marker), {})
    await eventually(lambda: not marked(marker), 10, what="the code and its double-forked grandchild gone")


@pytest.mark.usefixtures("namespaced")
async def test_a_grandchild_left_behind_neither_delays_the_answer_nor_survives_it(tmp_path):
    marker = f"weir-test-{uuid.uuid4().hex}"
    runner = SubprocessCodeRunner(wall_seconds=30)
    started = time.monotonic()
    assert await runner.run("python3", sleepers_code(marker, main_sleeps=False), {}) == {"left": "a grandchild"}
    assert time.monotonic() - started < 15
    await eventually(lambda: not marked(marker), 10, what="the grandchild gone with its run")


# --- 3. only what the interpreter needs is visible ------------------------------------------------------

PROBE_FILES = (
    "import os, json, math, re, datetime\n"
    "def main(paths):\n"
    "    seen = {}\n"
    "    for p in paths:\n"
    "        try:\n"
    "            seen[p] = os.listdir(p) if os.path.isdir(p) else open(p).read()[:10]\n"
    "        except OSError as e:\n"
    "            seen[p] = type(e).__name__\n"
    "    with open('/tmp/mine.txt', 'w') as f:\n"
    "        f.write(json.dumps({'pi': math.pi, 'm': bool(re.match('a', 'a')), 'd': str(datetime.date(2025, 1, 2))}))\n"
    "    return {'seen': seen, 'root': sorted(os.listdir('/')), 'tmp': open('/tmp/mine.txt').read()}\n"
)


@pytest.mark.usefixtures("namespaced")
async def test_host_folders_outside_the_interpreters_are_out_of_reach(runner, tmp_path):
    other_checkout = tmp_path / "other-checkout"
    other_checkout.mkdir()
    (other_checkout / "settings.py").write_text("SECRET = 1")
    (other_checkout / "settings.py").chmod(0o644)
    paths = [
        "/opt", "/srv", "/work", "/home", "/root", "/var", "/etc/passwd", str(ROOT), str(ROOT / "pyproject.toml"),
        str(other_checkout / "settings.py"), str(tmp_path),
    ]  # fmt: skip
    # The folder holding this checkout, unless it is one the sandbox provides on purpose (a checkout cloned
    # into /tmp has /tmp as its parent, and the code gets a private, empty /tmp of its own).
    if str(ROOT.parent) not in ("/", "/tmp"):
        paths.append(str(ROOT.parent))
    result = await runner.run("python3", PROBE_FILES, {"paths": paths})
    assert all(seen in ("FileNotFoundError", "PermissionError") for seen in result["seen"].values()), result["seen"]
    assert set(result["root"]) <= {"usr", "lib", "lib32", "lib64", "etc", "dev", "proc", "tmp"}, result["root"]
    assert '"d": "2025-01-02"' in result["tmp"]


@pytest.mark.usefixtures("namespaced")
async def test_the_root_is_read_only_and_holds_no_packages_of_the_system(runner):
    code = (
        "import os, sys\ndef main():\n    out = {}\n"
        "    for p in ('/usr/lib/weir-probe', '/etc/weir-probe', '/weir-probe'):\n"
        "        try:\n            open(p, 'w')\n            out[p] = 'written'\n"
        "        except OSError as e:\n            out[p] = type(e).__name__\n"
        "    out['packages'] = [os.listdir(p) for p in packages if os.path.isdir(p)]\n"
        "    return out"
    )
    needs = interpreter_needs(runner._python_level()[1])
    assert needs is not None
    result = await runner.run(
        "python3", code.replace("def main():", "def main(packages):"), {"packages": needs.packages}
    )
    assert "written" not in result.values() and all(not listed for listed in result["packages"]), result


@pytest.mark.usefixtures("namespaced")
async def test_extra_read_only_paths_are_visible_and_read_only(tmp_path):
    allowed = tmp_path / "allowed-packages"
    allowed.mkdir()
    (allowed / "helper.py").write_text("VALUE = 42\n")
    for path in (tmp_path, allowed, allowed / "helper.py"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    with_venv = SubprocessCodeRunner(readonly_paths=[str(allowed)])
    code = (
        "import sys\ndef main(folder):\n    sys.path.append(folder)\n    import helper\n"
        "    try:\n        open(folder + '/new.py', 'w')\n        wrote = True\n    except OSError:\n        wrote = False\n"
        "    return {'value': helper.VALUE, 'wrote': wrote}"
    )
    assert await with_venv.run("python3", code, {"folder": str(allowed)}) == {"value": 42, "wrote": False}


@pytest.mark.usefixtures("namespaced")
async def test_javascript_still_runs_inside_the_new_root(runner):
    if "javascript" not in runner.languages():
        pytest.skip("node is not installed or cannot be isolated here")
    code = "function main() {\n  const fs = require('fs');\n  return {root: fs.readdirSync('/').sort(), opt: fs.existsSync('/opt')};\n}"
    result = await runner.run("javascript", code, {})
    assert result["opt"] is False and "usr" in result["root"]
