"""Apps and keys through the console API; bad input changes nothing."""

import pytest


async def _app_count(console) -> int:
    response = await console.client.get("/console/api/apps", headers=console.headers)
    return (await response.get_json())["total"]


async def test_create_list_get_update_delete(console):
    created = await console.create_app("Support bot", "chat")
    assert created["mode"] == "chat" and created["enable_api"] is True and isinstance(created["created_at"], int)
    await console.create_app("Flow", "workflow")
    listing = await (await console.client.get("/console/api/apps?limit=1", headers=console.headers)).get_json()
    assert (listing["total"], listing["has_more"], listing["data"][0]["name"]) == (2, True, "Flow")
    workflows = await (await console.client.get("/console/api/apps?mode=workflow", headers=console.headers)).get_json()
    assert [a["name"] for a in workflows["data"]] == ["Flow"]

    url = f"/console/api/apps/{created['id']}"
    updated = await console.client.put(url, json={"name": "Helpdesk", "description": "answers"}, headers=console.headers)
    assert (await updated.get_json())["name"] == "Helpdesk"
    assert (await (await console.client.get(url, headers=console.headers)).get_json())["description"] == "answers"
    assert (await console.client.delete(url, headers=console.headers)).status_code == 204
    assert (await console.client.get(url, headers=console.headers)).status_code == 404


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "bad_request"),
        (b"", "bad_request"),
        (b"[1, 2]", "bad_request"),
        (b'{"name": "x"}', "invalid_param"),
        (b'{"name": "x", "mode": "chatbot"}', "invalid_param"),
        (b'{"name": "   ", "mode": "chat"}', "invalid_param"),
    ],
)
async def test_bad_app_bodies_get_difys_error_and_create_nothing(console, body, code):
    response = await console.client.post(
        "/console/api/apps", data=body, headers={**console.headers, "Content-Type": "application/json"}
    )
    payload = await response.get_json()
    assert response.status_code == 400
    assert payload["code"] == code and payload["status"] == 400 and payload["message"]
    assert await _app_count(console) == 0


async def test_unknown_app_is_not_found_everywhere(console):
    missing = "00000000-0000-7000-8000-000000000000"
    for method, path in [
        ("GET", f"/console/api/apps/{missing}"),
        ("POST", f"/console/api/apps/{missing}/api-keys"),
        ("GET", f"/console/api/apps/{missing}/api-keys"),
        ("GET", "/console/api/apps/not-a-uuid"),
    ]:
        response = await console.client.open(path, method=method, headers=console.headers)
        body = await response.get_json()
        assert (response.status_code, body["code"]) == (404, "not_found"), path


async def test_app_keys_and_dataset_keys(console):
    app = await console.create_app()
    key = await console.client.post(f"/console/api/apps/{app['id']}/api-keys", headers=console.headers)
    created = await key.get_json()
    assert key.status_code == 201 and created["type"] == "app" and created["token"].startswith("app-")
    assert len(created["token"]) == len("app-") + 24
    listed = await (await console.client.get(f"/console/api/apps/{app['id']}/api-keys", headers=console.headers)).get_json()
    assert [k["id"] for k in listed["data"]] == [created["id"]]

    dataset = await (await console.client.post("/console/api/datasets/api-keys", headers=console.headers)).get_json()
    assert dataset["type"] == "dataset" and dataset["token"].startswith("dataset-")

    url = f"/console/api/apps/{app['id']}/api-keys/{created['id']}"
    assert (await console.client.delete(url, headers=console.headers)).status_code == 204
    response = await console.client.get("/v1/info", headers={"Authorization": f"Bearer {created['token']}"})
    assert response.status_code == 401


async def test_more_than_ten_keys_is_refused(console):
    app = await console.create_app()
    for _ in range(10):
        await console.create_app_key(app["id"])
    response = await console.client.post(f"/console/api/apps/{app['id']}/api-keys", headers=console.headers)
    assert response.status_code == 400 and (await response.get_json())["code"] == "max_keys_exceeded"
