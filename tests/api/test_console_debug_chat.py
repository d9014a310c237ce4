"""The orchestrate page's debug chat over real HTTP with a cookie session: the answer streamed with the page's
unsaved config, the chat logged but left out of the app's statistics, its follow-ups and stop."""

import json
from datetime import UTC, datetime

import pytest

from tests.api.console_web import ADMIN, set_up_console, threaded_stub_model, with_stub_model

MODEL = {"provider": "openai_api_compatible", "name": "stub-model", "mode": "chat", "completion_params": {}}


@pytest.fixture(scope="module")
def upstream():
    with threaded_stub_model() as server:
        yield server


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with set_up_console(database_url, tmp_path_factory.mktemp("debug") / "storage") as server:
        yield server


@pytest.fixture(scope="module")
def browser(web, upstream):
    return with_stub_model(web.signed_in(), upstream)


@pytest.fixture(scope="module")
def app_id(browser) -> str:
    made = browser.post("/apps", json={"name": "Debugged", "mode": "chat", "icon": "🤖", "icon_type": "emoji"})
    assert made.status_code == 201, made.text
    config = {"model": MODEL, "pre_prompt": "Saved prompt.", "suggested_questions_after_answer": {"enabled": True}}
    assert browser.post(f"/apps/{made.json()['id']}/model-config", json=config).status_code == 200
    return made.json()["id"]


def _events(response) -> list[dict]:
    return [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]


def _system_prompt(upstream) -> str:
    messages = upstream.requests[-1]["json"]["messages"]
    return " ".join(str(m["content"]) for m in messages if m["role"] == "system")


def test_the_debug_chat_streams_with_the_page_s_unsaved_config(browser, app_id, upstream):
    body = {
        "query": "Hi there",
        "inputs": {},
        "response_mode": "streaming",
        "conversation_id": "",
        "model_config": {"model": MODEL, "pre_prompt": "Draft prompt, not saved."},
    }
    response = browser.post(f"/apps/{app_id}/chat-messages", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response)
    assert "".join(e.get("answer", "") for e in events if e["event"] == "message") == "Hello world"
    assert events[-1]["event"] == "message_end"
    assert "Draft prompt, not saved." in _system_prompt(upstream)
    # Without a config in the body the saved one answers.
    again = browser.post(f"/apps/{app_id}/chat-messages", json={**body, "model_config": None})
    assert _events(again)[-1]["event"] == "message_end"
    assert "Saved prompt." in _system_prompt(upstream)


def test_a_debug_chat_is_logged_but_not_counted(browser, app_id):
    logged = browser.get(f"/apps/{app_id}/chat-conversations").json()
    assert logged["total"] >= 1 and logged["data"][0]["summary"] == "Hi there"
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    window = {"start": f"{today} 00:00", "end": f"{today} 23:59"}
    assert browser.get(f"/apps/{app_id}/statistics/daily-messages", params=window).json() == {"data": []}


def test_a_debug_chat_is_logged_as_the_account_s(browser, app_id):
    # The logs page shows `from_end_user_session_id || from_account_name` in its end-user column: a debug chat
    # names the signed-in account (Dify's debugger chats are the account's), not an internal session id.
    row = browser.get(f"/apps/{app_id}/chat-conversations").json()["data"][-1]
    assert (row["from_source"], row["from_end_user_session_id"]) == ("console", None)
    assert row["from_account_name"] == ADMIN["name"] and row["from_account_id"] and row["from_end_user_id"] is None
    detail = browser.get(f"/apps/{app_id}/chat-conversations/{row['id']}").json()
    assert (detail["from_source"], detail["from_account_id"]) == ("console", row["from_account_id"])
    turns = browser.get(f"/apps/{app_id}/chat-messages", params={"conversation_id": row["id"]}).json()["data"]
    assert {(t["from_source"], t["from_account_id"], t["from_end_user_id"]) for t in turns} == {
        ("console", row["from_account_id"], None)
    }


def test_follow_ups_and_stop_of_the_debugger(web, browser, app_id):
    listed = browser.get(f"/apps/{app_id}/chat-conversations").json()["data"][0]
    messages = browser.get(f"/apps/{app_id}/chat-messages", params={"conversation_id": listed["id"]}).json()["data"]
    # One line of turns: Dify's nil parent, which the console's drawer threads one after the other (with None,
    # every turn would be a thread of its own and the drawer would show only the last).
    assert messages and {m["parent_message_id"] for m in messages} == {"00000000-0000-0000-0000-000000000000"}
    suggested = browser.get(f"/apps/{app_id}/chat-messages/{messages[-1]['id']}/suggested-questions")
    assert suggested.status_code == 200, suggested.text
    assert isinstance(suggested.json()["data"], list)
    stopped = browser.post(f"/apps/{app_id}/chat-messages/{listed['id']}/stop")
    assert stopped.json() == {"result": "success"}


def test_another_workspace_cannot_debug_the_app(web, app_id):
    other = web.signed_in_as("other@example.com", "other-pass-123")
    response = other.post(f"/apps/{app_id}/chat-messages", json={"query": "Hi", "inputs": {}})
    assert response.status_code == 404
    assert other.post(f"/apps/{app_id}/chat-messages/{app_id}/stop").status_code == 404


def test_an_invalid_draft_config_is_refused(browser, app_id):
    response = browser.post(f"/apps/{app_id}/chat-messages", json={"query": "Hi", "model_config": {"model": {}}})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_param"


def test_follow_ups_follow_the_config_the_debug_chat_ran_with(browser):
    """The orchestrate page switches Follow-up on without saving and chats: the follow-ups it then asks for are
    the draft's (Dify keeps the debugger's config on the conversation), whatever the saved config says."""
    made = browser.post("/apps", json={"name": "Draft follow-ups", "mode": "chat", "icon": "🤖", "icon_type": "emoji"})
    app = made.json()["id"]
    assert browser.post(f"/apps/{app}/model-config", json={"model": MODEL, "pre_prompt": "Saved."}).status_code == 200

    def chat(follow_ups: bool) -> str:
        draft = {"model": MODEL, "pre_prompt": "Draft.", "suggested_questions_after_answer": {"enabled": follow_ups}}
        body = {"query": "Hi", "inputs": {}, "response_mode": "streaming", "conversation_id": "", "model_config": draft}
        events = _events(browser.post(f"/apps/{app}/chat-messages", json=body))
        return next(e["message_id"] for e in events if e["event"] == "message_end")

    on = browser.get(f"/apps/{app}/chat-messages/{chat(True)}/suggested-questions")
    assert on.status_code == 200, on.text
    assert isinstance(on.json()["data"], list)
    off = browser.get(f"/apps/{app}/chat-messages/{chat(False)}/suggested-questions")
    assert off.status_code == 400 and off.json()["message"] == "Suggested Questions Is Disabled."
