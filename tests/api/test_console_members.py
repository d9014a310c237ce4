"""The members page of Dify's console over real HTTP with a cookie session: invite by link (no mail server), the
invitee's first sign-in and activation as the console's /activate and /signin pages make them, roles, removal, and
who may do what."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.api.console_web import ADMIN, ORIGIN, encoded, set_up_console


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with set_up_console(database_url, tmp_path_factory.mktemp("members") / "storage") as server:
        yield server


@pytest.fixture(scope="module")
def owner(web):
    return web.signed_in()


def _invite(browser, *emails: str, role: str = "normal") -> list[dict]:
    response = browser.post("/workspaces/current/members/invite-email",
                            json={"emails": list(emails), "role": role, "language": "en-US"})  # fmt: skip
    assert response.status_code == 201, response.text
    return response.json()["invitation_results"]


def _link(result: dict) -> tuple[str, str]:
    query = parse_qs(urlparse(result["url"]).query)
    return query["email"][0], query["token"][0]


def _accept(web, email: str, token: str, password: str, name: str):
    """What the console does with the link: check it, sign in with it (the password chosen), set the name."""
    invitee = web.browser()
    check = invitee.get("/activate/check", params={"email": email, "token": token}).json()
    assert check["is_valid"] is True, check
    signed = invitee.post("/login", json={"email": email, "password": encoded(password), "invite_token": token})
    assert signed.status_code == 200, signed.text
    activated = invitee.post("/activate", json={"token": token, "name": name, "interface_language": "en-US",
                                                "timezone": "Europe/Paris"})  # fmt: skip
    assert activated.json() == {"result": "success"}, activated.text
    return invitee, check


def test_an_invitation_link_makes_a_member_who_signs_in_with_the_password_chosen(web, owner):
    [result] = _invite(owner, "Bob@Example.com", role="editor")
    assert result["status"] == "success" and result["url"].startswith(f"{ORIGIN}/activate?email=bob%40example.com&token=")
    listed = {m["email"]: m for m in owner.get("/workspaces/current/members").json()["accounts"]}
    assert (listed["bob@example.com"]["status"], listed["bob@example.com"]["role"]) == ("pending", "editor")

    email, token = _link(result)
    invitee, check = _accept(web, email, token, "bob-pass-123", "Bob")
    assert check["data"]["email"] == "bob@example.com" and check["data"]["workspace_name"]
    profile = invitee.get("/account/profile").json()
    assert (profile["name"], profile["email"], profile["timezone"]) == ("Bob", "bob@example.com", "Europe/Paris")
    assert invitee.post("/workspaces/current").json()["role"] == "editor"
    member = next(m for m in owner.get("/workspaces/current/members").json()["accounts"] if m["email"] == email)
    assert (member["status"], member["name"]) == ("active", "Bob")

    # The link is used up; the password is Bob's from now on, and the token no longer sets another.
    assert invitee.get("/activate/check", params={"token": token}).json() == {"is_valid": False}
    again = web.browser().post("/login", json={"email": email, "password": encoded("other-pass-9"), "invite_token": token})
    assert again.status_code == 401
    bob = web.signed_in_as(email, "bob-pass-123")
    made = owner.post("/apps", json={"name": "Owner's bot", "mode": "chat"}).json()
    seen = next(a for a in bob.get("/apps", params={"page": 1, "limit": 30}).json()["data"] if a["id"] == made["id"])
    assert seen["author_name"] == ADMIN["name"]  # a member sees who made the workspace's apps
    assert bob.get(f"/apps/{made['id']}").json()["author_name"] == ADMIN["name"]


def test_a_forged_or_foreign_token_is_no_invitation(web, owner):
    [result] = _invite(owner, "carol@example.com")
    email, token = _link(result)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert web.browser().get("/activate/check", params={"token": forged}).json() == {"is_valid": False}
    assert web.browser().get("/activate/check", params={"token": token, "email": "dave@example.com"}).json() == {
        "is_valid": False
    }
    workspace = owner.post("/workspaces/current").json()["id"]
    wrong_workspace = web.browser().get("/activate/check", params={"token": token, "workspace_id": ADMIN["email"]})
    assert wrong_workspace.json() == {"is_valid": False}
    assert web.browser().get("/activate/check", params={"token": token, "workspace_id": workspace}).json()["is_valid"]
    # Without the token, an invited account has no password to sign in with.
    assert web.browser().post("/login", json={"email": email, "password": encoded("anything-1")}).status_code == 401
    refused = web.browser().post("/activate", json={"token": forged, "name": "Mallory"})
    assert refused.status_code == 403 and refused.json()["code"] == "already_activate"
    for bad in ({"name": "", "timezone": "UTC"}, {"name": "Carol", "timezone": "Mars/Olympus"}, {"name": "x" * 31}):
        refused = web.browser().post("/activate", json={"token": token, **bad})
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid_param"), bad
    assert web.browser().get("/activate/check", params={"token": token}).json()["is_valid"]  # nothing was used up


def test_an_active_account_is_seated_and_sent_to_sign_in(web, owner):
    [result] = _invite(owner, "other@example.com")  # the owner of the other workspace
    assert result == {"status": "success", "email": "other@example.com", "url": f"{ORIGIN}/signin"}
    member = next(m for m in owner.get("/workspaces/current/members").json()["accounts"] if m["email"] == "other@example.com")
    assert (member["status"], member["role"]) == ("active", "normal")
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert other.post("/workspaces/current").json()["role"] == "owner"  # still in its own workspace first
    listed = other.get("/workspaces").json()["workspaces"]
    mine, joined = listed[0], next(w for w in listed if w["id"] == owner.post("/workspaces/current").json()["id"])
    assert mine["current"] is True and joined["current"] is False and len(listed) == 2

    switched = other.post("/workspaces/switch", json={"tenant_id": joined["id"]})
    assert switched.json()["result"] == "success" and switched.json()["new_tenant"]["role"] == "normal"
    assert other.post("/workspaces/current").json()["id"] == joined["id"]
    assert {w["id"]: w["current"] for w in other.get("/workspaces").json()["workspaces"]} == {
        mine["id"]: False, joined["id"]: True}  # fmt: skip
    apps_here = {a["id"] for a in other.get("/apps", params={"page": 1, "limit": 30}).json()["data"]}
    assert apps_here == {a["id"] for a in owner.get("/apps", params={"page": 1, "limit": 30}).json()["data"]}
    refused = other.post("/workspaces/switch", json={"tenant_id": "00000000-0000-0000-0000-000000000001"})
    assert (refused.status_code, refused.json()["code"]) == (403, "account_not_link_tenant")
    assert other.post("/workspaces/switch", json={"tenant_id": mine["id"]}).status_code == 200


def test_roles_change_members_leave_and_only_the_owner_may(web, owner):
    [result] = _invite(owner, "erin@example.com")
    email, token = _link(result)
    erin, _ = _accept(web, email, token, "erin-pass-123", "Erin")
    erin_id = erin.get("/account/profile").json()["id"]
    owner_id = owner.get("/account/profile").json()["id"]

    assert erin.post("/workspaces/current/members/invite-email", json={"emails": ["x@example.com"], "role": "normal"}
                     ).json()["code"] == "forbidden"  # a normal member invites nobody
    assert erin.delete(f"/workspaces/current/members/{owner_id}").status_code == 403
    changed = owner.put(f"/workspaces/current/members/{erin_id}/update-role", json={"role": "admin"})
    assert changed.json() == {"result": "success"}
    assert erin.post("/workspaces/current").json()["role"] == "admin"
    assert len(_invite(erin, "frank@example.com")) == 1  # an admin may invite
    assert erin.put(f"/workspaces/current/members/{owner_id}/update-role", json={"role": "normal"}).status_code == 403

    for bad in ("owner", "dataset_operator", "boss"):
        refused = owner.put(f"/workspaces/current/members/{erin_id}/update-role", json={"role": bad})
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid-role")
        invite = owner.post("/workspaces/current/members/invite-email", json={"emails": ["g@example.com"], "role": bad})
        assert (invite.status_code, invite.json()["code"]) == (400, "invalid-role")
    assert owner.delete(f"/workspaces/current/members/{owner_id}").json()["code"] == "cannot-operate-self"

    assert owner.delete(f"/workspaces/current/members/{erin_id}").json()["result"] == "success"
    assert email not in {m["email"] for m in owner.get("/workspaces/current/members").json()["accounts"]}
    assert owner.delete(f"/workspaces/current/members/{erin_id}").status_code == 404
    assert erin.post("/workspaces/current").status_code in (401, 403)  # no seat left in any workspace


def test_a_removed_invitee_s_link_stops_working(web, owner):
    [result] = _invite(owner, "gina@example.com")
    email, token = _link(result)
    gina = next(m for m in owner.get("/workspaces/current/members").json()["accounts"] if m["email"] == email)
    assert owner.delete(f"/workspaces/current/members/{gina['id']}").status_code == 200
    assert web.browser().get("/activate/check", params={"token": token}).json() == {"is_valid": False}


def test_an_invitation_names_one_to_a_hundred_emails_and_a_bad_one_fails_alone(web, owner):
    for emails in ([], [f"u{i}@example.com" for i in range(101)]):
        refused = owner.post("/workspaces/current/members/invite-email", json={"emails": emails, "role": "normal"})
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid_param")
    before = len(owner.get("/workspaces/current/members").json()["accounts"])
    bad, good = _invite(owner, "not-an-email", "kim@example.com")
    assert (bad["status"], good["status"]) == ("failed", "success") and "message" in bad
    assert len(owner.get("/workspaces/current/members").json()["accounts"]) == before + 1


def test_member_changes_need_the_csrf_header(web, owner):
    bare = owner.bare("POST", "/workspaces/current/members/invite-email", json={"emails": ["h@example.com"]})
    assert bare.status_code == 401


def test_the_account_page_changes_name_language_time_zone_and_password(web):
    [result] = _invite(web.signed_in(), "ivy@example.com")
    email, token = _link(result)
    ivy, _ = _accept(web, email, token, "ivy-pass-123", "Ivy")
    assert ivy.post("/account/name", json={"name": "Ivy Q"}).json()["name"] == "Ivy Q"
    assert ivy.post("/account/interface-language", json={"interface_language": "ja-JP"}).json()["interface_language"] == "ja-JP"
    assert ivy.post("/account/timezone", json={"timezone": "Asia/Tokyo"}).json()["timezone"] == "Asia/Tokyo"
    profile = ivy.get("/account/profile").json()
    assert (profile["name"], profile["interface_language"], profile["timezone"]) == ("Ivy Q", "ja-JP", "Asia/Tokyo")
    for path, bad in (("/account/name", {"name": ""}), ("/account/name", {"name": "x" * 31}),
                      ("/account/timezone", {"timezone": "Mars/Olympus"}),
                      ("/account/interface-language", {"interface_language": "Klingon!"}),
                      ("/account/name", {})):  # fmt: skip
        refused = ivy.post(path, json=bad)
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid_param"), (path, bad)
    assert ivy.get("/account/profile").json()["name"] == "Ivy Q"  # nothing changed by the refusals

    change = {"password": "wrong-pass-1", "new_password": "ivy-new-456", "repeat_new_password": "ivy-new-456"}
    assert ivy.post("/account/password", json=change).json()["code"] == "current_password_incorrect"
    mismatch = {**change, "password": "ivy-pass-123", "repeat_new_password": "ivy-new-457"}
    assert ivy.post("/account/password", json=mismatch).json()["code"] == "repeat_password_not_match"
    weak = {"password": "ivy-pass-123", "new_password": "short", "repeat_new_password": "short"}
    assert ivy.post("/account/password", json=weak).json()["code"] == "invalid_param"
    assert ivy.post("/account/password", json={**change, "password": "ivy-pass-123"}).status_code == 200
    assert web.browser().sign_in(email, "ivy-pass-123").status_code == 401
    assert web.browser().sign_in(email, "ivy-new-456").status_code == 200
    assert ivy.get("/account/integrates").json() == {"data": []}


def test_owners_and_admins_rename_the_workspace(web, owner):
    renamed = owner.post("/workspaces/info", json={"name": "Acme Support"})
    assert renamed.json()["tenant"]["name"] == "Acme Support"
    assert owner.post("/workspaces/current").json()["name"] == "Acme Support"
    assert owner.post("/workspaces/info", json={"name": "  "}).json()["code"] == "invalid_param"
    [result] = _invite(owner, "jack@example.com")
    jack, _ = _accept(web, *_link(result), "jack-pass-123", "Jack")
    assert jack.post("/workspaces/info", json={"name": "Jack's"}).json()["code"] == "forbidden"
    assert owner.post("/workspaces/current").json()["name"] == "Acme Support"
