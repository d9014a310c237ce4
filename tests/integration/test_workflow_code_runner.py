"""SubprocessCodeRunner with real processes: results, limits, and what the code cannot reach."""

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from adapters.workflow.subprocess_code_runner import SubprocessCodeRunner
from domain.workflows.sandbox import CodeExecutionFailed


@pytest.fixture(scope="module")
def runner():
    return SubprocessCodeRunner(cpu_seconds=1, wall_seconds=4, memory_bytes=256 * 1024 * 1024)


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
    quick = SubprocessCodeRunner(cpu_seconds=1, wall_seconds=1)
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
    if runner.isolation == "namespaces":
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


def test_the_isolation_level_is_the_strongest_on_a_root_machine_with_unshare(runner):
    if os.geteuid() == 0 and shutil.which("unshare") and shutil.which("setpriv"):
        assert runner.isolation == "namespaces"
