"""Every list route of the Service API, the Knowledge API and the console answers a page or limit that is not a
small positive integer with Dify's 400 `invalid_param`, never a 500."""

from uuid import uuid4

from tests.api.helpers import bearer

NOT_INTEGERS = ("x", "1.5", "", "1e3", "٣")  # "" means the default: it is accepted, see below
OUT_OF_RANGE = ("0", "-1", "456511127317018688", "9" * 40)


async def _routes(console) -> list[tuple[str, dict, dict, tuple[str, ...]]]:
    """(path, fixed query, headers, integer parameters) for each list route."""
    chat = await console.create_app("Chat", "chat")
    chat_key = bearer(await console.create_app_key(chat["id"]))
    workflow = await console.create_app("Flow", "workflow")
    workflow_key = bearer(await console.create_app_key(workflow["id"]))
    created = await console.client.post("/console/api/datasets/api-keys", headers=console.headers)
    dataset_key = bearer((await created.get_json())["token"])
    dataset = await (await console.client.post("/v1/datasets", json={"name": "Docs"}, headers=dataset_key)).get_json()
    documents = f"/v1/datasets/{dataset['id']}/documents"
    user = {"user": "alice"}
    return [
        ("/v1/conversations", user, chat_key, ("limit",)),
        ("/v1/messages", {**user, "conversation_id": str(uuid4())}, chat_key, ("limit",)),
        (f"/v1/conversations/{uuid4()}/variables", user, chat_key, ("limit",)),
        ("/v1/app/feedbacks", {}, chat_key, ("page", "limit")),
        ("/v1/workflows/logs", {}, workflow_key, ("page", "limit")),
        ("/v1/datasets", {}, dataset_key, ("page", "limit")),
        (documents, {}, dataset_key, ("page", "limit")),
        (f"{documents}/{uuid4()}/segments", {}, dataset_key, ("page", "limit")),
        (f"{documents}/{uuid4()}/segments/{uuid4()}/child_chunks", {}, dataset_key, ("page", "limit")),
        ("/console/api/apps", {}, console.headers, ("page", "limit")),
    ]


async def test_a_page_or_limit_that_is_not_a_bounded_integer_is_invalid_param(console):
    wrong = []
    for path, query, headers, names in await _routes(console):
        for name in names:
            for value in (v for v in NOT_INTEGERS + OUT_OF_RANGE if v):
                response = await console.client.get(path, query_string={**query, name: value}, headers=headers)
                body = await response.get_json()
                shape = {"code": "invalid_param", "status": 400}
                if response.status_code != 400 or {k: body.get(k) for k in shape} != shape or not body.get("message"):
                    wrong.append(f"{path}?{name}={value[:20]} -> {response.status_code} {body}")
    assert not wrong, "\n".join(wrong)


async def test_in_range_and_empty_values_are_accepted(console):
    refused = []
    for path, query, headers, names in await _routes(console):
        if "segments" in path or "/variables" in path or path == "/v1/messages":
            continue  # they name nothing that exists: 404 once the query is read
        for name in names:
            for value in ("", "1", "100" if name == "limit" else "99999"):
                response = await console.client.get(path, query_string={**query, name: value}, headers=headers)
                if response.status_code != 200:
                    refused.append(f"{path}?{name}={value} -> {response.status_code} {await response.get_json()}")
    assert not refused, "\n".join(refused)


async def test_workflow_log_time_filters_are_iso_8601_or_invalid_param(console):
    workflow = await console.create_app("Flow", "workflow")
    key = bearer(await console.create_app_key(workflow["id"]))
    for name in ("created_at__after", "created_at__before"):
        response = await console.client.get("/v1/workflows/logs", query_string={name: "yesterday"}, headers=key)
        body = await response.get_json()
        assert response.status_code == 400 and body["code"] == "invalid_param" and body["params"] == name
        for value in ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00+08:00"):
            response = await console.client.get("/v1/workflows/logs", query_string={name: value}, headers=key)
            assert response.status_code == 200, (name, value, await response.get_json())
