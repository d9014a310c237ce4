"""Service API authentication (spec §1.1, §1.2) and the app-level routes."""

from domain.apps.entities import TokenType
from tests.api.helpers import bearer


async def test_welcome_document(client):
    body = await (await client.get("/v1/")).get_json()
    assert body["welcome"] == "Dify OpenAPI" and body["api_version"] == "v1" and body["server_version"]


async def test_info_describes_the_app_behind_the_key(console):
    app = await console.create_app("Support bot", "chat")
    key = await console.create_app_key(app["id"])
    response = await console.client.get("/v1/info", headers=bearer(key))
    assert await response.get_json() == {
        "name": "Support bot", "description": "", "tags": [], "mode": "chat", "author_name": "Owner",
    }


async def test_auth_errors_follow_difys_envelope(console):
    app = await console.create_app()
    await console.create_app_key(app["id"])
    dataset_key = await (await console.client.post("/console/api/datasets/api-keys", headers=console.headers)).get_json()
    cases = [
        ({}, "Authorization header must be provided and start with 'Bearer'"),
        ({"Authorization": "Bearer"}, "Authorization header must be provided and start with 'Bearer'"),
        ({"Authorization": "Token app-abc"}, "Authorization scheme must be 'Bearer'"),
        (bearer("app-doesnotexist00000000000"), "Access token is invalid"),
        (bearer(dataset_key["token"]), "Access token is invalid"),
    ]
    for headers, message in cases:
        response = await console.client.get("/v1/info", headers=headers)
        assert response.status_code == 401, headers
        assert await response.get_json() == {"code": "unauthorized", "message": message, "status": 401}
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


async def test_a_disabled_api_is_forbidden_until_enabled_again(console):
    app = await console.create_app()
    key = await console.create_app_key(app["id"])
    toggle = f"/console/api/apps/{app['id']}/api-enable"
    await console.client.post(toggle, json={"enable_api": False}, headers=console.headers)
    response = await console.client.get("/v1/info", headers=bearer(key))
    assert response.status_code == 403
    assert await response.get_json() == {
        "code": "forbidden", "message": "The app's API service has been disabled.", "status": 403,
    }
    await console.client.post(toggle, json={"enable_api": True}, headers=console.headers)
    assert (await console.client.get("/v1/info", headers=bearer(key))).status_code == 200


async def test_keys_of_a_deleted_app_stop_working(console):
    app = await console.create_app()
    key = await console.create_app_key(app["id"])
    await console.client.delete(f"/console/api/apps/{app['id']}", headers=console.headers)
    assert (await console.client.get("/v1/info", headers=bearer(key))).status_code == 401


async def test_end_users_are_visible_to_their_own_app_only(console, container):
    app = await console.create_app()
    other = await console.create_app("Other")
    key, other_key = await console.create_app_key(app["id"]), await console.create_app_key(other["id"])
    caller = await container.authenticate_api_key().execute(key, TokenType.APP)
    end_user = await container.resolve_end_user().execute(caller.app, "customer-7")

    response = await console.client.get(f"/v1/end-users/{end_user.id}", headers=bearer(key))
    body = await response.get_json()
    assert response.status_code == 200
    assert (body["session_id"], body["external_user_id"], body["type"]) == ("customer-7", "customer-7", "service-api")
    assert body["created_at"].endswith("Z")
    for wrong in (f"/v1/end-users/{end_user.id}", "/v1/end-users/not-a-uuid"):
        response = await console.client.get(wrong, headers=bearer(other_key))
        assert (response.status_code, (await response.get_json())["code"]) == (404, "end_user_not_found")


async def test_health_reports_each_dependency(client):
    response = await client.get("/health")
    body = await response.get_json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["database"]["migration"]
    assert body["checks"]["queue"] == {"ok": True, "kind": "in-process"}
    assert body["checks"]["vector_store"]["kind"] == "pgvector" and body["checks"]["vector_store"]["ok"]


async def test_unknown_routes_use_the_envelope(client):
    response = await client.get("/v1/nowhere")
    body = await response.get_json()
    assert (response.status_code, body["code"], body["status"]) == (404, "not_found", 404) and body["message"]


async def test_health_with_redis_reports_the_queue_server(redis_url, clean_database, tmp_path):
    from taskiq import InMemoryBroker

    from entrypoints.container import build_container
    from entrypoints.database import Database
    from entrypoints.http.app import create_app
    from entrypoints.settings import Settings

    settings = Settings(STORAGE_PATH=tmp_path, REDIS_URL=redis_url, _env_file=None)
    container = build_container(settings, Database(url=clean_database, embedded=False), InMemoryBroker())
    async with create_app(container).test_app() as app:
        body = await (await app.test_client().get("/health")).get_json()
    assert body["checks"]["queue"]["ok"] and body["checks"]["queue"]["kind"] == "redis"
