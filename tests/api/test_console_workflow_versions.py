"""The workflow editor's published versions over real HTTP with a cookie session: null before the first
publish, the live version after, the history newest first and paged; triggers and schema definitions empty."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest

from tests.api.console_web import ADMIN, serve_console
from tests.databases import truncate_all

GRAPH = {
    "nodes": [
        {"id": "start", "type": "custom", "data": {"type": "start", "title": "Start", "variables": []}},
        {"id": "end", "type": "custom", "data": {"type": "end", "title": "End", "outputs": []}},
    ],
    "edges": [{"id": "e", "source": "start", "target": "end"}],
}


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    truncate_all(database_url)
    with pytest.MonkeyPatch.context() as env:
        for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
            env.delenv(name, raising=False)
        with serve_console(database_url, tmp_path_factory.mktemp("versions") / "storage") as server:
            assert server.browser().post("/setup", json=ADMIN).status_code == 201
            server.add_workspace("other@example.com", "other-pass-123")
            yield server
    truncate_all(database_url)


@pytest.fixture(scope="module")
def browser(web):
    return web.signed_in()


@pytest.fixture(scope="module")
def app_id(browser) -> str:
    made = browser.post("/apps", json={"name": "Flow", "mode": "workflow", "icon": "🤖", "icon_type": "emoji"})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_versions_before_and_after_publishing(browser, app_id):
    never = browser.get(f"/apps/{app_id}/workflows/publish")
    assert never.status_code == 200 and never.json() is None
    assert browser.get(f"/apps/{app_id}/workflows").json()["items"] == []
    assert browser.post(f"/apps/{app_id}/workflows/draft", json={"graph": GRAPH, "features": {}}).status_code == 200
    draft = browser.get(f"/apps/{app_id}/workflows/draft").json()["id"]
    # Before the first publish the panel has nothing to list, not even the draft (as Dify).
    assert browser.get(f"/apps/{app_id}/workflows").json()["items"] == []
    first = browser.post(f"/apps/{app_id}/workflows/publish", json={}).json()["id"]
    second = browser.post(f"/apps/{app_id}/workflows/publish", json={}).json()["id"]
    live = browser.get(f"/apps/{app_id}/workflows/publish").json()
    assert live["id"] == second and live["version"] != "draft"
    assert [n["id"] for n in live["graph"]["nodes"]] == ["start", "end"]
    assert live["created_by"]["email"] == ADMIN["email"]
    listed = browser.get(f"/apps/{app_id}/workflows", params={"page": 1, "limit": 10}).json()
    # The panel's "Current Draft" heads the list, then the published versions newest first.
    assert [w["id"] for w in listed["items"]] == [draft, second, first]
    assert listed["items"][0]["version"] == "draft"
    assert all(w["created_by"]["name"] for w in listed["items"])  # the panel writes every row's author
    assert listed["has_more"] is False
    paged = browser.get(f"/apps/{app_id}/workflows", params={"page": 1, "limit": 1}).json()
    assert [w["id"] for w in paged["items"]] == [draft] and paged["has_more"] is True
    later = browser.get(f"/apps/{app_id}/workflows", params={"page": 2, "limit": 2}).json()
    assert [w["id"] for w in later["items"]] == [first] and later["has_more"] is False
    mine = browser.get(f"/apps/{app_id}/workflows", params={"user_id": live["created_by"]["id"]}).json()
    assert [w["id"] for w in mine["items"]] == [draft, second, first]
    assert browser.get(f"/apps/{app_id}/workflows", params={"limit": 0}).status_code == 400


def test_named_only_leaves_out_the_draft_and_the_unnamed(browser, app_id):
    listed = browser.get(f"/apps/{app_id}/workflows").json()["items"]
    oldest = listed[-1]["id"]
    named = browser.patch(f"/apps/{app_id}/workflows/{oldest}", json={"marked_name": "v1"})
    assert named.status_code == 200, named.text
    only = browser.get(f"/apps/{app_id}/workflows", params={"named_only": "true"}).json()["items"]
    assert [(w["id"], w["marked_name"]) for w in only] == [(oldest, "v1")]


def test_the_graph_and_a_part_saved_at_once_both_stay(web, app_id):
    """The editor syncs the graph and its variables in parallel: neither save fails, neither undoes the other."""
    graph = {**GRAPH, "nodes": [*GRAPH["nodes"], {"id": "note", "type": "custom-note", "data": {"type": ""}}]}
    sync, part = web.signed_in(), web.signed_in()
    for round in range(8):
        variables = [{"id": f"v{round}", "name": f"var{round}", "value_type": "string", "value": "x"}]
        with ThreadPoolExecutor(2) as pool:
            answers = [
                pool.submit(sync.post, f"/apps/{app_id}/workflows/draft", json={"graph": graph, "features": {}}),
                pool.submit(
                    part.post,
                    f"/apps/{app_id}/workflows/draft/environment-variables",
                    json={"environment_variables": variables},
                ),
            ]
            answers = [a.result() for a in answers]
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        draft = sync.get(f"/apps/{app_id}/workflows/draft").json()
        assert [n["id"] for n in draft["graph"]["nodes"]] == ["start", "end", "note"]
        # the graph sync carries no environment variables of its own here: whichever came last, the part
        # saved on its own is there unless the graph sync (which replaces every part) came after it
        assert draft["environment_variables"] in (variables, [])


def test_no_triggers_or_schema_definitions(browser, app_id):
    assert browser.get(f"/apps/{app_id}/triggers").json() == {"data": []}
    assert browser.get("/workspaces/current/triggers").json() == []
    assert browser.get("/spec/schema-definitions").json() == []


def test_another_workspace_sees_none_of_it(web, app_id):
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert other.get(f"/apps/{app_id}/workflows/publish").status_code == 404
    assert other.get(f"/apps/{app_id}/workflows").status_code == 404
    assert other.get(f"/apps/{app_id}/triggers").status_code == 404


def test_the_logs_page_lists_the_app_s_runs(web, browser, app_id):
    empty = browser.get(f"/apps/{app_id}/workflow-app-logs", params={"page": 1, "limit": 10})
    assert empty.status_code == 200, empty.text
    assert (empty.json()["total"], empty.json()["data"]) == (0, [])
    key = browser.post(f"/apps/{app_id}/api-keys").json()["token"]
    ran = httpx.post(
        web.base_url + "/v1/workflows/run",
        json={"inputs": {}, "response_mode": "blocking", "user": "carol"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert ran.status_code == 200, ran.text
    logs = browser.get(f"/apps/{app_id}/workflow-app-logs", params={"page": 1, "limit": 10}).json()
    assert logs["total"] == 1
    assert logs["data"][0]["workflow_run"]["id"] == ran.json()["workflow_run_id"]
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    window = {"start": f"{today} 00:00", "end": f"{today} 23:59"}
    chart = browser.get(f"/apps/{app_id}/workflow/statistics/daily-conversations", params=window).json()
    assert chart == {"data": [{"date": today, "runs": 1}]}
    users = browser.get(f"/apps/{app_id}/workflow/statistics/daily-terminals", params=window).json()
    assert users == {"data": [{"date": today, "terminal_count": 1}]}
    mean = browser.get(f"/apps/{app_id}/workflow/statistics/average-app-interactions", params=window).json()
    assert mean == {"data": [{"date": today, "interactions": 1.0}]}
    tokens = browser.get(f"/apps/{app_id}/workflow/statistics/token-costs", params=window).json()
    assert tokens == {"data": [{"date": today, "token_count": 0}]}
    assert browser.get("/workspaces/current/agent-providers").json() == []
    chat = browser.post("/apps", json={"name": "Bot", "mode": "chat", "icon": "🤖", "icon_type": "emoji"}).json()
    assert browser.get(f"/apps/{chat['id']}/workflow-app-logs").status_code == 400


def test_a_test_run_streams_the_draft(web, browser, app_id):
    # The draft now differs from every published version: its End node outputs a constant.
    draft = {
        **GRAPH,
        "nodes": [
            GRAPH["nodes"][0],
            {
                "id": "end",
                "type": "custom",
                "data": {
                    "type": "end",
                    "title": "End",
                    "outputs": [{"variable": "said", "value_selector": ["sys", "user_id"]}],
                },
            },
        ],
    }
    assert browser.post(f"/apps/{app_id}/workflows/draft", json={"graph": draft, "features": {}}).status_code == 200
    response = browser.post(f"/apps/{app_id}/workflows/draft/run", json={"inputs": {}, "files": []})
    assert response.status_code == 200, response.text
    events = [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]
    assert events[0]["event"] == "workflow_started"
    finished = events[-1]
    assert finished["event"] == "workflow_finished" and finished["data"]["status"] == "succeeded"
    assert "said" in finished["data"]["outputs"]  # the draft's End node, not the published one's
    assert browser.post(f"/apps/{app_id}/workflow-runs/tasks/{finished['task_id']}/stop").json() == {
        "result": "success"
    }


def test_a_test_run_needs_a_draft_and_the_app_s_workspace(web, browser, app_id):
    fresh = browser.post("/apps", json={"name": "Empty", "mode": "workflow", "icon": "🤖", "icon_type": "emoji"}).json()
    assert browser.post(f"/apps/{fresh['id']}/workflows/draft/run", json={"inputs": {}}).status_code == 404
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert other.post(f"/apps/{app_id}/workflows/draft/run", json={"inputs": {}}).status_code == 404
