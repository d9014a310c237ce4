"""What hostile code nodes found, probing weir from outside: each a real process, each failed before.

3. Host folders outside the project (/opt, /srv, other checkouts, the host's /tmp) were readable: now the
   sandbox's root holds only what the interpreter needs (plus explicitly allowed read-only folders).
"""

import pytest

from adapters.workflow.isolation import interpreter_needs
from adapters.workflow.subprocess_code_runner import MB, NAMESPACED, SubprocessCodeRunner
from tests.processes import ROOT


@pytest.fixture(scope="module")
def runner():
    return SubprocessCodeRunner(cpu_seconds=5, wall_seconds=20, memory_bytes=256 * MB, allow_weak_isolation=True)


@pytest.fixture
def namespaced(runner):
    if runner.isolation not in NAMESPACED:  # test_workflow_code_runner.py fails under CI without namespaces
        pytest.skip(f"only the {runner.isolation!r} isolation level here")


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
        str(ROOT.parent), str(other_checkout / "settings.py"), str(tmp_path),
    ]  # fmt: skip
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
    result = await runner.run("python3", code.replace("def main():", "def main(packages):"), {"packages": needs.packages})
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
