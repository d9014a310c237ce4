"""The console bootstrap as a Dify console script would drive it."""

from tests.api.helpers import OWNER, bearer


async def test_setup_status_moves_from_not_started_to_finished(client):
    assert await (await client.get("/console/api/setup")).get_json() == {"step": "not_started"}
    response = await client.post("/console/api/setup", json=OWNER)
    assert (response.status_code, await response.get_json()) == (201, {"result": "success"})
    status = await (await client.get("/console/api/setup")).get_json()
    assert status["step"] == "finished" and status["setup_at"].endswith("Z")


async def test_a_second_setup_is_forbidden_and_creates_no_account(client, console):
    response = await client.post("/console/api/setup", json={**OWNER, "email": "intruder@example.com"})
    body = await response.get_json()
    assert response.status_code == 403 and body["code"] == "already_setup" and body["status"] == 403
    login = await client.post("/console/api/login", json={"email": "intruder@example.com", "password": "secret123"})
    assert login.status_code == 401


async def test_login_with_a_wrong_password_is_refused(client, console):
    response = await client.post("/console/api/login", json={"email": OWNER["email"], "password": "wrong-pass1"})
    body = await response.get_json()
    assert response.status_code == 401
    assert body == {"code": "authentication_failed", "message": "Invalid email or password.", "status": 401}
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


async def test_the_token_opens_profile_and_workspace(client, console):
    profile = await (await client.get("/console/api/account/profile", headers=console.headers)).get_json()
    workspace = await (await client.get("/console/api/workspaces/current", headers=console.headers)).get_json()
    assert profile["email"] == OWNER["email"] and profile["name"] == "Owner"
    assert workspace["role"] == "owner" and workspace["name"] == "Owner's Workspace"


async def test_refresh_token_gives_a_working_access_token(client, console):
    login = await client.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
    refresh = (await login.get_json())["data"]["refresh_token"]
    assert (await client.get("/console/api/apps", headers=bearer(refresh))).status_code == 401
    renewed = await client.post("/console/api/refresh-token", json={"refresh_token": refresh})
    access = (await renewed.get_json())["data"]["access_token"]
    assert (await client.get("/console/api/apps", headers=bearer(access))).status_code == 200


async def test_console_routes_need_a_token(client, console):
    for headers in ({}, bearer("forged"), {"Authorization": "Basic abc"}):
        response = await client.get("/console/api/apps", headers=headers)
        assert response.status_code == 401 and (await response.get_json())["code"] == "unauthorized"


async def test_a_refresh_token_works_once(client, console):
    login = await client.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
    first = (await login.get_json())["data"]["refresh_token"]
    renewed = await client.post("/console/api/refresh-token", json={"refresh_token": first})
    assert renewed.status_code == 200
    second = (await renewed.get_json())["data"]["refresh_token"]
    assert second != first
    replayed = await client.post("/console/api/refresh-token", json={"refresh_token": first})
    body = await replayed.get_json()
    assert (replayed.status_code, body["code"], body["status"]) == (401, "unauthorized", 401)
    assert (await client.post("/console/api/refresh-token", json={"refresh_token": second})).status_code == 200
