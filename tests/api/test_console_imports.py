"""Import DSL in the console over real HTTP with a cookie session, by Dify's version rule: an older minor version
imports with warnings, a newer one waits (202 pending, nothing created) until the user confirms it (once, from
the same workspace), and the editor's "Import DSL" overwrites its own workflow app's draft (app_id)."""

import pytest
import yaml

from tests.api.console_web import set_up_console

OTHER = ("other@example.com", "other-pass-123")


def _dsl(version: str, name: str = "Flow", mode: str = "workflow", node: str = "end") -> str:
    graph = {
        "nodes": [
            {"id": "start", "data": {"type": "start", "title": "Start", "variables": []}},
            {"id": node, "data": {"type": "end", "title": "End", "outputs": []}},
        ],
        "edges": [{"id": "e", "source": "start", "target": node}],
    }
    document = {"app": {"name": name, "mode": mode, "icon": "🤖"}, "kind": "app", "version": version}
    if mode == "chat":
        document["model_config"] = {"pre_prompt": "hi", "model": {"provider": "openai", "name": "gpt-4o-mini"}}
    else:
        document["workflow"] = {"graph": graph, "features": {}}
    return yaml.safe_dump(document, allow_unicode=True)


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with set_up_console(database_url, tmp_path_factory.mktemp("imports") / "storage") as server:
        yield server


@pytest.fixture(scope="module")
def browser(web):
    return web.signed_in()


def _import(browser, text: str, **more):
    return browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": text, **more})


def _app_count(browser) -> int:
    return browser.get("/apps", params={"page": 1, "limit": 100}).json()["total"]


def test_the_current_version_completes_and_an_older_minor_one_warns(browser):
    current = _import(browser, _dsl("0.6.0"))
    assert current.status_code == 200, current.text
    assert current.json()["status"] == "completed"
    assert (current.json()["current_dsl_version"], current.json()["imported_dsl_version"]) == ("0.6.0", "0.6.0")
    older = _import(browser, _dsl("0.3.1"))
    assert older.status_code == 200
    assert (older.json()["status"], older.json()["imported_dsl_version"]) == ("completed-with-warnings", "0.3.1")
    assert browser.get(f"/apps/{older.json()['app_id']}/workflows/draft").status_code == 200
    unnamed = _import(browser, _dsl("0.6.0").replace("version: 0.6.0\n", ""))
    assert unnamed.json()["status"] == "completed-with-warnings"  # no version reads as 0.1.0, as in Dify


@pytest.mark.parametrize("version", ["abc", "1.x", "0.6.0.1"])
def test_an_unreadable_version_fails_and_creates_nothing(browser, version):
    before = _app_count(browser)
    failed = _import(browser, _dsl("0.6.0").replace("version: 0.6.0", f"version: '{version}'"))
    assert (failed.status_code, failed.json()["status"]) == (400, "failed")
    assert failed.json()["app_id"] is None and _app_count(browser) == before
    number = _import(browser, _dsl("0.6.0").replace("version: 0.6.0", "version: 0.6"))  # YAML reads a float
    assert (number.status_code, number.json()["status"]) == (400, "failed")


def test_a_newer_version_waits_for_the_user_s_confirmation(web, browser):
    before = _app_count(browser)
    pending = _import(browser, _dsl("0.7.0", name="From the future"), name="Confirmed name")
    assert pending.status_code == 202, pending.text
    body = pending.json()
    assert (body["status"], body["app_id"], body["imported_dsl_version"]) == ("pending", None, "0.7.0")
    assert body["current_dsl_version"] == "0.6.0"
    assert _app_count(browser) == before  # nothing is created until the user confirms
    other = web.signed_in_as(*OTHER)
    stolen = other.post(f"/apps/imports/{body['id']}/confirm")
    assert (stolen.status_code, stolen.json()["status"]) == (400, "failed")
    confirmed = browser.post(f"/apps/imports/{body['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    done = confirmed.json()
    assert (done["id"], done["status"], done["app_mode"]) == (body["id"], "completed", "workflow")
    assert done["imported_dsl_version"] == "0.7.0"
    assert browser.get(f"/apps/{done['app_id']}").json()["name"] == "Confirmed name"  # the dialog's name kept
    assert _app_count(browser) == before + 1
    again = browser.post(f"/apps/imports/{body['id']}/confirm")
    assert (again.status_code, again.json()["error"]) == (400, "Import information expired or does not exist")
    unknown = browser.post("/apps/imports/not-an-id/confirm")
    assert (unknown.status_code, unknown.json()["status"], unknown.json()["id"]) == (400, "failed", "not-an-id")


def test_the_editor_s_import_overwrites_its_own_app_s_draft(web, browser):
    app_id = _import(browser, _dsl("0.6.0", name="Original")).json()["app_id"]
    draft_id = browser.get(f"/apps/{app_id}/workflows/draft").json()["id"]
    before = _app_count(browser)
    replaced = _import(browser, _dsl("0.6.0", name="Replaced", node="finish"), app_id=app_id)
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["app_id"], replaced.json()["status"]) == (app_id, "completed")
    draft = browser.get(f"/apps/{app_id}/workflows/draft").json()
    assert draft["id"] == draft_id and [n["id"] for n in draft["graph"]["nodes"]] == ["start", "finish"]
    assert browser.get(f"/apps/{app_id}").json()["name"] == "Replaced"
    assert _app_count(browser) == before
    # A newer version asks first, then overwrites the same app.
    pending = _import(browser, _dsl("1.0.0", name="Later", node="last"), app_id=app_id)
    assert (pending.status_code, pending.json()["app_id"]) == (202, app_id)
    confirmed = browser.post(f"/apps/imports/{pending.json()['id']}/confirm").json()
    assert confirmed["app_id"] == app_id
    nodes = browser.get(f"/apps/{app_id}/workflows/draft").json()["graph"]["nodes"]
    assert [n["id"] for n in nodes] == ["start", "last"]
    assert _app_count(browser) == before


def test_only_the_workspace_s_workflow_app_of_the_same_mode_is_overwritten(web, browser):
    chat = _import(browser, _dsl("0.6.0", mode="chat")).json()["app_id"]
    flow = _import(browser, _dsl("0.6.0", name="Mine")).json()["app_id"]
    refused = _import(browser, _dsl("0.6.0"), app_id=chat)
    assert (refused.status_code, refused.json()["error"]) == (400, "Only workflow or advanced chat apps can be overwritten")
    other = web.signed_in_as(*OTHER)
    foreign = other.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": _dsl("0.6.0"), "app_id": flow})
    assert (foreign.status_code, foreign.json()["error"]) == (400, "App not found")
    chatflow = _import(browser, _dsl("0.6.0", mode="advanced-chat", name="Other kind"), app_id=flow)
    assert (chatflow.status_code, chatflow.json()["status"]) == (400, "failed")
    assert browser.get(f"/apps/{flow}").json()["name"] == "Mine"  # nothing changed
    bad = _import(browser, _dsl("0.6.0"), app_id="nope")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_param")
