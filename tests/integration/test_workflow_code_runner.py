"""SubprocessCodeRunner with real processes: results, limits, and what the code cannot reach."""

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from adapters.workflow.subprocess_code_runner import NAMESPACED, SubprocessCodeRunner
from domain.workflows.sandbox import CodeExecutionFailed


@pytest.fixture(scope="module")
def runner():
    # Allowed to run without namespaces, so the limits are tested on any machine; the test at the end says
    # which level this machine gets, and that code is refused without namespaces by default.
    return SubprocessCodeRunner(cpu_seconds=1, wall_seconds=4, memory_bytes=256 * 1024 * 1024,
                                allow_weak_isolation=True)


async def test_main_gets_the_inputs_and_its_dict_comes_back(runner):
    code = (
        "def main(a: int, items: list) -> dict:\n    print('chatty')\n    return {'sum': a + len(items), 'text': 'é'}"
    )
    assert await runner.run("python3", code, {"a": 1, "items": [1, 2]}) == {"sum": 3, "text": "é"}


async def test_an_exception_in_the_code_is_reported(runner):
    with pytest.raises(CodeExecutionFailed, match="ZeroDivisionError: division by zero"):
        await runner.run("python3", "def main():\n    return {'x': 1 / 0}", {})


async def test_an_infinite_loop_is_stopped_by_the_cpu_limit(runner):
    with pytest.raises(CodeExecutionFailed, match="CPU time limit of 1 s exceeded"):
        await runner.run("python3", "def main():\n    while True:\n        pass", {})


async def test_sleeping_forever_is_killed_by_the_wall_clock(runner):
    quick = SubprocessCodeRunner(cpu_seconds=1, wall_seconds=1, allow_weak_isolation=True)
    with pytest.raises(CodeExecutionFailed, match="timed out after 1 s"):
        await quick.run("python3", "import time\ndef main():\n    time.sleep(60)", {})


async def test_allocating_two_gigabytes_is_a_memory_error(runner):
    with pytest.raises(CodeExecutionFailed, match="MemoryError"):
        await runner.run("python3", "def main():\n    return {'n': len(bytearray(2 * 1024 ** 3))}", {})


async def test_no_connection_reaches_a_server_the_parent_can_reach(runner):
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.open_connection("127.0.0.1", port)  # the parent can
    code = (
        f"import socket\ndef main():\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n    return {{}}"
    )
    try:
        with pytest.raises(CodeExecutionFailed, match=r"(OSError|PermissionError|ConnectionRefused)"):
            await runner.run("python3", code, {})
    finally:
        server.close()


async def test_the_environment_holds_no_secrets_of_the_parent(runner, monkeypatch):
    for name in ("SECRET_KEY", "DB_PASSWORD", "DB_HOST", "OPENAI_API_KEY"):
        monkeypatch.setenv(name, "leak-me")
    result = await runner.run("python3", "import os\ndef main():\n    return {'env': dict(os.environ)}", {})
    assert not any(k.startswith(("SECRET", "DB_", "OPENAI")) for k in result["env"])
    assert "leak-me" not in str(result)


PROJECT_FILE = str(Path(__file__).resolve().parents[2] / "pyproject.toml")


async def test_the_working_directory_is_empty_and_weirs_files_are_out_of_reach(runner, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("top secret")
    secret.chmod(0o600)
    code = (
        "import os\ndef main(path, project):\n"
        "    out = {'cwd': os.listdir('.'), 'relative': os.path.exists('storage/secret_key')}\n"
        "    for name, p in (('absolute', path), ('project', project)):\n"
        "        try:\n            open(p).read()\n            out[name] = 'read'\n"
        "        except OSError as e:\n            out[name] = type(e).__name__\n"
        "    return out"
    )
    project = PROJECT_FILE  # this checkout, wherever it is
    result = await runner.run("python3", code, {"path": str(secret), "project": project})
    assert result["cwd"] == [] and result["relative"] is False
    assert result["absolute"] != "read"
    if runner.isolation in NAMESPACED:  # without namespaces world-readable files stay readable (README)
        assert result["project"] != "read"


async def test_the_code_sees_only_its_inputs(runner):
    code = "def main(**kwargs):\n    return {'names': sorted(kwargs), 'globals': sorted(k for k in globals() if not k.startswith('__'))}"
    assert await runner.run("python3", code, {"mine": 1}) == {"names": ["mine"], "globals": ["main"]}


async def test_a_non_dict_result_is_refused(runner):
    with pytest.raises(CodeExecutionFailed, match="main must return a dict"):
        await runner.run("python3", "def main():\n    return [1]", {})


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
async def test_javascript_runs_under_node(runner):
    if "javascript" not in runner.languages():
        pytest.skip("node cannot be isolated from the network here")
    code = "function main({a, b}) {\n  console.log('noise');\n  return {sum: a + b};\n}"
    assert await runner.run("javascript", code, {"a": 2, "b": 3}) == {"sum": 5}


ADD = "def main() -> dict:\n    return {'sum': 1 + 2}"


async def test_code_runs_in_linux_namespaces_here_or_is_refused_by_default():
    """The default runner (as weir builds it). CI must give code nodes namespaces: there a machine without
    them fails this test; elsewhere it checks that code is refused, naming the setting that allows it."""
    default = SubprocessCodeRunner()
    level = await asyncio.to_thread(lambda: default.isolation)
    if level in NAMESPACED:
        if os.geteuid() == 0 and shutil.which("unshare") and shutil.which("setpriv"):
            assert level == "namespaces"  # root: its own namespaces and uid nobody
        assert await default.run("python3", ADD, {}) == {"sum": 3}
        return
    assert os.environ.get("CI") != "true", (
        f"code nodes get only the {level!r} isolation level on this machine: CI must offer Linux namespaces "
        "(root with unshare and setpriv, or unprivileged user namespaces)"
    )
    with pytest.raises(CodeExecutionFailed, match="CODE_ALLOW_WEAK_ISOLATION=true"):
        await default.run("python3", ADD, {})


async def test_without_unshare_code_is_refused_unless_weak_isolation_is_allowed(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no unshare, setpriv or node to find: a machine without namespaces
    refused = SubprocessCodeRunner()
    with pytest.raises(CodeExecutionFailed, match=r"'none' isolation level .* CODE_ALLOW_WEAK_ISOLATION=true"):
        await refused.run("python3", ADD, {})
    allowed = SubprocessCodeRunner(allow_weak_isolation=True)
    assert await allowed.run("python3", ADD, {}) == {"sum": 3}
    assert allowed.isolation == refused.isolation == "none"


def test_the_level_is_logged_once(caplog):
    runner = SubprocessCodeRunner()
    with caplog.at_level("INFO", logger="weir.workflow.code"):
        levels = {runner.isolation for _ in range(3)}
    assert [r.getMessage() for r in caplog.records] == [
        f"code nodes run with isolation level {runner.isolation}" if runner.isolation in NAMESPACED
        else f"code nodes are refused: {runner.refusal()}"
    ] and len(levels) == 1
