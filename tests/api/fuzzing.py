"""Schemathesis over Dify's OpenAPI document (tests/fixtures/spec), against weir's Quart app in process (ASGI).

Shared by tests/api/test_schemathesis.py (a bounded run in the suite) and bench/schemathesis_run.py (a longer
one). The app runs on schemathesis' ASGI client: its own event loop thread, where the app's lifespan (pools,
queue) starts and every request is served, so the container given here must not have been used on another
loop. A workspace is set up through the API first: a chat app on a loopback OpenAI-compatible stub (its own
thread), a completion app, a published workflow app (start → end), a Knowledge API key with a dataset and a
document, and a conversation: generated requests carry the right key for their route, and half of them name
these real ids instead of generated ones, so they reach past the 404s.

Each operation weir serves is run in positive (schema-valid) and negative (schema-violating) modes with
hypothesis (`derandomize`: the same cases every run). Checks: no 5xx (`not_a_server_error`) everywhere, and
`response_schema_conformance` but where the vendored document is known wrong (KNOWN_WRONG).
"""

import asyncio
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from quart import Quart
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.integration.openai_stub_server import StubOpenAIServer

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "spec" / "dify-openapi-service.json"
OWNER = {"email": "owner@example.com", "name": "Owner", "password": "secret123"}

# Where weir does what Dify does and the document says otherwise (see test_openapi_conformance.KNOWN_MISMATCHES):
# the body is not checked against the document there, only for a 5xx. Streams neither: the document types a
# text/event-stream response as one string, which schemathesis applies to each event it parses ({"data": …}); the
# events are checked one by one against their own schemas (ChunkChatEvent, …) in test_openapi_conformance.
KNOWN_WRONG = {
    "GET /site": "unset chat_color_theme, copyright and privacy_policy are null in Dify and weir; the spec types "
                 "them as non-nullable strings",
}

MINIMAL_WORKFLOW = {
    "app": {"name": "Fuzzed flow", "mode": "workflow", "description": "", "icon": "🤖", "icon_background": "#FFEAD5"},
    "kind": "app", "version": "0.3.0", "dependencies": [],
    "workflow": {
        "conversation_variables": [], "environment_variables": [], "features": {},
        "graph": {
            "nodes": [
                {"id": "start", "type": "custom", "data": {"type": "start", "title": "Start", "variables": [
                    {"variable": "text", "label": "Text", "type": "text-input", "required": False,
                     "max_length": 256}]}},
                {"id": "end", "type": "custom", "data": {"type": "end", "title": "End", "outputs": [
                    {"variable": "text", "value_selector": ["start", "text"]}]}},
            ],
            "edges": [{"id": "start-end", "source": "start", "sourceHandle": "source", "target": "end",
                       "targetHandle": "target", "type": "custom"}],
        },
    },
}


class StubInThread:
    """The loopback OpenAI-compatible stub, served from an event loop of its own."""

    def __init__(self) -> None:
        self.server = StubOpenAIServer()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> StubOpenAIServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(timeout=10)
        return self.server

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@dataclass
class Workspace:
    keys: dict[str, str]  # chat, completion, workflow, dataset
    ids: dict[str, str]  # path parameter name -> a real id

    def key_for(self, path: str) -> str:
        if path.startswith(("/datasets", "/workspaces")):
            return self.keys["dataset"]
        if path.startswith("/completion-messages"):
            return self.keys["completion"]
        if path.startswith(("/workflows", "/workflow/")):
            return self.keys["workflow"]
        return self.keys["chat"]


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.text[:500])
    return response.json()


def set_up_workspace(client: asgi.ASGIClient, stub_url: str) -> Workspace:
    """Through the API, as a workspace owner would."""
    _ok(client.post("/console/api/setup", json=OWNER), 201)
    token = _ok(client.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]}))
    console = {"Authorization": f"Bearer {token['data']['access_token']}"}
    _ok(client.post("/console/api/workspaces/current/model-providers/openai_api_compatible/credentials",
                    headers=console, json={"credentials": {"api_key": "sk-stub", "endpoint_url": stub_url,
                                                           "models": [{"name": "stub-model", "context_size": 4096}]}}))
    keys = {}
    for mode in ("chat", "completion"):
        app = _ok(client.post("/console/api/apps", headers=console, json={"name": f"Fuzzed {mode}", "mode": mode}), 201)
        _ok(client.post(f"/console/api/apps/{app['id']}/model-config", headers=console, json={
            "model": {"provider": "openai_api_compatible", "name": "stub-model", "mode": "chat",
                      "completion_params": {"max_tokens": 64}},
            "pre_prompt": "You are terse.", "user_input_form": [], "suggested_questions_after_answer": {"enabled": True},
        }))
        keys[mode] = _ok(client.post(f"/console/api/apps/{app['id']}/api-keys", headers=console), 201)["token"]
    imported = _ok(client.post("/console/api/apps/imports", headers=console, json={
        "mode": "yaml-content", "yaml_content": json.dumps(MINIMAL_WORKFLOW, ensure_ascii=False), "publish": True}))
    assert imported["status"].startswith("completed") and not imported["error"], imported
    keys["workflow"] = _ok(client.post(f"/console/api/apps/{imported['app_id']}/api-keys", headers=console),
                           201)["token"]
    keys["dataset"] = _ok(client.post("/console/api/datasets/api-keys", headers=console), 201)["token"]

    chat = {"Authorization": f"Bearer {keys['chat']}"}
    answer = _ok(client.post("/v1/chat-messages", headers=chat,
                             json={"query": "hello", "user": "alice", "inputs": {}, "response_mode": "blocking"}))
    dataset_key = {"Authorization": f"Bearer {keys['dataset']}"}
    dataset = _ok(client.post("/v1/datasets", headers=dataset_key, json={"name": "Fuzzed docs",
                                                                         "indexing_technique": "economy"}))
    document = _ok(client.post(f"/v1/datasets/{dataset['id']}/document/create-by-text", headers=dataset_key, json={
        "name": "notes", "text": "Refunds within 30 days.", "indexing_technique": "economy",
        "process_rule": {"mode": "automatic"}}))
    ids = {
        "conversation_id": answer["conversation_id"], "message_id": answer["message_id"],
        "dataset_id": dataset["id"], "document_id": document["document"]["id"], "batch": document["batch"],
        "workflow_id": imported["app_id"],
    }
    return Workspace(keys=keys, ids=ids)


def served(app: Quart, method: str, path: str) -> bool:
    """Whether weir routes `method path` (the document's path, under /v1), whatever its parameters."""
    concrete = "/v1" + re.sub(r"\{[^}]+\}", "00000000-0000-7000-8000-000000000001", path)
    try:
        app.url_map.bind("testserver").match(concrete, method=method)
    except (NotFound, MethodNotAllowed):
        return False
    return True


@dataclass
class OperationReport:
    label: str
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)  # check name -> its first messages
    failed_checks: Counter = field(default_factory=Counter)  # check name -> how many cases failed it

    def failed(self, check: str, message: str) -> None:
        self.failed_checks[check] += 1
        self.failures.setdefault(check, [])
        if len(self.failures[check]) < 3:
            self.failures[check].append(message)

    @property
    def failure_count(self) -> int:
        return sum(self.failed_checks.values())


def run(app: Quart, client: asgi.ASGIClient, workspace: Workspace, max_examples: int,
        operations: set[str] | None = None) -> list[OperationReport]:
    schema = schemathesis.openapi.from_path(SPEC)
    schema.app = app
    reports = []
    # Deleting last, datasets at the very end: a case that deletes a real id must not empty the others' world.
    ordered = sorted((result.ok() for result in schema.get_all_operations()),
                     key=lambda op: (op.method.upper() == "DELETE", op.path == "/datasets/{dataset_id}"))
    for operation in ordered:
        label = f"{operation.method.upper()} {operation.path}"
        if not served(app, operation.method.upper(), operation.path) or (operations and label not in operations):
            continue
        report = OperationReport(label)
        checks = [not_a_server_error] + ([] if label in KNOWN_WRONG else [response_schema_conformance])
        headers = {"Authorization": f"Bearer {workspace.key_for(operation.path)}"}
        real_ids = {name: workspace.ids[name] for name in workspace.ids
                    if any(p.name == name for p in operation.path_parameters)}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for fixed in ({}, real_ids) if real_ids else ({},):
                _explore(operation, mode, fixed, headers, checks, client, report, max_examples)
        reports.append(report)
    return reports


def _explore(operation: Any, mode: GenerationMode, path_parameters: dict, headers: dict, checks: list,
             client: asgi.ASGIClient, report: OperationReport, max_examples: int) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

    @settings(max_examples=max_examples, derandomize=True, database=None, deadline=None, print_blob=False,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def explore(case: schemathesis.Case) -> None:
        try:
            response = case.call(session=client, base_url="http://testserver/v1", headers=headers)
        except Exception as error:  # the app raised through ASGI: as bad as a 500
            report.cases += 1
            report.failed("not_a_server_error", f"{type(error).__name__}: {error}"[:300])
            return
        report.cases += 1
        report.statuses[response.status_code] += 1
        streamed = any(v.startswith("text/event-stream") for v in response.headers.get("content-type", []))
        try:
            case.validate_response(response, checks=[not_a_server_error] if streamed else checks, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                report.failed(_check_name(failure), f"{response.status_code} {failure.title}: "
                                                    f"{str(failure.message)[:300]} <- {case.as_curl_command()[:300]}")

    try:
        explore()
    except Exception as error:  # schemathesis could not generate cases from this part of the document
        report.failed("generation", f"{mode.value} {type(error).__name__}: {error}"[:300])


def _check_name(failure: Any) -> str:
    name = type(failure).__name__
    return {"ServerError": "not_a_server_error"}.get(name, "response_schema_conformance" if "Schema" in name else name)
