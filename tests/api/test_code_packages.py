"""CODE_EXECUTION_PYTHON_REQUIREMENTS through the API: the container builds the packages' environment under
STORAGE_PATH/sandbox-env, /health shows its state, and a workflow's code node imports from it."""

import pytest

from adapters.workflow.subprocess_code_runner import NAMESPACED
from entrypoints.settings import Settings
from tests.api.test_code_sandbox import run_adder
from tests.polling import eventually


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("six\n")
    return Settings(
        STORAGE_PATH=tmp_path / "storage", CODE_EXECUTION_PYTHON_REQUIREMENTS=str(requirements), _env_file=None
    )


async def test_a_code_node_imports_a_package_of_the_configured_list(console, container, settings):
    if container.workflows.code_runner().isolation not in NAMESPACED:
        pytest.skip("code nodes are refused here")

    async def packages() -> str | None:
        body = await (await console.client.get("/health")).get_json()
        state = body["checks"]["code_sandbox"].get("packages")
        return state if state in ("ready", "failed") else None

    assert await eventually(packages, timeout=120, what="the packages' environment being built") == "ready"
    assert [p.parent for p in (settings.STORAGE_PATH / "sandbox-env").glob("*/pyvenv.cfg")]
    code = "import six\\ndef main() -> dict:\\n    return {'sum': 3 if six.__version__ else 0}\\n"
    status, run = await run_adder(console, code)
    assert status == 200 and run["data"]["status"] == "succeeded" and run["data"]["outputs"] == {"sum": 3}, run
