"""An app's web app over real HTTP, as Dify's share pages reach it: every app has a site whose code the console
shows (the "Run App" link); a visitor's passport for that code opens the app's `/api` (site, parameters, chat,
conversations, messages, pins, saved messages, workflow runs), as that visitor only; a reset code or a
switched-off site closes it; another workspace cannot touch the site; the routes a visitor must not reach (the
app's logs, all feedback) are not there."""

import json
import string
from pathlib import Path

import httpx
import pytest
import yaml

from tests.api.console_web import ORIGIN, set_up_console, threaded_stub_model, with_stub_model
from tests.polling import eventually_sync

MODEL = {"provider": "openai_api_compatible", "name": "stub-model", "mode": "chat", "completion_params": {}}
CODE_CHARACTERS = set(string.ascii_letters + string.digits)


@pytest.fixture(scope="module")
def upstream():
    with threaded_stub_model() as server:
        yield server


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with set_up_console(database_url, tmp_path_factory.mktemp("webapp") / "storage") as server:
        yield server


@pytest.fixture(scope="module")
def browser(web, upstream):
    return with_stub_model(web.signed_in(), upstream)


def _app(browser, name: str, mode: str) -> str:
    made = browser.post("/apps", json={"name": name, "mode": mode, "icon": "🤖", "icon_type": "emoji"})
    assert made.status_code == 201, made.text
    config = {"model": MODEL, "pre_prompt": "Be brief.", "opening_statement": f"Welcome to {name}"}
    if mode == "completion":
        config["user_input_form"] = [{"text-input": {"variable": "topic", "label": "Topic", "required": False}}]
    assert browser.post(f"/apps/{made.json()['id']}/model-config", json=config).status_code == 200
    return made.json()["id"]


@pytest.fixture(scope="module")
def chat_app(browser) -> str:
    return _app(browser, "Shared chat", "chat")


@pytest.fixture(scope="module")
def completion_app(browser) -> str:
    return _app(browser, "Shared writer", "completion")


def code_of(browser, app_id: str) -> str:
    return browser.get(f"/apps/{app_id}").json()["site"]["access_token"]


class Visitor(httpx.Client):
    """A share page's calls: the passport for its code in X-App-Passport, the code in X-App-Code."""

    def __init__(self, web, code: str, user_id: str | None = None) -> None:
        super().__init__(base_url=web.base_url + "/api", headers={"Origin": ORIGIN}, timeout=30)
        params = {"user_id": user_id} if user_id else {}
        issued = self.get("/passport", headers={"X-App-Code": code}, params=params)
        assert issued.status_code == 200, issued.text
        self.token = issued.json()["access_token"]
        self.headers.update({"X-App-Code": code, "X-App-Passport": self.token})


def events(response) -> list[dict]:
    return [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]


def chat(visitor: Visitor, query: str, conversation_id: str = "") -> list[dict]:
    body = {"query": query, "inputs": {}, "response_mode": "streaming", "conversation_id": conversation_id}
    response = visitor.post("/chat-messages", json=body)
    assert response.status_code == 200, response.text
    return events(response)


def test_every_app_has_a_site_with_a_code_the_console_links_to(browser, chat_app):
    site = browser.get(f"/apps/{chat_app}").json()["site"]
    assert site["access_token"] == site["code"] and len(site["code"]) == 16 and set(site["code"]) <= CODE_CHARACTERS
    assert site["title"] == "Shared chat" and site["default_language"] == "en-US"
    assert site["app_base_url"].startswith("http://127.0.0.1:") and site["customize_token_strategy"] == "not_allow"
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": workflow_dsl("Imported")})
    other = browser.get(f"/apps/{imported.json()['app_id']}").json()["site"]
    assert other["title"] == "Imported" and other["code"] != site["code"]


def test_a_passport_opens_the_app_s_site_and_parameters(web, browser, chat_app):
    visitor = Visitor(web, code_of(browser, chat_app))
    site = visitor.get("/site")
    assert site.status_code == 200, site.text
    body = site.json()
    assert body["app_id"] == chat_app and body["enable_site"] is True and body["can_replace_logo"] is False
    assert body["site"]["title"] == "Shared chat" and body["site"]["icon"] == "🤖" and body["end_user_id"]
    parameters = visitor.get("/parameters").json()
    assert parameters["opening_statement"] == "Welcome to Shared chat"
    assert visitor.get("/meta").json() == {"tool_icons": {}}


def test_an_embedding_page_s_user_id_is_the_same_visitor_each_time(web, browser, chat_app):
    code = code_of(browser, chat_app)
    first, again = Visitor(web, code, user_id="page-user-7"), Visitor(web, code, user_id="page-user-7")
    assert first.get("/site").json()["end_user_id"] == again.get("/site").json()["end_user_id"]
    strangers = {Visitor(web, code).get("/site").json()["end_user_id"] for _ in range(2)}
    assert len(strangers) == 2  # no user_id: a new anonymous visitor per passport


def test_passports_are_refused_without_a_known_code(web, browser, chat_app):
    api = httpx.Client(base_url=web.base_url + "/api", timeout=30)
    missing = api.get("/passport")
    assert missing.status_code == 401 and missing.json()["message"] == "X-App-Code header is missing."
    assert api.get("/passport", headers={"X-App-Code": "nonexistent00000"}).status_code == 404
    bare = api.get("/site")
    assert bare.status_code == 401 and bare.json() == {
        "code": "unauthorized", "message": "App token is missing.", "status": 401
    }
    assert api.get("/site", headers={"X-App-Passport": "not-a-token"}).status_code == 401
    console_token = browser.cookies.get("access_token")
    assert api.get("/site", headers={"X-App-Passport": console_token}).status_code == 401


def test_a_visitor_chats_and_finds_their_conversation_and_messages(web, browser, chat_app):
    visitor = Visitor(web, code_of(browser, chat_app))
    streamed = chat(visitor, "Hello from the web app")
    assert streamed[-1]["event"] == "message_end"
    conversation_id, message_id = streamed[0]["conversation_id"], streamed[0]["message_id"]
    answer = "".join(e.get("answer", "") for e in streamed if e["event"] == "message")
    listed = visitor.get("/conversations", params={"limit": 20, "pinned": "false"}).json()
    assert [c["id"] for c in listed["data"]] == [conversation_id]
    messages = visitor.get("/messages", params={"conversation_id": conversation_id, "limit": 20, "last_id": ""})
    assert messages.status_code == 200, messages.text
    [shown] = messages.json()["data"]
    assert shown["id"] == message_id and shown["answer"] == answer and shown["query"] == "Hello from the web app"
    assert "metadata" in shown and shown["feedback"] is None
    follow_up = chat(visitor, "And again", conversation_id)
    assert follow_up[0]["conversation_id"] == conversation_id
    liked = visitor.post(f"/messages/{message_id}/feedbacks", json={"rating": "like"})
    assert liked.status_code == 200, liked.text
    again = visitor.get("/messages", params={"conversation_id": conversation_id, "limit": 20}).json()["data"]
    assert again[0]["feedback"] == {"rating": "like"} and len(again) == 2
    renamed = visitor.post(f"/conversations/{conversation_id}/name", json={"name": "Web chat"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Web chat"
    # The console's log lists the web app's conversation.
    logged = browser.get(f"/apps/{chat_app}/chat-conversations", params={"page": 1, "limit": 10}).json()["data"]
    assert conversation_id in {c["id"] for c in logged}


def test_a_visitor_sees_only_their_own_conversations(web, browser, chat_app):
    code = code_of(browser, chat_app)
    owner, other = Visitor(web, code), Visitor(web, code)
    conversation_id = chat(owner, "Mine")[0]["conversation_id"]
    assert other.get("/conversations", params={"limit": 20}).json()["data"] == []
    peek = other.get("/messages", params={"conversation_id": conversation_id, "limit": 20})
    assert peek.status_code == 404
    assert other.patch(f"/conversations/{conversation_id}/pin").status_code == 404
    assert other.delete(f"/conversations/{conversation_id}").status_code == 404
    assert owner.get("/conversations", params={"limit": 20}).json()["data"][0]["id"] == conversation_id


def test_pinned_conversations_are_listed_apart(web, browser, chat_app):
    visitor = Visitor(web, code_of(browser, chat_app))
    first = chat(visitor, "First")[0]["conversation_id"]
    second = chat(visitor, "Second")[0]["conversation_id"]
    assert visitor.patch(f"/conversations/{first}/pin").json() == {"result": "success"}
    assert visitor.patch(f"/conversations/{first}/pin").status_code == 200  # twice: still one pin

    def listed(pinned: str) -> list[str]:
        return [c["id"] for c in visitor.get("/conversations", params={"limit": 20, "pinned": pinned}).json()["data"]]

    assert listed("true") == [first] and listed("false") == [second]
    assert visitor.patch(f"/conversations/{first}/unpin").status_code == 200
    assert listed("true") == [] and set(listed("false")) == {first, second}
    assert visitor.delete(f"/conversations/{second}").status_code == 204
    assert listed("false") == [first]


def test_a_completion_visitor_saves_messages(web, browser, completion_app):
    code = code_of(browser, completion_app)
    visitor, other = Visitor(web, code), Visitor(web, code)
    body = {"inputs": {"topic": "rivers"}, "response_mode": "streaming"}
    written = visitor.post("/completion-messages", json=body)
    assert written.status_code == 200, written.text
    message_id = events(written)[0]["message_id"]
    assert visitor.get("/saved-messages", params={"limit": 20}).json()["data"] == []
    assert visitor.post("/saved-messages", json={"message_id": message_id}).json() == {"result": "success"}
    assert visitor.post("/saved-messages", json={"message_id": message_id}).status_code == 200
    saved = visitor.get("/saved-messages", params={"limit": 20}).json()
    assert [m["id"] for m in saved["data"]] == [message_id] and saved["has_more"] is False
    assert saved["data"][0]["inputs"] == {"topic": "rivers"} and saved["data"][0]["answer"]
    stolen = other.post("/saved-messages", json={"message_id": message_id})
    assert stolen.status_code == 404 and stolen.json()["message"] == "Message Not Exists."
    assert other.get("/saved-messages", params={"limit": 20}).json()["data"] == []
    assert visitor.delete(f"/saved-messages/{message_id}").status_code == 204
    assert visitor.get("/saved-messages", params={"limit": 20}).json()["data"] == []
    chat_only = visitor.get("/conversations", params={"limit": 20})
    assert chat_only.status_code == 400  # a completion app has no conversations


def workflow_dsl(name: str) -> str:
    document = {
        "version": "0.5.0", "kind": "app", "app": {"name": name, "mode": "workflow", "icon": "🤖", "description": ""},
        "workflow": {
            "graph": {
                "nodes": [
                    {"id": "start", "data": {"type": "start", "title": "Start", "variables": [
                        {"variable": "who", "label": "Who", "type": "text-input", "required": True},
                    ]}},
                    {"id": "say", "data": {"type": "template-transform", "title": "Say", "template": "Hi {{ who }}",
                                           "variables": [{"variable": "who", "value_selector": ["start", "who"]}]}},
                    {"id": "end", "data": {"type": "end", "title": "End", "outputs": [
                        {"variable": "text", "value_selector": ["say", "output"]},
                    ]}},
                ],
                "edges": [{"source": "start", "target": "say"}, {"source": "say", "target": "end"}],
            },
            "features": {}, "environment_variables": [], "conversation_variables": [],
        },
    }
    return yaml.safe_dump(document, allow_unicode=True)


def test_a_visitor_runs_the_published_workflow(web, browser):
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": workflow_dsl("Greeter")})
    app_id = imported.json()["app_id"]
    assert browser.post(f"/apps/{app_id}/workflows/publish", json={}).status_code == 200
    visitor = Visitor(web, code_of(browser, app_id))
    assert [f["text-input"]["variable"] for f in visitor.get("/parameters").json()["user_input_form"]] == ["who"]
    ran = visitor.post("/workflows/run", json={"inputs": {"who": "Ada"}, "response_mode": "streaming"})
    assert ran.status_code == 200, ran.text
    finished = [e for e in events(ran) if e["event"] == "workflow_finished"]
    assert finished[0]["data"]["status"] == "succeeded" and finished[0]["data"]["outputs"] == {"text": "Hi Ada"}
    runs = browser.get(f"/apps/{app_id}/workflow-runs", params={"limit": 10, "triggered_from": "app-run"}).json()["data"]
    assert finished[0]["workflow_run_id"] in {r["id"] for r in runs}


def test_the_app_s_own_records_are_not_on_the_web_api(web, browser, chat_app):
    visitor = Visitor(web, code_of(browser, chat_app))
    for path in ("/app/feedbacks", "/workflows/logs", "/info", "/apps/annotations"):
        assert visitor.get(path).status_code == 404, path


def test_a_reset_code_ends_old_links_and_passports(web, browser):
    app_id = _app(browser, "Reset me", "chat")
    old_code = code_of(browser, app_id)
    visitor = Visitor(web, old_code)
    reset = browser.post(f"/apps/{app_id}/site/access-token-reset")
    assert reset.status_code == 200, reset.text
    new_code = reset.json()["access_token"]
    assert new_code != old_code and len(new_code) == 16 and code_of(browser, app_id) == new_code
    gone = visitor.get("/site")
    assert gone.status_code == 400 and gone.json()["message"] == "Site URL is no longer valid."
    assert httpx.get(web.base_url + "/api/passport", headers={"X-App-Code": old_code}).status_code == 404
    assert Visitor(web, new_code).get("/site").status_code == 200


def test_a_switched_off_site_answers_nothing_until_switched_on(web, browser):
    app_id = _app(browser, "Switch me", "chat")
    code = code_of(browser, app_id)
    visitor = Visitor(web, code)
    off = browser.post(f"/apps/{app_id}/site-enable", json={"enable_site": False})
    assert off.status_code == 200 and off.json()["enable_site"] is False and off.json()["site"]["code"] == code
    disabled = visitor.get("/site")
    assert disabled.status_code == 400 and disabled.json()["message"] == "Site is disabled."
    assert httpx.get(web.base_url + "/api/passport", headers={"X-App-Code": code}).status_code == 404
    assert browser.post(f"/apps/{app_id}/site-enable", json={"enable_site": True}).json()["enable_site"] is True
    assert visitor.get("/site").status_code == 200


def test_site_settings_are_edited_and_bad_ones_change_nothing(web, browser, chat_app):
    edited = browser.post(
        f"/apps/{chat_app}/site",
        json={"title": "Ask us", "description": "Our helper", "default_language": "fr-FR", "copyright": "ACME",
              "show_workflow_steps": False, "chat_color_theme": "#1C64F2"},
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["title"] == "Ask us" and body["default_language"] == "fr-FR" and body["show_workflow_steps"] is False
    assert body["app_id"] == chat_app and body["access_token"] == code_of(browser, chat_app)
    refused = browser.post(f"/apps/{chat_app}/site", json={"title": "Never", "default_language": "xx-XX"})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_param"
    shown = Visitor(web, code_of(browser, chat_app)).get("/site").json()["site"]
    assert shown["title"] == "Ask us" and shown["copyright"] == "ACME" and shown["chat_color_theme"] == "#1C64F2"
    assert browser.get(f"/apps/{chat_app}").json()["name"] == "Shared chat"  # the app keeps its own name
    key = browser.post(f"/apps/{chat_app}/api-keys").json()["token"]
    service = httpx.get(web.base_url + "/v1/site", headers={"Authorization": f"Bearer {key}"})
    assert service.status_code == 200 and service.json()["title"] == "Ask us"


def test_another_workspace_cannot_touch_the_site(web, chat_app):
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert other.post(f"/apps/{chat_app}/site", json={"title": "Mine now"}).status_code == 404
    assert other.post(f"/apps/{chat_app}/site/access-token-reset").status_code == 404
    assert other.post(f"/apps/{chat_app}/site-enable", json={"enable_site": False}).status_code == 404


def test_site_changes_need_the_csrf_header(web, browser, chat_app):
    refused = browser.bare("POST", f"/apps/{chat_app}/site-enable", json={"enable_site": False})
    assert refused.status_code == 401
    assert browser.get(f"/apps/{chat_app}").json()["enable_site"] is True


def test_the_sign_in_checks_of_a_public_web_app(web, browser, chat_app):
    code = code_of(browser, chat_app)
    visitor = Visitor(web, code, user_id="embedded-1")
    status = visitor.get("/login/status", params={"app_code": code, "user_id": "embedded-1"}).json()
    assert status == {"logged_in": True, "app_logged_in": True}
    assert visitor.get("/login/status", params={"app_code": code, "user_id": "someone-else"}).json()[
        "app_logged_in"
    ] is False
    anonymous = httpx.get(web.base_url + "/api/login/status", params={"app_code": code}).json()
    assert anonymous == {"logged_in": True, "app_logged_in": False}
    assert visitor.get("/webapp/access-mode", params={"appCode": code}).json() == {"accessMode": "public"}
    assert visitor.get("/webapp/permission", params={"appId": chat_app}).json() == {"result": True}
    assert visitor.get("/system-features").json()["enable_marketplace"] is False
    assert visitor.post("/logout").json() == {"result": "success"}


def test_the_web_api_answers_the_share_page_s_origin_with_credentials(web):
    preflight = httpx.options(
        web.base_url + "/api/passport",
        headers={"Origin": "https://apps.example.com", "Access-Control-Request-Method": "GET",
                 # what Dify's share pages send on every call (the CSRF header empty, but sent)
                 "Access-Control-Request-Headers": "content-type, x-app-code, x-app-passport, x-csrf-token, authorization"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://apps.example.com"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    allowed = {h.strip() for h in preflight.headers["access-control-allow-headers"].lower().split(",")}
    assert allowed == {"content-type", "x-app-code", "x-app-passport", "x-csrf-token", "authorization"}


def installed_id(browser, app_id: str) -> str:
    listed = browser.get("/installed-apps", params={"app_id": app_id})
    assert listed.status_code == 200, listed.text
    [installed] = listed.json()["installed_apps"]
    return installed["id"]


def test_every_app_is_on_its_workspace_s_explore_page(browser, chat_app, completion_app):
    listed = browser.get("/installed-apps").json()["installed_apps"]
    by_app = {i["app"]["id"]: i for i in listed}
    assert {chat_app, completion_app} <= set(by_app)
    chat = by_app[chat_app]
    # Dify's flag: true for the workspace's own apps (the page then offers no Delete)
    assert chat["app"]["mode"] == "chat" and chat["is_pinned"] is False and chat["uninstallable"] is True
    assert chat["editable"] is True and chat["app_owner_tenant_id"]
    assert browser.get("/explore/apps", params={"language": "en-US"}).json() == {
        "recommended_apps": [], "categories": []
    }
    assert browser.get(f"/explore/apps/{chat_app}").status_code == 404


def test_an_installed_app_is_pinned_to_the_top_and_cannot_be_uninstalled(browser, chat_app, completion_app):
    pinned = installed_id(browser, completion_app)
    assert browser.patch(f"/installed-apps/{pinned}", json={"is_pinned": True}).json()["result"] == "success"
    assert browser.get("/installed-apps").json()["installed_apps"][0]["id"] == pinned
    refused = browser.delete(f"/installed-apps/{pinned}")
    assert refused.status_code == 400 and "can't uninstall" in refused.json()["message"]
    assert browser.patch(f"/installed-apps/{pinned}", json={"is_pinned": False}).status_code == 200
    assert browser.post("/installed-apps", json={"app_id": chat_app}).status_code == 404  # no templates to install


def test_a_member_chats_with_an_installed_app_as_themselves(web, browser, chat_app):
    installed = installed_id(browser, chat_app)
    base = f"/installed-apps/{installed}"
    assert browser.get(f"{base}/parameters").json()["opening_statement"] == "Welcome to Shared chat"
    asked = browser.post(f"{base}/chat-messages", json={"query": "From Explore", "inputs": {},
                                                        "response_mode": "streaming", "conversation_id": ""})
    assert asked.status_code == 200, asked.text
    conversation_id = events(asked)[0]["conversation_id"]
    mine = browser.get(f"{base}/conversations", params={"limit": 20, "pinned": "false"}).json()["data"]
    assert [c["id"] for c in mine] == [conversation_id]
    assert browser.patch(f"{base}/conversations/{conversation_id}/pin").status_code == 200
    shown = browser.get(f"{base}/messages", params={"conversation_id": conversation_id, "limit": 20}).json()
    assert shown["data"][0]["query"] == "From Explore"
    # The app's log shows the member's chat as the account's, from the console.
    logged = browser.get(f"/apps/{chat_app}/chat-conversations", params={"page": 1, "limit": 50}).json()["data"]
    [row] = [c for c in logged if c["id"] == conversation_id]
    assert row["from_source"] == "console" and row["from_account_id"] and row["from_end_user_session_id"] is None
    # Its web app's visitors do not see it.
    visitor = Visitor(web, code_of(browser, chat_app))
    assert conversation_id not in {c["id"] for c in visitor.get("/conversations", params={"limit": 100}).json()["data"]}


def test_another_workspace_s_member_cannot_open_the_installed_app(web, browser, chat_app):
    installed = installed_id(browser, chat_app)
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert other.get(f"/installed-apps/{installed}/parameters").status_code == 404
    assert other.patch(f"/installed-apps/{installed}", json={"is_pinned": True}).status_code == 404
    assert chat_app not in {i["app"]["id"] for i in other.get("/installed-apps").json()["installed_apps"]}
    no_csrf = browser.bare("POST", f"/installed-apps/{installed}/chat-messages",
                           json={"query": "x", "inputs": {}, "response_mode": "blocking"})
    assert no_csrf.status_code == 401


def chatflow_dsl() -> str:
    graph = {
        "nodes": [
            {"id": "start", "data": {"type": "start", "title": "Start", "variables": []}},
            {"id": "llm", "data": {"type": "llm", "title": "LLM", "model": MODEL,
                                   "prompt_template": [{"role": "system", "text": "Be brief."}],
                                   "memory": {"window": {"enabled": True, "size": 5},
                                              "query_prompt_template": "{{#sys.query#}}"}}},
            {"id": "answer", "data": {"type": "answer", "title": "Answer", "answer": "{{#llm.text#}}!"}},
        ],
        "edges": [{"source": "start", "target": "llm"}, {"source": "llm", "target": "answer"}],
    }
    return yaml.safe_dump({"app": {"name": "Shared chatflow", "mode": "advanced-chat"}, "kind": "app",
                           "version": "0.3.1", "workflow": {"graph": graph, "features": {}}})


def test_a_visitor_chats_with_a_published_chatflow(web, browser):
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": chatflow_dsl()})
    app_id = imported.json()["app_id"]
    assert browser.post(f"/apps/{app_id}/workflows/publish", json={}).status_code == 200
    visitor = Visitor(web, code_of(browser, app_id))
    streamed = chat(visitor, "Hi flow")
    names = [e["event"] for e in streamed]
    assert names[0] == "workflow_started" and names[-1] == "message_end"
    answer = "".join(e.get("answer", "") for e in streamed if e["event"] == "message")
    assert answer.endswith("!")
    conversation_id = streamed[0]["conversation_id"]
    again = chat(visitor, "Once more", conversation_id)
    assert again[0]["conversation_id"] == conversation_id
    listed = visitor.get("/messages", params={"conversation_id": conversation_id, "limit": 20}).json()["data"]
    assert [m["query"] for m in listed] == ["Hi flow", "Once more"]


def test_bad_input_is_refused_and_changes_nothing(web, browser, chat_app):
    code = code_of(browser, chat_app)
    api = httpx.Client(base_url=web.base_url + "/api", timeout=30)
    too_long = api.get("/passport", headers={"X-App-Code": code}, params={"user_id": "u" * 300})
    assert too_long.status_code == 400 and too_long.json()["code"] == "invalid_param"
    assert api.get("/passport", headers={"X-App-Code": "x" * 5000}).status_code == 404
    visitor = Visitor(web, code)
    assert visitor.get("/conversations", params={"pinned": "maybe"}).status_code == 400
    assert visitor.get("/saved-messages", params={"last_id": "nope"}).status_code == 400
    assert visitor.post("/saved-messages", json={"message_id": "zzz"}).status_code == 400
    before = browser.get(f"/apps/{chat_app}").json()["site"]
    for bad in ({"title": "x" * 300}, {"copyright": "a\u0000b"}, {"title": 5}, {"show_workflow_steps": "often"}):
        refused = browser.post(f"/apps/{chat_app}/site", json=bad)
        assert refused.status_code == 400, (bad, refused.text)
        assert set(refused.json()) >= {"code", "message", "status"}
    assert browser.post(f"/apps/{chat_app}/site", content=b"[1]", headers={"Content-Type": "application/json"}
                        ).status_code == 400
    assert browser.get(f"/apps/{chat_app}").json()["site"] == before


def test_an_explore_workflow_run_knows_the_member_as_sys_user_id(browser):
    document = yaml.safe_load(workflow_dsl("Who runs"))
    document["workflow"]["graph"]["nodes"][-1]["data"]["outputs"].append(
        {"variable": "user", "value_selector": ["sys", "user_id"]}
    )
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": yaml.safe_dump(document)})
    app_id = imported.json()["app_id"]
    assert browser.post(f"/apps/{app_id}/workflows/publish", json={}).status_code == 200
    ran = browser.post(f"/installed-apps/{installed_id(browser, app_id)}/workflows/run",
                       json={"inputs": {"who": "Grace"}, "response_mode": "streaming"})
    assert ran.status_code == 200, ran.text
    [finished] = [e for e in events(ran) if e["event"] == "workflow_finished"]
    account_id = browser.get("/account/profile").json()["id"]
    assert finished["data"]["outputs"] == {"text": "Hi Grace", "user": account_id}
    assert "created_by" not in finished["data"]  # weir's own session for the account is no name to show
    # The logs page shows the run as the member's, as Dify does, not as an end user named by weir's session id.
    [logged] = browser.get(f"/apps/{app_id}/workflow-app-logs", params={"page": 1, "limit": 10}).json()["data"]
    assert logged["created_by_role"] == "account" and logged["created_by_end_user"] is None
    assert logged["created_by_account"]["id"] == account_id


def test_more_like_this_writes_another_answer_to_the_same_inputs(web, browser, upstream, completion_app):
    made = browser.post("/apps", json={"name": "Variations", "mode": "completion"})
    app_id = made.json()["id"]
    config = {"model": MODEL, "pre_prompt": "Write about {{topic}}", "more_like_this": {"enabled": True},
              "user_input_form": [{"text-input": {"variable": "topic", "label": "Topic", "required": False}}]}
    assert browser.post(f"/apps/{app_id}/model-config", json=config).status_code == 200
    code = code_of(browser, app_id)
    visitor, other = Visitor(web, code), Visitor(web, code)
    first = visitor.post("/completion-messages", json={"inputs": {"topic": "tides"}, "response_mode": "blocking"})
    assert first.status_code == 200, first.text
    message_id = first.json()["message_id"]
    again = visitor.get(f"/messages/{message_id}/more-like-this", params={"response_mode": "streaming"})
    assert again.status_code == 200, again.text
    streamed = events(again)
    assert streamed[-1]["event"] == "message_end" and streamed[0]["message_id"] != message_id
    sent = upstream.requests[-1]["json"]
    assert sent["temperature"] == 0.9 and "tides" in json.dumps(sent["messages"])
    assert other.get(f"/messages/{message_id}/more-like-this").status_code == 404
    disabled = Visitor(web, code_of(browser, completion_app))
    written = disabled.post("/completion-messages", json={"inputs": {}, "response_mode": "blocking"}).json()
    refused = disabled.get(f"/messages/{written['message_id']}/more-like-this")
    assert refused.status_code == 403 and refused.json()["code"] == "app_more_like_this_disabled"


def test_a_visitor_answers_the_form_a_workflow_paused_for(web, browser):
    dsl = (Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "human_review.yml").read_text()
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": dsl})
    app_id = imported.json()["app_id"]
    assert browser.post(f"/apps/{app_id}/workflows/publish", json={}).status_code == 200
    visitor = Visitor(web, code_of(browser, app_id))
    ran = visitor.post("/workflows/run", json={"inputs": {"draft": "ship it"}, "response_mode": "streaming"})
    streamed = events(ran)
    assert [e["event"] for e in streamed][-2:] == ["human_input_required", "workflow_paused"]
    token, run_id = streamed[-2]["data"]["form_token"], streamed[-1]["workflow_run_id"]
    form = visitor.get(f"/form/human_input/{token}")
    assert form.status_code == 200 and [f["output_variable_name"] for f in form.json()["inputs"]] == [
        "comment", "priority"
    ]
    answered = visitor.post(f"/form/human_input/{token}",
                            json={"action": "approve", "inputs": {"comment": "Fine", "priority": "low"}})
    assert answered.status_code == 200, answered.text
    detail = eventually_sync(
        lambda: (d := browser.get(f"/apps/{app_id}/workflow-runs/{run_id}").json())["status"] not in (
            "paused", "running") and d,
        timeout=30,
    )
    assert detail["status"] == "succeeded" and detail["outputs"]["comment"] == "Fine"


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 16


def test_an_uploaded_icon_is_shown_by_its_signed_url(web, browser):
    uploaded = browser.post("/files/upload", files={"file": ("owl.png", PNG, "image/png")})
    assert uploaded.status_code == 201, uploaded.text
    made = browser.post("/apps", json={"name": "Owl", "mode": "chat", "icon_type": "image",
                                       "icon": uploaded.json()["id"], "icon_background": "#FFFFFF"})
    assert made.status_code == 201, made.text
    detail = browser.get(f"/apps/{made.json()['id']}").json()
    listed = {a["id"]: a for a in browser.get("/apps", params={"page": 1, "limit": 100}).json()["data"]}
    for shown in (detail, listed[detail["id"]], detail["site"]):
        assert shown["icon_type"] == "image" and "/file-preview?" in shown["icon_url"]
        assert httpx.get(shown["icon_url"]).content == PNG
    emoji = browser.get(f"/apps/{_app(browser, 'Plain', 'chat')}").json()
    assert emoji["icon_url"] is None and emoji["site"]["icon_url"] is None
