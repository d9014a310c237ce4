"""A DSL file per blocker of real Dify apps (tests/fixtures/dsl), each imported, published and run against
loopback upstreams: a provider named by bare name and by plugin id, knowledge-retrieval naming datasets this
workspace lacks, reranking, and a code node importing `requests` and `pandas`. The file input and the vision
llm (file_inputs.yml, vision_llm.yml, vision_chatflow.yml) run in test_workflow_files.py, plugin ids of two
wires (two_providers.yml) in test_workflow_providers.py."""

import http.server
import json
import threading
from pathlib import Path

import pytest

from adapters.workflow.subprocess_code_runner import NAMESPACED
from entrypoints.settings import Settings
from tests.api.helpers import bearer
from tests.api.test_rerank import FakeReranker, _dataset
from tests.integration.openai_stub_server import Reply, StubOpenAIServer
from tests.polling import eventually

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dsl"


@pytest.fixture
async def deepseek(console):
    server = StubOpenAIServer()
    await server.start()
    saved = await console.client.post(
        "/console/api/workspaces/current/model-providers/deepseek/credentials",
        headers=console.headers,
        json={"credentials": {"api_key": "sk-deepseek-0123456789", "endpoint_url": server.base_url}},
    )
    assert saved.status_code == 200, await saved.get_json()
    yield server
    await server.stop()


async def _published(console, name: str, replace: dict[str, str] | None = None) -> str:
    text = (FIXTURES / name).read_text()
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    imported = await (
        await console.client.post(
            "/console/api/apps/imports", headers=console.headers, json={"mode": "yaml-content", "yaml_content": text}
        )
    ).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported.get("error")
    published = await console.client.post(
        f"/console/api/apps/{imported['app_id']}/workflows/publish", headers=console.headers
    )
    assert published.status_code == 200, await published.get_json()
    return await console.create_app_key(imported["app_id"])


async def _run(console, key: str, inputs: dict) -> dict:
    response = await console.client.post(
        "/v1/workflows/run", headers=bearer(key), json={"inputs": inputs, "response_mode": "blocking", "user": "alice"}
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    return body["data"]


async def test_a_provider_named_bare_and_by_plugin_id_is_one_provider(console, deepseek):
    key = await _published(console, "deepseek_both_names.yml")
    deepseek.replies = [Reply(deltas=("1. Beans",)), Reply(deltas=("Grind the beans.",))]
    run = await _run(console, key, {"topic": "coffee"})
    assert run["status"] == "succeeded", run
    assert run["outputs"] == {"outline": "1. Beans", "text": "Grind the beans."}
    assert [r["json"]["messages"][-1]["content"] for r in deepseek.requests] == [
        "Outline coffee",
        "Write from: 1. Beans",
    ]
    assert {r["headers"]["authorization"] for r in deepseek.requests} == {"Bearer sk-deepseek-0123456789"}


async def test_knowledge_retrieval_naming_missing_datasets_finds_nothing_and_the_run_goes_on(console, deepseek):
    key = await _published(console, "missing_dataset.yml")
    deepseek.replies = [Reply(deltas=("I do not know.",))]
    run = await _run(console, key, {"question": "How many holidays do I get?"})
    assert run["status"] == "succeeded", run
    assert run["outputs"] == {"records": [], "answer": "I do not know."}


async def test_reranking_through_a_xinference_reranker(console):
    reranker = FakeReranker()
    await reranker.start()
    try:
        saved = await console.client.post(
            "/console/api/workspaces/current/model-providers/xinference/credentials",
            headers=console.headers,
            json={
                "credentials": {
                    "server_url": reranker.server_url,
                    "api_key": "sk-rr",
                    "models": [{"name": "bge-reranker", "mode": "rerank"}],
                }
            },
        )
        assert saved.status_code == 200, await saved.get_json()
        _, dataset_id = await _dataset(console)
        key = await _published(console, "rerank.yml", {"DATASET_ID": dataset_id})
        run = await _run(console, key, {"question": "what is the office dog called"})
    finally:
        await reranker.stop()
    assert run["status"] == "succeeded", run
    (sent,) = reranker.requests
    assert sent["path"] == "/v1/rerank" and sent["model"] == "bge-reranker" and sent["top_n"] == 2
    found = run["outputs"]["result"]
    assert [f["content"] for f in found] == sent["documents"][::-1]  # the reranker's order, not retrieval's


class Scores(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps([{"name": "ada", "score": 3}, {"name": "bob", "score": 5}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def settings(tmp_path, monkeypatch, request):
    """Only the code test installs packages (requests and pandas, from uv's cache when warm)."""
    for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    extra = {}
    if request.node.name.startswith("test_a_code_node"):
        requirements = tmp_path / "requirements.txt"
        requirements.write_text("requests\npandas\n")
        extra = {"CODE_EXECUTION_PYTHON_REQUIREMENTS": str(requirements), "HTTP_REQUEST_ALLOWED_HOSTS": "localhost"}
    return Settings(STORAGE_PATH=tmp_path / "storage", _env_file=None, **extra)


async def test_a_code_node_with_requests_and_pandas_ranks_what_it_fetched(console, container):
    if container.workflows.code_runner().isolation not in NAMESPACED:
        pytest.skip("code nodes are refused here")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scores)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:

        async def packages() -> str | None:
            body = await (await console.client.get("/health")).get_json()
            state = body["checks"]["code_sandbox"].get("packages")
            return state if state in ("ready", "failed") else None

        assert await eventually(packages, timeout=300, what="requests and pandas installed") == "ready"
        key = await _published(console, "code_requests_pandas.yml")
        # Through weir's egress proxy, which lets `localhost` through (HTTP_REQUEST_ALLOWED_HOSTS).
        run = await _run(console, key, {"url": f"http://localhost:{server.server_address[1]}/scores.json"})
    finally:
        server.shutdown()
    assert run["status"] == "succeeded", run
    assert run["outputs"] == {"records": [{"name": "bob", "score": 5}, {"name": "ada", "score": 3}], "total": 8}
