"""The workflow editor's variable inspector over real HTTP with a cookie session: a value edited (kept to its
type), read by a single-step run of the node after it, reset to what the last run stored, forgotten when the
inspector is cleared; and the draft's sys values from its last test run. None of it for another workspace,
nor without the CSRF header."""

import json

import httpx
import pytest

from tests.api.console_web import set_up_console

COUNT = "def main(name: str) -> dict:\n    return {'loud': name.upper(), 'count': len(name)}\n"
ECHO = "def main(loud: str, count: int) -> dict:\n    return {'out': loud + '!' * count}\n"


def _node(nid: str, data: dict) -> dict:
    return {"id": nid, "type": "custom", "data": data}


def _edge(source: str, target: str) -> dict:
    return {"id": f"{source}-{target}", "source": source, "target": target, "sourceHandle": "source"}


def _code(nid: str, code: str, variables: dict, outputs: dict) -> dict:
    return _node(
        nid,
        {
            "type": "code",
            "title": nid,
            "code_language": "python3",
            "code": code,
            "variables": [{"variable": k, "value_selector": v} for k, v in variables.items()],
            "outputs": {k: {"type": t, "children": None} for k, t in outputs.items()},
        },
    )


START = _node(
    "start",
    {"type": "start", "title": "Start", "variables": [{"variable": "name", "label": "Name", "type": "text-input"}]},
)
SHOUT = _code("shout", COUNT, {"name": ["start", "name"]}, {"loud": "string", "count": "number"})
ECHO_NODE = _code("echo", ECHO, {"loud": ["shout", "loud"], "count": ["shout", "count"]}, {"out": "string"})
END = _node("end", {"type": "end", "title": "End", "outputs": [{"variable": "out", "value_selector": ["echo", "out"]}]})
WORKFLOW = {
    "nodes": [START, SHOUT, ECHO_NODE, END],
    "edges": [_edge("start", "shout"), _edge("shout", "echo"), _edge("echo", "end")],
}
ANSWER = _node("answer", {"type": "answer", "title": "Answer", "answer": "{{#echo.out#}}"})
CHATFLOW = {
    "nodes": [START, SHOUT, ECHO_NODE, ANSWER],
    "edges": [_edge("start", "shout"), _edge("shout", "echo"), _edge("echo", "answer")],
}
TURNS = {"id": "v-turns", "name": "turns", "value_type": "number", "value": 0, "description": ""}


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with set_up_console(database_url, tmp_path_factory.mktemp("inspector") / "storage") as server:
        yield server


@pytest.fixture(scope="module")
def browser(web):
    return web.signed_in()


def _events(response: httpx.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    return [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]


def _app(browser, mode: str, graph: dict, **draft) -> str:
    made = browser.post("/apps", json={"name": mode, "mode": mode, "icon": "🤖", "icon_type": "emoji"})
    assert made.status_code == 201, made.text
    app_id = made.json()["id"]
    saved = browser.post(f"/apps/{app_id}/workflows/draft", json={"graph": graph, "features": {}, **draft})
    assert saved.status_code == 200, saved.text
    return app_id


@pytest.fixture(scope="module")
def workflow_app(browser) -> str:
    app_id = _app(browser, "workflow", WORKFLOW)
    events = _events(browser.post(f"/apps/{app_id}/workflows/draft/run", json={"inputs": {"name": "ada"}}))
    assert events[-1]["event"] == "workflow_finished" and events[-1]["data"]["outputs"] == {"out": "ADA!!!"}
    return app_id


@pytest.fixture(scope="module")
def chatflow_app(browser) -> str:
    return _app(browser, "advanced-chat", CHATFLOW, conversation_variables=[TURNS])


def _by_name(browser, draft: str, node_id: str) -> dict[str, dict]:
    return {v["name"]: v for v in browser.get(f"{draft}/nodes/{node_id}/variables").json()["items"]}


def test_an_edited_value_is_what_the_next_node_reads_alone_until_reset(browser, workflow_app):
    draft = f"/apps/{workflow_app}/workflows/draft"
    loud = _by_name(browser, draft, "shout")["loud"]
    assert (loud["value"], loud["edited"]) == ("ADA", False)
    edited = browser.patch(f"{draft}/variables/{loud['id']}", json={"value": "BOB"})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["value"], edited.json()["edited"], edited.json()["id"]) == ("BOB", True, loud["id"])
    assert browser.get(f"{draft}/variables/{loud['id']}").json()["value"] == "BOB"
    listed = {v["name"]: v for v in browser.get(f"{draft}/variables").json()["items"]}
    assert listed["loud"]["edited"] is True and listed["count"]["edited"] is False
    count = _by_name(browser, draft, "shout")["count"]
    assert browser.patch(f"{draft}/variables/{count['id']}", json={"value": 1}).json()["value"] == 1
    # The node after it, run alone, reads the edited values (the editor sends none of its own).
    ran = browser.post(f"{draft}/nodes/echo/run", json={"inputs": {}})
    assert ran.status_code == 200 and ran.json()["outputs"] == {"out": "BOB!"}, ran.text
    # The editor's inputs still win over the inspector's.
    ran = browser.post(f"{draft}/nodes/echo/run", json={"inputs": {"#shout.loud#": "CY"}})
    assert ran.json()["outputs"] == {"out": "CY!"}
    reset = browser.put(f"{draft}/variables/{loud['id']}/reset")
    assert reset.status_code == 200 and (reset.json()["value"], reset.json()["edited"]) == ("ADA", False)
    assert browser.post(f"{draft}/nodes/echo/run", json={"inputs": {}}).json()["outputs"] == {"out": "ADA!"}
    # Running the node again outdates an edit made before.
    browser.post(f"{draft}/nodes/shout/run", json={"inputs": {"#start.name#": "zoe"}})
    fresh = _by_name(browser, draft, "shout")
    assert (fresh["count"]["value"], fresh["count"]["edited"]) == (3, False)
    assert browser.post(f"{draft}/nodes/echo/run", json={"inputs": {}}).json()["outputs"] == {"out": "ZOE!!!"}


def test_an_edit_keeps_the_variable_s_type_and_bad_edits_change_nothing(browser, workflow_app):
    draft = f"/apps/{workflow_app}/workflows/draft"
    shown = _by_name(browser, draft, "shout")
    count, loud = shown["count"], shown["loud"]
    for variable, body in [
        (count, {"value": "abc"}),
        (count, {"value": True}),
        (count, {"value": [1]}),
        (loud, {"value": 5}),
        (loud, {"value": {"a": 1}}),
        (loud, {"name": "renamed", "value": "X"}),
        (loud, {"name": 3}),
    ]:
        refused = browser.patch(f"{draft}/variables/{variable['id']}", json=body)
        assert refused.status_code == 400, (body, refused.text)
        assert refused.json()["code"] == "invalid_param" and refused.json()["status"] == 400
    assert _by_name(browser, draft, "shout") == shown
    same = browser.patch(f"{draft}/variables/{loud['id']}", json={"name": "loud"})
    assert same.status_code == 200 and same.json()["edited"] is False
    assert browser.patch(f"{draft}/variables/{loud['id']}", json={"value": None}).json()["edited"] is False
    unknown = browser.patch(f"{draft}/variables/00000000-0000-0000-0000-000000000000", json={"value": "x"})
    assert unknown.status_code == 404


def test_the_sys_values_are_the_last_test_run_s(browser, workflow_app, chatflow_app):
    draft = f"/apps/{workflow_app}/workflows/draft"
    shown = {v["name"]: v for v in browser.get(f"{draft}/system-variables").json()["items"]}
    assert set(shown) == {"files", "user_id", "app_id", "workflow_id", "workflow_run_id", "timestamp"}
    [run] = browser.get(f"/apps/{workflow_app}/workflow-runs").json()["data"]
    assert shown["workflow_run_id"]["value"] == run["id"] and shown["app_id"]["value"] == workflow_app
    assert shown["files"]["value"] == [] and shown["timestamp"]["value_type"] == "number"
    # The start node's group holds its inputs only: the run's sys values are in the system group (Dify's).
    assert set(_by_name(browser, draft, "start")) == {"name"}
    files = shown["files"]
    assert (files["type"], files["selector"], files["value_type"]) == ("sys", ["sys", "files"], "array[file]")
    assert browser.get(f"{draft}/variables/{files['id']}").json()["name"] == "files"
    refused = browser.patch(f"{draft}/variables/{shown['user_id']['id']}", json={"value": "someone"})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_param"
    chat = f"/apps/{chatflow_app}/workflows/draft"
    assert browser.get(f"{chat}/system-variables").json() == {"items": []}
    url = f"/apps/{chatflow_app}/advanced-chat/workflows/draft/run"
    events = _events(browser.post(url, json={"query": "hi", "inputs": {"name": "ada"}, "conversation_id": ""}))
    shown = {v["name"]: v["value"] for v in browser.get(f"{chat}/system-variables").json()["items"]}
    assert (shown["query"], shown["dialogue_count"]) == ("hi", 1)
    assert shown["conversation_id"] == events[-1]["conversation_id"]
    assert shown["workflow_run_id"] == events[0]["workflow_run_id"]
    assert browser.delete(f"{chat}/variables").status_code == 204
    assert browser.get(f"{chat}/system-variables").json() == {"items": []}


def test_a_conversation_variable_is_edited_reset_and_cleared(browser, chatflow_app):
    draft = f"/apps/{chatflow_app}/workflows/draft"
    [turns] = browser.get(f"{draft}/conversation-variables").json()["items"]
    assert (turns["value"], turns["edited"]) == (0, False)
    refused = browser.patch(f"{draft}/variables/{turns['id']}", json={"value": "many"})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_param"
    assert browser.patch(f"{draft}/variables/{turns['id']}", json={"value": 4}).json()["edited"] is True
    [edited] = browser.get(f"{draft}/conversation-variables").json()["items"]
    assert (edited["value"], edited["edited"]) == (4, True)
    reset = browser.put(f"{draft}/variables/{turns['id']}/reset").json()
    assert (reset["value"], reset["edited"]) == (0, False)
    browser.patch(f"{draft}/variables/{turns['id']}", json={"value": 9})
    assert browser.delete(f"{draft}/variables").status_code == 204
    [cleared] = browser.get(f"{draft}/conversation-variables").json()["items"]
    assert (cleared["value"], cleared["edited"]) == (0, False)


def _routes(web, browser, workflow_app: str) -> list[tuple[str, str, dict | None]]:
    draft = f"/apps/{workflow_app}/workflows/draft"
    variable = _by_name(browser, draft, "shout")["loud"]["id"]
    return [
        ("PATCH", f"{draft}/variables/{variable}", {"value": "X"}),
        ("PUT", f"{draft}/variables/{variable}/reset", None),
        ("GET", f"{draft}/system-variables", None),
    ]


def test_another_workspace_sees_none_of_it(web, browser, workflow_app):
    other = web.signed_in_as("other@example.com", "other-pass-123")
    for method, path, body in _routes(web, browser, workflow_app):
        response = other.request(method, path, json=body)
        assert response.status_code == 404, (path, response.text)


def test_no_csrf_header_no_access(web, browser, workflow_app):
    for method, path, body in _routes(web, browser, workflow_app):
        response = browser.bare(method, path, json=body)
        assert response.status_code == 401, (path, response.text)
    assert _by_name(browser, f"/apps/{workflow_app}/workflows/draft", "shout")["loud"]["edited"] is False
