"""Dify's web console against weir over real HTTP: its origin, its cookie session with the CSRF header, and the
shapes its first pages read (sign-in, workspace, studio, settings). Every request goes as the browser sends it."""

import pytest

from tests.api.console_web import ADMIN, API, ORIGIN, encoded, serve_console
from tests.databases import truncate_all


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    truncate_all(database_url)
    with pytest.MonkeyPatch.context() as env:
        for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY", "CONSOLE_WEB_URL", "COOKIE_DOMAIN"):
            env.delenv(name, raising=False)
        with serve_console(database_url, tmp_path_factory.mktemp("console") / "storage") as server:
            first = server.browser()
            assert first.get("/setup").json() == {"step": "not_started"}
            assert first.post("/setup", json=ADMIN).status_code == 201
            yield server
    truncate_all(database_url)


def test_a_preflight_to_any_console_path_allows_the_console_origin_with_credentials(web):
    browser = web.browser()
    for path in ("/system-features", "/apps/00000000-0000-0000-0000-000000000000/chat-messages", "/setup"):
        response = browser.options(
            path,
            headers={
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-csrf-token",
            },
        )
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "POST" in response.headers["access-control-allow-methods"]
        assert {h.strip() for h in response.headers["access-control-allow-headers"].split(",")} == {
            "content-type",
            "x-csrf-token",
        }


def test_answers_carry_cors_and_version_headers_and_other_origins_get_none(web):
    answer = web.browser().get("/system-features")
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert "X-Version" in answer.headers["access-control-expose-headers"]
    assert answer.headers["x-version"] and answer.headers["x-env"] == "PRODUCTION"
    stranger = web.browser().get("/system-features", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in stranger.headers
    service = web.browser().options(
        web.base_url + "/v1/chat-messages", headers={"Access-Control-Request-Method": "POST"}
    )
    assert service.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in service.headers


def test_the_first_calls_say_self_hosted_and_set_up(web):
    browser = web.browser()
    assert browser.get("/setup").json()["step"] == "finished"
    assert browser.get("/init").json() == {"status": "finished"}
    features = browser.get("/system-features").json()
    assert features["enable_marketplace"] is False and features["enable_email_password_login"] is True
    assert features["license"]["workspaces"]["enabled"] is False
    assert features["plugin_installation_permission"]["restrict_to_marketplace_only"] is False
    assert isinstance(features["branding"]["enabled"], bool) and features["webapp_auth"]["enabled"] is False


def test_sign_in_sets_dify_s_three_cookies(web):
    browser = web.browser()
    response = browser.sign_in()
    assert response.status_code == 200 and response.json()["result"] == "success"
    cookies = {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}
    assert set(cookies) >= {"access_token", "refresh_token", "csrf_token"}
    assert "HttpOnly" in cookies["access_token"] and "HttpOnly" in cookies["refresh_token"]
    assert "HttpOnly" not in cookies["csrf_token"]  # the page reads it to send X-CSRF-Token
    assert all("SameSite=Lax" in c and "Path=/" in c for c in cookies.values())


def test_a_bad_password_is_authentication_failed_and_sets_no_cookie(web):
    browser = web.browser()
    response = browser.post("/login", json={"email": ADMIN["email"], "password": encoded("wrong-password-1")})
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
    assert "set-cookie" not in response.headers


def test_cookie_sessions_need_the_csrf_header_and_bearer_tokens_do_not(web):
    browser = web.signed_in()
    missing = browser.bare("GET", "/account/profile")
    assert (missing.status_code, missing.json()["message"]) == (401, "CSRF token is missing or invalid.")
    forged = browser.bare("GET", "/account/profile", headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 401
    profile = browser.get("/account/profile")
    assert profile.status_code == 200
    body = profile.json()
    assert {"id", "name", "email", "avatar", "interface_language", "timezone", "is_password_set"} <= set(body)
    token = web.browser().post("/login", json={"email": ADMIN["email"], "password": ADMIN["password"]}).json()
    bearer = web.browser().get("/account/profile", headers={"Authorization": f"Bearer {token['data']['access_token']}"})
    assert bearer.status_code == 200 and bearer.json()["email"] == ADMIN["email"]


def test_refresh_reads_the_cookie_and_works_once(web):
    browser = web.signed_in()
    old = browser.cookies.get("refresh_token")
    renewed = browser.post("/refresh-token")
    assert renewed.status_code == 200 and renewed.json()["result"] == "success"
    assert browser.cookies.get("refresh_token") != old
    assert browser.get("/account/profile").status_code == 200
    replay = web.browser()
    replay.cookies.set("refresh_token", old)
    assert replay.post("/refresh-token").status_code == 401
    assert web.browser().post("/refresh-token").status_code == 401  # no cookie at all


def test_logout_clears_the_cookies_and_ends_the_refresh_token(web):
    browser = web.signed_in()
    refresh = browser.cookies.get("refresh_token")
    response = browser.post("/logout")
    assert response.status_code == 200
    cleared = response.headers.get_list("set-cookie")
    assert {c.split("=", 1)[0] for c in cleared} == {"access_token", "refresh_token", "csrf_token"}
    assert all("Max-Age=0" in c for c in cleared)
    assert browser.get("/account/profile").status_code == 401
    again = web.browser()
    again.cookies.set("refresh_token", refresh)
    assert again.post("/refresh-token").status_code == 401


def test_the_workspace_pages(web):
    browser = web.signed_in()
    workspaces = browser.get("/workspaces").json()["workspaces"]
    assert [(w["current"], w["status"]) for w in workspaces] == [(True, "normal")]
    current = browser.post("/workspaces/current").json()
    assert current["id"] == workspaces[0]["id"] and current["role"] == "owner"
    assert browser.get("/workspaces/current").json()["id"] == current["id"]
    members = browser.get("/workspaces/current/members").json()["accounts"]
    assert [(m["email"], m["role"], m["status"]) for m in members] == [(ADMIN["email"], "owner", "active")]
    assert isinstance(members[0]["last_login_at"], int)
    features = browser.get("/features").json()
    assert features["billing"]["enabled"] is False and features["members"]["limit"] >= 1
    version = browser.get("/version", params={"current_version": "1.14.2"}).json()
    assert version["can_auto_update"] is False and version["version"] == "1.14.2"


def test_settings_pages_say_nothing_is_installed(web):
    browser = web.signed_in()
    assert browser.get("/workspaces/current/plugin/list").json() == {"plugins": [], "total": 0}
    assert browser.post("/workspaces/current/plugin/list/latest-versions", json={"plugin_ids": []}).json() == {
        "versions": {}
    }
    assert browser.post("/workspaces/current/plugin/list/installations/ids", json={"plugin_ids": []}).json() == {
        "plugins": []
    }
    assert browser.get("/workspaces/current/plugin/tasks", params={"page": 1, "page_size": 100}).json() == {"tasks": []}
    permission = browser.get("/workspaces/current/plugin/permission/fetch").json()
    assert permission == {"install_permission": "noone", "debug_permission": "noone"}
    preferences = browser.get("/workspaces/current/plugin/preferences/fetch").json()
    assert preferences["auto_upgrade"]["strategy_setting"] == "disabled"
    assert browser.get("/api-based-extension").json() == []
    assert browser.get("/data-source/integrates").json() == {"data": []}
    assert browser.get("/auth/plugin/datasource/list").json() == {"result": []}
    assert browser.get("/code-based-extension", params={"module": "moderation"}).json() == {
        "module": "moderation",
        "data": [],
    }


def test_adding_an_api_extension_says_weir_keeps_none_and_keeps_none(web):
    """The API Extension page's Add dialog: a message the toast can show (it was a 405), and the list stays empty."""
    browser = web.signed_in()
    added = browser.post(
        "/api-based-extension",
        json={"name": "ext one", "api_endpoint": "http://127.0.0.1:1/ext", "api_key": "ext-key-123456"},
    )
    assert added.status_code == 400
    assert added.json()["code"] == "invalid_param" and "not available in weir" in added.json()["message"]
    assert browser.get("/api-based-extension").json() == []
    some_id = "01a23519-bfe6-7f5f-8170-c1375e904d81"
    for method in ("GET", "POST", "DELETE"):
        response = browser.request(method, f"/api-based-extension/{some_id}", json={} if method == "POST" else None)
        assert response.status_code == 404 and response.json()["code"] == "not_found", method
    assert browser.bare("POST", "/api-based-extension", json={"name": "x"}).status_code == 401


def test_every_console_route_needs_a_session(web):
    anonymous = web.browser()
    for method, path in (
        ("GET", "/features"),
        ("GET", "/workspaces"),
        ("GET", "/apps"),
        ("GET", "/tags"),
        ("GET", "/workspaces/current/members"),
        ("GET", "/datasets"),
        ("GET", "/files/upload"),
    ):
        response = anonymous.request(method, path)
        assert (response.status_code, response.json()["code"]) == (401, "unauthorized"), path


def test_the_api_prefix_is_the_one_the_web_is_built_with(web):
    assert web.browser().base_url.path.rstrip("/") == API
