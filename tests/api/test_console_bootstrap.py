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


# ------------------------------------------------------------------------- brute-force limits, refresh


def _container(settings_values: dict, database_url: str):
    from taskiq import InMemoryBroker

    from entrypoints.container import build_container
    from entrypoints.database import Database
    from entrypoints.settings import Settings

    settings = Settings(_env_file=None, **settings_values)
    return build_container(settings, Database(url=database_url, embedded=False), InMemoryBroker())


async def _log_in(client, password: str, ip: str = "10.0.0.1", email: str = OWNER["email"]):
    response = await client.post(
        "/console/api/login", json={"email": email, "password": password}, scope_base={"client": (ip, 40000)}
    )
    return response.status_code, await response.get_json()


LOCKED = {
    "code": "email_code_login_limit",
    "message": "Too many incorrect password attempts. Please try again later.",
    "status": 429,
}


async def test_more_than_five_failed_logins_lock_the_email_with_difys_code(client, console):
    for _ in range(5 + 1):
        assert (await _log_in(client, "wrong-pass1"))[0] == 401
    assert await _log_in(client, "wrong-pass1") == (429, LOCKED)
    assert await _log_in(client, OWNER["password"], ip="10.0.0.2") == (429, LOCKED)  # locked by email, not address
    for _ in range(5 + 1):  # an unknown email counts the same, so a lockout does not tell it exists
        assert (await _log_in(client, "wrong-pass1", email="nobody@example.com"))[0] == 401
    assert await _log_in(client, "wrong-pass1", email="nobody@example.com") == (429, LOCKED)


async def test_login_and_setup_requests_past_the_address_budget_are_429_and_change_nothing(clean_database, tmp_path):
    from entrypoints.http.app import create_app

    container = _container({"STORAGE_PATH": tmp_path, "LOGIN_RATE_LIMIT_PER_IP": 2}, clean_database)
    async with create_app(container).test_app() as app:
        client = app.test_client()
        here = {"scope_base": {"client": ("10.0.0.5", 40000)}}
        bad = {**OWNER, "password": "short"}
        for _ in range(2):
            assert (await client.post("/console/api/setup", json=bad, **here)).status_code == 400
        refused = await client.post("/console/api/setup", json=OWNER, **here)
        body = await refused.get_json()
        assert (refused.status_code, body["code"], body["status"]) == (429, "too_many_requests", 429)
        assert 1 <= int(refused.headers["Retry-After"]) <= 60  # the address's window (LOGIN_RATE_LIMIT_WINDOW)
        assert await (await client.get("/console/api/setup")).get_json() == {"step": "not_started"}
        assert (await client.post("/console/api/setup", json=OWNER, scope_base={"client": ("10.0.0.6", 1)})).status_code == 201

        assert [(await _log_in(client, OWNER["password"], ip="10.0.0.5"))[0] for _ in range(3)] == [200, 200, 429]
        assert (await _log_in(client, "wrong-pass1", ip="10.0.0.5"))[1]["code"] == "too_many_requests"
        for i in range(5):  # the refused wrong password above was not counted toward the email's lockout
            assert (await _log_in(client, "wrong-pass1", ip=f"10.0.1.{i}"))[0] == 401
        assert (await _log_in(client, OWNER["password"], ip="10.0.0.8"))[0] == 200


async def test_a_refresh_token_works_once(client, console):
    _, login = await _log_in(client, OWNER["password"])
    first = login["data"]["refresh_token"]
    renewed = await client.post("/console/api/refresh-token", json={"refresh_token": first})
    assert renewed.status_code == 200
    second = (await renewed.get_json())["data"]["refresh_token"]
    assert second != first
    replayed = await client.post("/console/api/refresh-token", json={"refresh_token": first})
    body = await replayed.get_json()
    assert (replayed.status_code, body["code"], body["status"]) == (401, "unauthorized", 401)
    assert (await client.post("/console/api/refresh-token", json={"refresh_token": second})).status_code == 200


async def test_two_api_processes_share_the_lockout_and_the_used_refresh_tokens(redis_url, clean_database, tmp_path):
    from redis.asyncio import Redis

    from entrypoints.http.app import create_app

    async with Redis.from_url(redis_url) as r:
        await r.delete("weir:login_error_rate_limit:owner@example.com", "weir:login_ip_rate_limit:10.0.0.1")
    settings = {"STORAGE_PATH": tmp_path, "REDIS_URL": redis_url, "SECRET_KEY": "a-secret-both-processes-share-0123456789"}
    first, second = _container(settings, clean_database), _container(settings, clean_database)
    try:
        async with create_app(first).test_app() as one, create_app(second).test_app() as other:
            a, b = one.test_client(), other.test_client()
            assert (await a.post("/console/api/setup", json=OWNER)).status_code == 201
            refresh = (await _log_in(b, OWNER["password"]))[1]["data"]["refresh_token"]
            assert (await a.post("/console/api/refresh-token", json={"refresh_token": refresh})).status_code == 200
            assert (await b.post("/console/api/refresh-token", json={"refresh_token": refresh})).status_code == 401
            for i in range(5 + 1):
                assert (await _log_in((a, b)[i % 2], "wrong-pass1"))[0] == 401
            assert await _log_in(b, OWNER["password"]) == (429, LOCKED)
            assert await _log_in(a, OWNER["password"]) == (429, LOCKED)
    finally:
        async with Redis.from_url(redis_url) as r:
            await r.delete("weir:login_error_rate_limit:owner@example.com", "weir:login_ip_rate_limit:10.0.0.1")
