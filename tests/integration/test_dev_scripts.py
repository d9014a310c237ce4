"""The dev scripts find uv on their own, whichever python3 comes first on PATH.

The tests (and anything under `uv run`) start them with the project's virtualenv first on PATH, whose
python3 has neither uv nor pip, and often with no uv on PATH at all (`pip install --user uv` puts it in
~/.local/bin, which many shells do not list)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT, weir_env


def venv_first_and_no_uv_on_path() -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    dirs = [venv_bin, *os.environ.get("PATH", "").split(os.pathsep)]
    kept = [d for d in dict.fromkeys(dirs) if d and not os.access(os.path.join(d, "uv"), os.X_OK)]
    env = {k: v for k, v in weir_env(PATH=os.pathsep.join(kept)).items() if k not in ("UV", "WEIR_UV")}
    assert shutil.which("uv", path=env["PATH"]) is None
    assert shutil.which("python3", path=env["PATH"]) == os.path.join(venv_bin, "python3")
    return env


@pytest.mark.parametrize(
    ("script", "explanation"),
    [
        ("dev/start-worker", "the API runs tasks in-process; no worker needed"),
        ("dev/start-beat", "no scheduler needed"),
    ],
)
def test_without_uv_on_path_and_the_venv_first_the_worker_scripts_still_explain_and_exit_0(script, explanation):
    done = subprocess.run(
        ["bash", str(ROOT / script)], env=venv_first_and_no_uv_on_path(), cwd="/", capture_output=True,
        text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No Redis configured" in done.stdout and explanation in done.stdout


def test_a_uv_found_by_a_parent_script_is_reused_as_is(tmp_path):
    real = os.environ.get("WEIR_UV") or os.environ.get("UV") or shutil.which("uv")
    if not real:
        pytest.skip("not started through uv or ./dev/test: no uv to wrap")
    calls = tmp_path / "calls"
    wrapper = tmp_path / "uv"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    env = venv_first_and_no_uv_on_path() | {"WEIR_UV": str(wrapper)}
    done = subprocess.run(["bash", str(ROOT / "dev/start-beat")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sync --frozen" in calls.read_text() and "run --frozen" in calls.read_text()
