"""The official Dify Python SDK (`dify-client`) talking to an agent-chat app of a real weir process: the agent
calls weir's real `time` builtin through two rounds of the scripted upstream and its thoughts stream."""

from collections.abc import Iterator

import httpx
import pytest
from dify_client import ChatClient

from tests.api.agent_helpers import tool_calls_reply
from tests.api.test_dify_sdk import OWNER, ok, sse_events, upstream  # noqa: F401  (the module's upstream fixture)
from tests.integration.openai_stub_server import Reply, StubOpenAIServer
from tests.polling import eventually_sync
from tests.processes import free_port, python, serving, start, weir_env

USER = "sdk-agent-user"
CONVERT = {
    "enabled": True,
    "provider_type": "builtin",
    "provider_id": "time",
    "provider_name": "time",
    "tool_name": "timezone_conversion",
    "tool_parameters": {},
}


def _agent_app(base: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as http:
        assert http.post("/console/api/setup", json=OWNER).status_code == 201
        login = http.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        app = http.post("/console/api/apps", json={"name": "SDK agent", "mode": "agent-chat"}, headers=headers)
        assert app.status_code == 201, app.text
        app_id = app.json()["id"]
        config = {
            "model": {"provider": "openai", "name": "stub-model", "mode": "chat", "completion_params": {}},
            "pre_prompt": "You convert times.",
            "agent_mode": {"enabled": True, "strategy": "function_call", "max_iteration": 5, "tools": [CONVERT]},
        }
        assert http.post(f"/console/api/apps/{app_id}/model-config", json=config, headers=headers).status_code == 200
        key = http.post(f"/console/api/apps/{app_id}/api-keys", headers=headers)
        assert key.status_code == 201, key.text
        return key.json()["token"]


@pytest.fixture(scope="module")
def agent_client(tmp_path_factory, upstream: StubOpenAIServer) -> Iterator[ChatClient]:  # noqa: F811
    folder = tmp_path_factory.mktemp("weir-agent-sdk")
    port = free_port()
    env = weir_env(
        PORT=str(port),
        STORAGE_PATH=str(folder / "storage"),
        HOST="127.0.0.1",
        OPENAI_API_BASE=upstream.base_url,
        OPENAI_API_KEY="sk-test",
        OPENAI_MODELS="stub-model",
    )
    log = folder / "api.log"
    process = start(python("-m", "entrypoints.serve"), env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        eventually_sync(serving(base, process), 180, 0.1, "weir to serve /health")
        client = ChatClient(_agent_app(base))
        client.base_url = f"{base}/v1"
        yield client
    except BaseException:
        print(log.read_text())
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except Exception:
            process.kill()
            process.wait()


def test_an_agent_chat_streams_its_thoughts_through_the_sdk(agent_client, upstream):  # noqa: F811
    arguments = {"current_time": "2026-03-01 08:30:00", "current_timezone": "UTC", "target_timezone": "Asia/Tokyo"}
    upstream.replies += [
        tool_calls_reply(("timezone_conversion", arguments)),
        Reply(deltas=("In Tokyo it is ", "17:30.")),
    ]
    events = sse_events(
        agent_client.create_chat_message(inputs={}, query="08:30 UTC in Tokyo?", user=USER, response_mode="streaming")
    )
    names = [e["event"] for e in events]
    assert names[-1] == "message_end" and "agent_thought" in names and "message" not in names
    assert "".join(e["answer"] for e in events if e["event"] == "agent_message") == "In Tokyo it is 17:30."
    tool_round = [e for e in events if e["event"] == "agent_thought" and e["position"] == 1][-1]
    assert tool_round["tool"] == "timezone_conversion" and "2026-03-01 17:30:00" in tool_round["observation"]

    history = ok(agent_client.get_conversation_messages(USER, conversation_id=events[-1]["conversation_id"]))
    thoughts = history["data"][0]["agent_thoughts"]
    assert [t["position"] for t in thoughts] == [1, 2] and thoughts[0]["tool"] == "timezone_conversion"

    upstream.replies += [Reply(deltas=("Blocking ", "works."))]
    blocking = ok(
        agent_client.create_chat_message(
            inputs={}, query="And now?", user=USER, conversation_id=events[-1]["conversation_id"]
        )
    )
    assert blocking["answer"] == "Blocking works." and blocking["mode"] == "agent-chat"
