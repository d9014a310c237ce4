"""PUT /v1/conversations/{id}/variables/{variable_id}: a chatflow's conversation variable set by the integrator,
type-checked against its declared type, and carried into the next turn."""

from tests.api.helpers import bearer
from tests.api.test_advanced_chat import _chatflow_key


async def test_a_variable_is_set_type_checked_and_carried_into_the_next_turn(console, upstream):
    key = await _chatflow_key(console, upstream)
    first = await (
        await console.client.post(
            "/v1/chat-messages",
            headers=bearer(key),
            json={"query": "One", "inputs": {}, "response_mode": "blocking", "user": "alice"},
        )
    ).get_json()
    url = f"/v1/conversations/{first['conversation_id']}/variables/v-turns"

    response = await console.client.put(url, headers=bearer(key), json={"value": 41, "user": "alice"})
    body = await response.get_json()
    assert response.status_code == 200 and (body["name"], body["value_type"], body["value"]) == (
        "turns",
        "number",
        "41",
    )

    second = await (
        await console.client.post(
            "/v1/chat-messages",
            headers=bearer(key),
            json={
                "query": "Two",
                "inputs": {},
                "response_mode": "blocking",
                "user": "alice",
                "conversation_id": first["conversation_id"],
            },
        )
    ).get_json()
    assert second["answer"].endswith("(turn 42)"), second

    wrong = await console.client.put(url, headers=bearer(key), json={"value": "many", "user": "alice"})
    assert (wrong.status_code, await wrong.get_json()) == (
        400,
        {
            "code": "bad_request",
            "status": 400,
            "message": "Type mismatch: variable 'turns' expects number, but got string type",
        },
    )
    unknown = await console.client.put(
        url.replace("v-turns", "v-nothing"), headers=bearer(key), json={"value": 1, "user": "alice"}
    )
    assert (unknown.status_code, (await unknown.get_json())["message"]) == (404, "Conversation Variable Not Exists.")
    stranger = await console.client.put(url, headers=bearer(key), json={"value": 1, "user": "mallory"})
    assert (stranger.status_code, (await stranger.get_json())["message"]) == (404, "Conversation Not Exists.")
    missing = await console.client.put(url, headers=bearer(key), json={"user": "alice"})
    assert (missing.status_code, (await missing.get_json())["code"]) == (400, "invalid_param")
