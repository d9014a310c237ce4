"""The workflow editor over real HTTP with a cookie session: a chatflow's preview chat on its draft, the run
history panel (list, counts, a run's detail and trace), and a node of the draft run on its own with its last
run; none of it for another workspace, nor without the CSRF header."""

import json

import httpx
import pytest

from tests.api.console_web import ADMIN, set_up_console, threaded_stub_model, with_stub_model
from tests.integration.openai_stub_server import DEFAULT_USAGE

MODEL = {"provider": "openai_api_compatible", "name": "stub-model", "mode": "chat", "completion_params": {}}
SHOUT = "def main(name: str) -> dict:\n    return {'loud': name.upper()}\n"


def _node(nid: str, data: dict) -> dict:
    return {"id": nid, "type": "custom", "data": data}


def _edge(source: str, target: str) -> dict:
    return {"id": f"{source}-{target}", "source": source, "target": target, "sourceHandle": "source"}


CODE = _node(
    "code",
    {
        "type": "code",
        "title": "Shout",
        "code_language": "python3",
        "code": SHOUT,
        "variables": [{"variable": "name", "value_selector": ["start", "name"]}],
        "outputs": {"loud": {"type": "string", "children": None}},
    },
)
LLM = _node(
    "llm",
    {
        "type": "llm",
        "title": "LLM",
        "model": MODEL,
        "prompt_template": [{"role": "user", "text": "Greet {{#code.loud#}}{{#sys.query#}}"}],
    },
)
START = _node(
    "start",
    {"type": "start", "title": "Start", "variables": [{"variable": "name", "label": "Name", "type": "text-input"}]},
)
WORKFLOW = {
    "nodes": [
        START,
        CODE,
        LLM,
        _node(
            "end",
            {
                "type": "end",
                "title": "End",
                "outputs": [
                    {"variable": "loud", "value_selector": ["code", "loud"]},
                    {"variable": "greeting", "value_selector": ["llm", "text"]},
                ],
            },
        ),
    ],
    "edges": [_edge("start", "code"), _edge("code", "llm"), _edge("llm", "end")],
}
CHATFLOW = {
    "nodes": [
        START,
        CODE,
        LLM,
        _node("answer", {"type": "answer", "title": "Answer", "answer": "{{#llm.text#}}!"}),
    ],
    "edges": [_edge("start", "code"), _edge("code", "llm"), _edge("llm", "answer")],
}


@pytest.fixture(scope="module")
def upstream():
    with threaded_stub_model() as server:
        yield server


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with set_up_console(database_url, tmp_path_factory.mktemp("editor") / "storage") as server:
        yield server


@pytest.fixture(scope="module")
def browser(web, upstream):
    return with_stub_model(web.signed_in(), upstream)


def _app(browser, mode: str, graph: dict) -> str:
    made = browser.post("/apps", json={"name": mode, "mode": mode, "icon": "🤖", "icon_type": "emoji"})
    assert made.status_code == 201, made.text
    app_id = made.json()["id"]
    assert browser.post(f"/apps/{app_id}/workflows/draft", json={"graph": graph, "features": {}}).status_code == 200
    return app_id


def _events(response: httpx.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    return [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]


@pytest.fixture(scope="module")
def workflow_app(browser) -> str:
    return _app(browser, "workflow", WORKFLOW)


@pytest.fixture(scope="module")
def test_run(browser, workflow_app) -> dict:
    """The editor's test run of the workflow draft: its workflow_finished event."""
    events = _events(browser.post(f"/apps/{workflow_app}/workflows/draft/run", json={"inputs": {"name": "ada"}}))
    assert events[-1]["event"] == "workflow_finished", events[-1]
    return events[-1]


def test_a_test_run_names_its_executor_in_workflow_finished(test_run):
    """The editor's result panel reads the executor from workflow_finished: without it the panel said N/A."""
    assert {k: test_run["data"]["created_by"][k] for k in ("name", "email")} == {k: ADMIN[k] for k in ("name", "email")}


def test_the_run_history_lists_the_editor_s_test_runs(web, browser, workflow_app, test_run):
    # A published run from the Service API is the app's run, not one of the editor's test runs (Dify's default).
    assert browser.post(f"/apps/{workflow_app}/workflows/publish", json={}).status_code == 200
    key = browser.post(f"/apps/{workflow_app}/api-keys").json()["token"]
    published = httpx.post(
        web.base_url + "/v1/workflows/run",
        json={"inputs": {"name": "bob"}, "response_mode": "blocking", "user": "carol"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert published.status_code == 200, published.text
    history = browser.get(f"/apps/{workflow_app}/workflow-runs")
    assert history.status_code == 200, history.text
    body = history.json()
    assert (body["limit"], body["has_more"]) == (20, False)
    [run] = body["data"]
    assert run["id"] == test_run["workflow_run_id"]
    assert (run["status"], run["version"], run["total_steps"]) == ("succeeded", "draft", 4)
    assert run["total_tokens"] == DEFAULT_USAGE["total_tokens"]
    assert run["elapsed_time"] == test_run["data"]["elapsed_time"] and run["elapsed_time"] > 0
    assert run["created_by_account"]["email"] == ADMIN["email"]
    assert run["finished_at"] >= run["created_at"] > 0 and run["exceptions_count"] == 0
    apps_runs = browser.get(f"/apps/{workflow_app}/workflow-runs", params={"triggered_from": "app-run"}).json()
    assert [r["id"] for r in apps_runs["data"]] == [published.json()["workflow_run_id"]]
    assert apps_runs["data"][0]["created_by_account"] is None
    counts = browser.get(f"/apps/{workflow_app}/workflow-runs/count").json()
    assert counts == {
        "total": 1,
        "running": 0,
        "succeeded": 1,
        "failed": 0,
        "stopped": 0,
        "partial_succeeded": 0,
    }
    assert browser.get(f"/apps/{workflow_app}/workflow-runs", params={"status": "failed"}).json()["data"] == []
    assert browser.get(f"/apps/{workflow_app}/workflow-runs", params={"status": "nope"}).status_code == 400
    assert browser.get(f"/apps/{workflow_app}/workflow-runs", params={"limit": 0}).status_code == 400
    # The editor's test runs stay out of the app's logs page, as in Dify.
    logs = browser.get(f"/apps/{workflow_app}/workflow-app-logs").json()
    assert [e["workflow_run"]["id"] for e in logs["data"]] == [published.json()["workflow_run_id"]]


def test_the_history_pages_after_the_last_run_shown(browser, workflow_app, test_run):
    later = _events(browser.post(f"/apps/{workflow_app}/workflows/draft/run", json={"inputs": {"name": "eve"}}))
    newest = later[-1]["workflow_run_id"]
    first = browser.get(f"/apps/{workflow_app}/workflow-runs", params={"limit": 1}).json()
    assert [r["id"] for r in first["data"]] == [newest] and first["has_more"] is True
    rest = browser.get(f"/apps/{workflow_app}/workflow-runs", params={"limit": 1, "last_id": newest}).json()
    assert [r["id"] for r in rest["data"]] == [test_run["workflow_run_id"]] and rest["has_more"] is False
    assert browser.get(f"/apps/{workflow_app}/workflow-runs", params={"last_id": "x"}).status_code == 400


def test_a_run_s_detail_and_trace(browser, workflow_app, test_run):
    run_id = test_run["workflow_run_id"]
    detail = browser.get(f"/apps/{workflow_app}/workflow-runs/{run_id}")
    assert detail.status_code == 200, detail.text
    run = detail.json()
    assert [n["id"] for n in run["graph"]["nodes"]] == ["start", "code", "llm", "end"]
    assert run["inputs"]["name"] == "ada"
    assert run["outputs"] == {"loud": "ADA", "greeting": "Hello world"}
    assert (run["status"], run["error"], run["total_steps"]) == ("succeeded", None, 4)
    assert run["total_tokens"] == DEFAULT_USAGE["total_tokens"] and run["elapsed_time"] > 0
    assert run["created_by_role"] == "account" and run["created_by_account"]["email"] == ADMIN["email"]
    assert run["created_by_end_user"] is None
    trace = browser.get(f"/apps/{workflow_app}/workflow-runs/{run_id}/node-executions")
    assert trace.status_code == 200, trace.text
    nodes = trace.json()["data"]
    assert [n["node_id"] for n in nodes] == ["start", "code", "llm", "end"]
    assert len(nodes) == run["total_steps"]
    code, llm = nodes[1], nodes[2]
    assert (code["node_type"], code["title"], code["status"]) == ("code", "Shout", "succeeded")
    assert code["outputs"] == {"loud": "ADA"} and code["inputs"] == {"name": "ada"}
    assert code["predecessor_node_id"] == "start" and code["elapsed_time"] > 0
    assert llm["execution_metadata"]["total_tokens"] == DEFAULT_USAGE["total_tokens"]
    assert llm["outputs"]["text"] == "Hello world"
    assert all(n["created_by_account"]["email"] == ADMIN["email"] for n in nodes)
    missing = browser.get(f"/apps/{workflow_app}/workflow-runs/{workflow_app}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_a_node_runs_alone_and_is_its_last_run(browser, workflow_app, test_run):
    ran = browser.post(f"/apps/{workflow_app}/workflows/draft/nodes/code/run", json={"inputs": {"#start.name#": "lin"}})
    assert ran.status_code == 200, ran.text
    execution = ran.json()
    assert (execution["node_id"], execution["node_type"], execution["status"]) == ("code", "code", "succeeded")
    assert execution["inputs"] == {"name": "lin"} and execution["outputs"] == {"loud": "LIN"}
    assert execution["elapsed_time"] > 0 and execution["finished_at"] >= execution["created_at"]
    assert execution["created_by_account"]["email"] == ADMIN["email"]
    last = browser.get(f"/apps/{workflow_app}/workflows/draft/nodes/code/last-run")
    assert last.status_code == 200 and last.json()["id"] == execution["id"]
    # The llm node last ran in the test run (tokens from the stub), then alone with the editor's value.
    in_run = browser.get(f"/apps/{workflow_app}/workflows/draft/nodes/llm/last-run").json()
    assert in_run["execution_metadata"]["total_tokens"] == DEFAULT_USAGE["total_tokens"]
    alone = browser.post(f"/apps/{workflow_app}/workflows/draft/nodes/llm/run", json={"inputs": {"#code.loud#": "X"}})
    assert alone.json()["execution_metadata"]["total_tokens"] == DEFAULT_USAGE["total_tokens"]
    unknown = browser.post(f"/apps/{workflow_app}/workflows/draft/nodes/nope/run", json={"inputs": {}})
    assert unknown.status_code == 404


def test_a_node_of_an_unfinished_draft_runs_and_fails_as_a_node(browser):
    broken = {**CODE, "data": {**CODE["data"], "code": "def main(name: str) -> dict:\n    raise ValueError('no')\n"}}
    app_id = _app(browser, "workflow", {"nodes": [CODE, {**broken, "id": "broken"}], "edges": []})  # no start node
    never = browser.get(f"/apps/{app_id}/workflows/draft/nodes/code/last-run")
    assert never.status_code == 404 and never.json()["code"] == "not_found"
    ran = browser.post(f"/apps/{app_id}/workflows/draft/nodes/code/run", json={"inputs": {"#start.name#": "q"}})
    assert ran.status_code == 200 and ran.json()["outputs"] == {"loud": "Q"}
    failed = browser.post(f"/apps/{app_id}/workflows/draft/nodes/broken/run", json={"inputs": {"#start.name#": "q"}})
    assert failed.status_code == 200, failed.text
    assert failed.json()["status"] == "failed" and "no" in failed.json()["error"]
    # Runs and publish still check the whole graph.
    refused = browser.post(f"/apps/{app_id}/workflows/draft/run", json={"inputs": {}})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_param"
    assert browser.post(f"/apps/{app_id}/workflows/publish", json={}).status_code == 400


@pytest.fixture(scope="module")
def chatflow_app(browser) -> str:
    return _app(browser, "advanced-chat", CHATFLOW)


def test_a_chatflow_s_preview_chat_streams_its_draft(browser, chatflow_app):
    url = f"/apps/{chatflow_app}/advanced-chat/workflows/draft/run"
    events = _events(browser.post(url, json={"query": "hi", "inputs": {"name": "ada"}, "conversation_id": ""}))
    names = [e["event"] for e in events]
    assert names[0] == "workflow_started" and names[-2:] == ["workflow_finished", "message_end"]
    assert events[-2]["data"]["created_by"]["email"] == ADMIN["email"]
    assert [e["data"]["node_id"] for e in events if e["event"] == "node_finished"] == ["start", "code", "llm", "answer"]
    assert "".join(e["answer"] for e in events if e["event"] == "message") == "Hello world!"
    end = events[-1]
    assert end["metadata"]["usage"]["total_tokens"] == DEFAULT_USAGE["total_tokens"]
    follow_up = _events(
        browser.post(url, json={"query": "again", "inputs": {}, "conversation_id": end["conversation_id"]})
    )
    assert follow_up[-1]["conversation_id"] == end["conversation_id"]
    history = browser.get(f"/apps/{chatflow_app}/advanced-chat/workflow-runs")
    assert history.status_code == 200, history.text
    runs = history.json()["data"]
    assert [r["message_id"] for r in runs] == [follow_up[-1]["message_id"], end["message_id"]]
    assert {r["conversation_id"] for r in runs} == {end["conversation_id"]}
    assert runs[1]["id"] == events[0]["workflow_run_id"]
    assert all(r["total_tokens"] == DEFAULT_USAGE["total_tokens"] and r["total_steps"] == 4 for r in runs)
    counts = browser.get(f"/apps/{chatflow_app}/advanced-chat/workflow-runs/count").json()
    assert (counts["total"], counts["succeeded"]) == (2, 2)
    detail = browser.get(f"/apps/{chatflow_app}/workflow-runs/{runs[0]['id']}").json()
    assert detail["inputs"]["name"] == "ada" and detail["outputs"] == {}
    task = events[0]["task_id"]
    assert browser.post(f"/apps/{chatflow_app}/chat-messages/{task}/stop").json() == {"result": "success"}
    assert browser.post(f"/apps/{chatflow_app}/workflow-runs/tasks/{task}/stop").json() == {"result": "success"}


def test_the_preview_chat_needs_a_query_and_a_chatflow(browser, chatflow_app, workflow_app):
    url = "/apps/{}/advanced-chat/workflows/draft/run"
    empty = browser.post(url.format(chatflow_app), json={"query": "", "inputs": {}})
    assert empty.status_code == 400 and empty.json()["code"] == "invalid_param"
    assert browser.post(url.format(workflow_app), json={"query": "hi", "inputs": {}}).status_code == 400
    assert browser.get(f"/apps/{workflow_app}/advanced-chat/workflow-runs").status_code == 400


def test_the_variable_inspector_shows_what_the_nodes_last_produced(browser):
    app_id = _app(browser, "workflow", WORKFLOW)
    draft = f"/apps/{app_id}/workflows/draft"
    assert browser.get(f"{draft}/variables", params={"page": 1, "limit": 100}).json() == {"items": [], "total": 0}
    _events(browser.post(f"{draft}/run", json={"inputs": {"name": "ada"}}))
    listed = browser.get(f"{draft}/variables", params={"page": 1, "limit": 100}).json()
    by_selector = {tuple(v["selector"]): v for v in listed["items"]}
    assert listed["total"] == len(listed["items"]) and "value" not in listed["items"][0]
    assert {("start", "name"), ("code", "loud"), ("llm", "text"), ("end", "greeting")} <= set(by_selector)
    [loud] = browser.get(f"{draft}/nodes/code/variables").json()["items"]
    assert (loud["type"], loud["name"], loud["value"], loud["value_type"]) == ("node", "loud", "ADA", "string")
    assert loud["id"] == by_selector[("code", "loud")]["id"]
    assert browser.get(f"{draft}/variables/{loud['id']}").json()["value"] == "ADA"
    assert browser.put(f"{draft}/variables/{loud['id']}/reset").json()["value"] == "ADA"
    edited = browser.patch(f"{draft}/variables/{loud['id']}", json={"value": "other"})
    assert edited.status_code == 200 and (edited.json()["value"], edited.json()["edited"]) == ("other", True)
    # Cleared values stay hidden until the node runs again.
    assert browser.delete(f"{draft}/nodes/code/variables").status_code == 204
    assert browser.get(f"{draft}/nodes/code/variables").json()["items"] == []
    assert browser.get(f"{draft}/variables/{loud['id']}").status_code == 404
    browser.post(f"{draft}/nodes/code/run", json={"inputs": {"#start.name#": "zed"}})
    assert [v["value"] for v in browser.get(f"{draft}/nodes/code/variables").json()["items"]] == ["ZED"]
    assert browser.delete(f"{draft}/variables").status_code == 204
    assert browser.get(f"{draft}/variables").json()["total"] == 0
    assert browser.get(f"{draft}/nodes/sys/variables").status_code == 400


def test_a_code_node_s_defaults_per_language(browser, workflow_app):
    url = f"/apps/{workflow_app}/workflows/default-workflow-block-configs/code"
    for language in ("python3", "javascript"):
        config = browser.get(url, params={"q": json.dumps({"code_language": language})}).json()["config"]
        assert config["code_language"] == language and "main" in config["code"]
        assert config["outputs"] == {"result": {"type": "string", "children": None}}
    # The python default runs as a node does, once its arguments point at values.
    code = browser.get(url, params={"q": json.dumps({"code_language": "python3"})}).json()["config"]
    code["variables"] = [{"variable": v, "value_selector": ["start", v]} for v in ("arg1", "arg2")]
    app_id = _app(browser, "workflow", {"nodes": [_node("d", {"type": "code", "title": "Default", **code})]})
    inputs = {"#start.arg1#": "x", "#start.arg2#": "y"}
    ran = browser.post(f"/apps/{app_id}/workflows/draft/nodes/d/run", json={"inputs": inputs}).json()
    assert (ran["status"], ran["outputs"]) == ("succeeded", {"result": "xy"})
    assert browser.get(url.replace("/code", "/llm")).json() == {}
    assert browser.get(url, params={"q": "{"}).status_code == 400


def test_features_and_variables_are_saved_on_their_own(browser, chatflow_app):
    app_id = _app(browser, "workflow", WORKFLOW)
    draft = f"/apps/{app_id}/workflows/draft"
    features = {"opening_statement": "Hi", "suggested_questions": []}
    assert browser.post(f"{draft}/features", json={"features": features}).json() == {"result": "success"}
    secret = {"id": "env-1", "name": "region", "value": "eu", "value_type": "string", "description": "where"}
    assert browser.post(f"{draft}/environment-variables", json={"environment_variables": [secret]}).status_code == 200
    saved = browser.get(draft).json()
    assert saved["features"] == features and saved["environment_variables"] == [secret]
    assert [n["id"] for n in saved["graph"]["nodes"]] == ["start", "code", "llm", "end"]  # the rest as it was
    [env] = browser.get(f"{draft}/environment-variables").json()["items"]
    assert (env["type"], env["name"], env["value"], env["selector"]) == ("env", "region", "eu", ["env", "region"])
    bad = browser.post(f"{draft}/environment-variables", json={"environment_variables": [{"value": 1}]})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_param"
    turns = {"id": "v-turns", "name": "turns", "value_type": "number", "value": 0, "description": ""}
    not_chat = browser.post(f"{draft}/conversation-variables", json={"conversation_variables": [turns]})
    assert not_chat.status_code == 400
    chat_draft = f"/apps/{chatflow_app}/workflows/draft"
    saved = browser.post(f"{chat_draft}/conversation-variables", json={"conversation_variables": [turns]})
    assert saved.json() == {"result": "success"}
    [variable] = browser.get(f"{chat_draft}/conversation-variables").json()["items"]
    assert (variable["type"], variable["name"], variable["value"]) == ("conversation", "turns", 0)
    assert browser.get(chat_draft).json()["conversation_variables"] == [turns]


ITERATION = {
    "nodes": [
        START,
        _node(
            "it",
            {
                "type": "iteration",
                "title": "Each",
                "iterator_selector": ["start", "items"],
                "output_selector": ["shout", "loud"],
                "start_node_id": "it-start",
            },
        ),
        {"id": "it-start", "type": "custom", "parentId": "it", "data": {"type": "iteration-start", "title": ""}},
        {
            "id": "shout",
            "type": "custom",
            "parentId": "it",
            "data": {**CODE["data"], "variables": [{"variable": "name", "value_selector": ["it", "item"]}]},
        },
    ],
    "edges": [_edge("start", "it"), _edge("it-start", "shout")],
}


def test_an_iteration_runs_alone_streamed(browser):
    app_id = _app(browser, "workflow", ITERATION)
    url = f"/apps/{app_id}/workflows/draft/iteration/nodes/it/run"
    events = _events(browser.post(url, json={"inputs": {"#start.items#": ["a", "b"]}}))
    names = [e["event"] for e in events]
    assert names[0] == "workflow_started" and "iteration_started" in names and names[-1] == "workflow_finished"
    assert names.count("iteration_next") >= 2 and "iteration_completed" in names
    inner = [e["data"] for e in events if e["event"] == "node_finished" and e["data"]["node_id"] == "shout"]
    assert sorted(d["outputs"]["loud"] for d in inner) == ["A", "B"]
    finished = events[-1]["data"]
    assert (finished["status"], finished["outputs"]) == ("succeeded", {"output": ["A", "B"]})
    assert finished["created_by"]["email"] == ADMIN["email"] and finished["elapsed_time"] > 0
    last = browser.get(f"/apps/{app_id}/workflows/draft/nodes/it/last-run").json()
    assert (last["node_type"], last["outputs"]) == ("iteration", {"output": ["A", "B"]})
    wrong = browser.post(f"/apps/{app_id}/workflows/draft/loop/nodes/it/run", json={"inputs": {}})
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_param"


def test_published_versions_are_named_deleted_and_restored(browser):
    app_id = _app(browser, "workflow", WORKFLOW)
    named = browser.post(f"/apps/{app_id}/workflows/publish", json={"marked_name": "v1", "marked_comment": "first"})
    assert named.status_code == 200, named.text
    first = named.json()["id"]
    changed = {**WORKFLOW, "nodes": WORKFLOW["nodes"][:2], "edges": WORKFLOW["edges"][:1]}
    assert browser.post(f"/apps/{app_id}/workflows/draft", json={"graph": changed, "features": {}}).status_code == 200
    second = browser.post(f"/apps/{app_id}/workflows/publish", json={}).json()["id"]
    listed = browser.get(f"/apps/{app_id}/workflows", params={"named_only": "true"}).json()["items"]
    assert [(w["id"], w["marked_name"], w["marked_comment"]) for w in listed] == [(first, "v1", "first")]
    renamed = browser.patch(f"/apps/{app_id}/workflows/{second}", json={"marked_name": "v2"})
    assert renamed.status_code == 200 and renamed.json()["marked_name"] == "v2"
    assert browser.patch(f"/apps/{app_id}/workflows/{second}", json={}).status_code == 400
    assert browser.patch(f"/apps/{app_id}/workflows/{second}", json={"marked_name": "x" * 21}).status_code == 400
    mine = browser.get(f"/apps/{app_id}/workflows", params={"user_id": renamed.json()["created_by"]["id"]}).json()
    draft_id = browser.get(f"/apps/{app_id}/workflows/draft").json()["id"]
    assert [w["id"] for w in mine["items"]] == [draft_id, second, first]  # the draft heads the panel's list
    assert browser.get(f"/apps/{app_id}/workflows", params={"user_id": app_id}).status_code == 403
    # The first version back as the draft; the live one cannot be deleted, an older one can.
    restored = browser.post(f"/apps/{app_id}/workflows/{first}/restore")
    assert restored.status_code == 200 and restored.json()["result"] == "success"
    draft = browser.get(f"/apps/{app_id}/workflows/draft").json()
    assert [n["id"] for n in draft["graph"]["nodes"]] == ["start", "code", "llm", "end"]
    live = browser.delete(f"/apps/{app_id}/workflows/{second}")
    assert live.status_code == 400 and live.json()["code"] == "invalid_param"
    assert browser.post(f"/apps/{app_id}/workflows/{draft['id']}/restore").status_code == 400
    assert browser.delete(f"/apps/{app_id}/workflows/{first}").status_code == 204
    assert [w["id"] for w in browser.get(f"/apps/{app_id}/workflows").json()["items"]] == [draft_id, second]
    assert browser.delete(f"/apps/{app_id}/workflows/{first}").status_code == 404


def _new_routes(workflow_app: str, chatflow_app: str, run_id: str) -> list[tuple[str, str, dict | None]]:
    draft = f"/apps/{workflow_app}/workflows/draft"
    return [
        ("POST", f"{draft}/features", {"features": {}}),
        ("POST", f"{draft}/environment-variables", {"environment_variables": []}),
        ("GET", f"{draft}/environment-variables", None),
        ("POST", f"/apps/{chatflow_app}/workflows/draft/conversation-variables", {"conversation_variables": []}),
        ("GET", f"{draft}/variables", None),
        ("DELETE", f"{draft}/variables", None),
        ("GET", f"{draft}/nodes/code/variables", None),
        ("DELETE", f"{draft}/nodes/code/variables", None),
        ("GET", f"{draft}/variables/{run_id}", None),
        ("PUT", f"{draft}/variables/{run_id}/reset", None),
        ("DELETE", f"{draft}/variables/{run_id}", None),
        ("POST", f"/apps/{chatflow_app}/advanced-chat/workflows/draft/run", {"query": "hi", "inputs": {}}),
        ("GET", f"/apps/{workflow_app}/workflow-runs", None),
        ("GET", f"/apps/{chatflow_app}/advanced-chat/workflow-runs", None),
        ("GET", f"/apps/{workflow_app}/workflow-runs/count", None),
        ("GET", f"/apps/{chatflow_app}/advanced-chat/workflow-runs/count", None),
        ("GET", f"/apps/{workflow_app}/workflow-runs/{run_id}", None),
        ("GET", f"/apps/{workflow_app}/workflow-runs/{run_id}/node-executions", None),
        ("POST", f"/apps/{workflow_app}/workflows/draft/nodes/code/run", {"inputs": {}}),
        ("GET", f"/apps/{workflow_app}/workflows/draft/nodes/code/last-run", None),
        ("POST", f"{draft}/iteration/nodes/code/run", {"inputs": {}}),
        ("POST", f"{draft}/loop/nodes/code/run", {"inputs": {}}),
        ("GET", f"/apps/{workflow_app}/workflows/default-workflow-block-configs/code", None),
        ("PATCH", f"/apps/{workflow_app}/workflows/{run_id}", {"marked_name": "x"}),
        ("DELETE", f"/apps/{workflow_app}/workflows/{run_id}", None),
        ("POST", f"/apps/{workflow_app}/workflows/{run_id}/restore", None),
    ]


def test_another_workspace_sees_none_of_it(web, workflow_app, chatflow_app, test_run):
    other = web.signed_in_as("other@example.com", "other-pass-123")
    for method, path, body in _new_routes(workflow_app, chatflow_app, test_run["workflow_run_id"]):
        response = other.request(method, path, json=body)
        assert response.status_code == 404, (path, response.text)


def test_no_csrf_header_no_access(browser, workflow_app, chatflow_app, test_run):
    for method, path, body in _new_routes(workflow_app, chatflow_app, test_run["workflow_run_id"]):
        response = browser.bare(method, path, json=body)
        assert response.status_code == 401, (path, response.text)
