"""The packages code nodes may import (CODE_EXECUTION_PYTHON_REQUIREMENTS): a virtualenv built under the
storage folder, reused, rebuilt when the list changes, never half-built, and the only packages the sandbox
sees. A tiny list (`six`, from uv's cache) keeps these fast; one test builds the default list."""

import asyncio
import os
import sys
import threading
from pathlib import Path

import pytest

from adapters.workflow import sandbox_env
from adapters.workflow.sandbox_env import DEFAULT_REQUIREMENTS, SandboxEnvironment
from adapters.workflow.subprocess_code_runner import ENV_MOUNT, NAMESPACED, SubprocessCodeRunner
from domain.workflows.sandbox import CodeExecutionFailed

SIX = "import six\ndef main():\n    return {'version': six.__version__, 'file': six.__file__}"


def requirements(tmp_path: Path, text: str = "six\n") -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(text)
    return path


def runner_for(environment: SandboxEnvironment, storage: Path) -> SubprocessCodeRunner:
    # The storage folder is hidden, as the settings hide STORAGE_PATH: the environment inside it is bound anyway.
    return SubprocessCodeRunner(
        environment=environment, probe_at_start=True, hidden_paths=(str(storage),), allow_weak_isolation=True
    )


def ready(environment: SandboxEnvironment) -> SandboxEnvironment:
    assert environment.wait(120), "the packages' environment was not built within two minutes"
    assert environment.state == "ready", environment.error
    return environment


async def test_code_imports_a_package_of_the_list_and_not_weirs_own(tmp_path):
    storage = tmp_path / "storage"
    environment = SandboxEnvironment(requirements(tmp_path), storage / "sandbox-env")
    runner = runner_for(environment, storage)
    await asyncio.to_thread(ready, environment)
    assert environment.path is not None and environment.path.parent == storage / "sandbox-env"

    answer = await runner.run("python3", SIX, {})
    assert answer["version"]
    if runner.isolation in NAMESPACED:  # bound read-only at a fixed path: the storage folder stays unnamed
        assert answer["file"].startswith(ENV_MOUNT + "/")
    with pytest.raises(CodeExecutionFailed, match="No module named 'pydantic'"):  # weir's own packages
        await runner.run("python3", "import pydantic\ndef main():\n    return {}", {})
    if runner.isolation in NAMESPACED:
        write = f"def main():\n    open({answer['file']!r}, 'a').write('x')\n    return {{}}"
        with pytest.raises(CodeExecutionFailed, match=r"Read-only file system|Permission denied"):
            await runner.run("python3", write, {})


def test_a_later_start_reuses_the_environment_and_a_changed_list_rebuilds_it(tmp_path):
    root = tmp_path / "sandbox-env"
    interpreter = os.path.realpath(sys.executable)
    first = SandboxEnvironment(requirements(tmp_path), root)
    first.start(interpreter)
    ready(first)
    assert first.seconds is not None  # built

    again = SandboxEnvironment(requirements(tmp_path), root)
    again.start(interpreter)
    assert again.state == "ready"  # found at once, on the caller's thread: a later start's first run has it
    assert again.path == first.path and again.seconds is None  # found, not built

    changed = SandboxEnvironment(requirements(tmp_path, "six\n# a comment changes the hash too\n"), root)
    changed.start(interpreter)
    assert ready(changed).path != first.path and changed.seconds is not None
    assert first.path is not None and not first.path.exists()  # the earlier list's environment is gone
    assert [p.name for p in root.iterdir() if not p.name.startswith(".")] == [changed.path.name]


def test_a_crashed_build_never_looks_ready_and_the_next_one_cleans_up(tmp_path, monkeypatch):
    root = tmp_path / "sandbox-env"
    interpreter = os.path.realpath(sys.executable)
    crashed = SandboxEnvironment(requirements(tmp_path), root)

    def crash(interpreter, target):  # the process dies mid-install: a half folder, no rename
        (target / "lib").mkdir(parents=True)
        raise KeyboardInterrupt

    monkeypatch.setattr(crashed, "_build", crash)
    with pytest.raises(KeyboardInterrupt):
        crashed._ensure(interpreter)
    leftover = root / ".build-left-by-a-killed-process"
    leftover.mkdir()  # what a SIGKILL would leave (the cleanup above did not run there)
    assert not (root / crashed.key(interpreter)).exists()

    monkeypatch.undo()
    fresh = SandboxEnvironment(requirements(tmp_path), root)
    fresh.start(interpreter)
    assert ready(fresh).path == root / crashed.key(interpreter)
    assert not leftover.exists()


async def test_while_it_builds_stdlib_code_runs_and_code_importing_a_package_waits_for_it(tmp_path, monkeypatch):
    storage = tmp_path / "storage"
    environment = SandboxEnvironment(requirements(tmp_path), storage / "sandbox-env")
    release = threading.Event()
    real_build = environment._build

    def slow_build(interpreter, target):
        release.wait(60)
        real_build(interpreter, target)

    monkeypatch.setattr(environment, "_build", slow_build)
    runner = runner_for(environment, storage)
    try:
        assert await runner.run("python3", "import json\ndef main():\n    return {'ok': json.dumps(1)}", {}) == {
            "ok": "1"
        }
        waiting = asyncio.create_task(runner.run("python3", SIX, {}))
        done, _ = await asyncio.wait({waiting}, timeout=2)
        assert not done  # the install cannot finish before `release`: the node is waiting, not failed
    finally:
        release.set()
    assert (await asyncio.wait_for(waiting, 120))["version"]
    assert environment.state == "ready"


async def test_a_list_that_cannot_be_installed_fails_the_build_not_weir(tmp_path):
    storage = tmp_path / "storage"
    environment = SandboxEnvironment(requirements(tmp_path, "this is not a requirement !!!\n"), storage / "sandbox-env")
    runner = runner_for(environment, storage)
    assert await asyncio.to_thread(environment.wait, 120)
    assert environment.state == "failed" and environment.error
    assert [p for p in (storage / "sandbox-env").iterdir() if p.name != ".lock"] == []
    with pytest.raises(CodeExecutionFailed, match="could not be installed"):
        await runner.run("python3", SIX, {})


def test_without_uv_it_falls_back_to_venv_and_pip(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox_env, "find_uv", lambda: None)
    interpreter = os.path.realpath(sys.executable)
    environment = SandboxEnvironment(requirements(tmp_path), tmp_path / "sandbox-env")
    environment.start(interpreter)
    assert environment.wait(120)
    # Some interpreters ship without ensurepip (Debian's python3 without python3-venv): then it fails, said.
    assert environment.state == "ready" or "venv" in (environment.error or "")


async def test_the_default_list_installs_and_imports(tmp_path):
    """The shipped list (numpy, pandas, …), from a warm uv cache: about 10 s here."""
    storage = tmp_path / "storage"
    environment = SandboxEnvironment(DEFAULT_REQUIREMENTS, storage / "sandbox-env")
    runner = runner_for(environment, storage)
    await asyncio.to_thread(ready, environment)
    code = (
        "import numpy, pandas, yaml, jinja2, bs4, json_repair, requests, httpx\n"
        "def main():\n"
        "    frame = pandas.DataFrame({'a': numpy.arange(4)})\n"
        "    return {'sum': int(frame.a.sum()), 'yaml': yaml.safe_load('x: 1'), 'fixed': json_repair.loads('{a: 1')}"
    )
    assert await runner.run("python3", code, {}) == {"sum": 6, "yaml": {"x": 1}, "fixed": {"a": 1}}
