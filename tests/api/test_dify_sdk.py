"""The official Dify Python SDK (PyPI `dify-client`) driving weir over real HTTP.

weir runs as a real `python -m entrypoints.serve` process on embedded defaults; its model is the env provider
(OPENAI_API_BASE) pointing at the loopback OpenAI-compatible stub, which runs on its own event loop in a thread
of this process. Everything is set up through the console API over HTTP, as an operator would, then the SDK's
own methods are called exactly as a Dify user calls them (it is sync and uses `requests`).
"""

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from dify_client import ChatClient, CompletionClient

from tests.integration.openai_stub_server import Reply, StubOpenAIServer
from tests.polling import eventually_sync
from tests.processes import free_port, python, serving, start, weir_env

OWNER = {"email": "sdk@example.com", "name": "SDK Owner", "password": "secret123"}
USER = "sdk-user-1"


@dataclass
class Weir:
    base: str
    chat_key: str
    completion_key: str
    upstream: StubOpenAIServer

    def chat(self) -> ChatClient:
        client = ChatClient(self.chat_key)
        client.base_url = f"{self.base}/v1"  # the SDK hard-codes api.dify.ai
        return client

    def completion(self) -> CompletionClient:
        client = CompletionClient(self.completion_key)
        client.base_url = f"{self.base}/v1"
        return client

    def script(self, *deltas: str) -> None:
        """The stub answers the next request with these deltas."""
        self.upstream.replies.append(Reply(deltas=deltas))


@pytest.fixture(scope="module")
def upstream() -> Iterator[StubOpenAIServer]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="stub-openai", daemon=True)
    thread.start()
    server = StubOpenAIServer()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    yield server
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def _configure(base: str) -> tuple[str, str]:
    """Setup, login, a chat app and a completion app on the env provider's model, a Service API key for each."""
    with httpx.Client(base_url=base, timeout=30) as http:
        assert http.post("/console/api/setup", json=OWNER).status_code == 201
        login = http.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        keys = []
        for name, mode, config in (
            ("SDK chat", "chat", {"pre_prompt": "You help {{company}}.", "opening_statement": "Hi, I am the SDK bot.",
                                  "user_input_form": [{"text-input": {"label": "Company", "variable": "company", "required": False, "default": "Acme"}}]}),
            ("SDK completion", "completion", {"pre_prompt": "Translate: {{query}}",
                                              "user_input_form": [{"paragraph": {"label": "Query", "variable": "query", "required": True}}]}),
        ):
            app = http.post("/console/api/apps", json={"name": name, "mode": mode}, headers=headers)
            assert app.status_code == 201, app.text
            app_id = app.json()["id"]
            model = {"provider": "openai", "name": "stub-model", "mode": "chat", "completion_params": {"max_tokens": 64}}
            configured = http.post(f"/console/api/apps/{app_id}/model-config", json={"model": model, **config}, headers=headers)
            assert configured.status_code == 200, configured.text
            key = http.post(f"/console/api/apps/{app_id}/api-keys", headers=headers)
            assert key.status_code == 201, key.text
            keys.append(key.json()["token"])
    return keys[0], keys[1]


@pytest.fixture(scope="module")
def weir(tmp_path_factory, upstream) -> Iterator[Weir]:
    folder = tmp_path_factory.mktemp("weir-sdk")
    port = free_port()
    env = weir_env(
        PORT=str(port), STORAGE_PATH=str(folder / "storage"), HOST="127.0.0.1",
        OPENAI_API_BASE=upstream.base_url, OPENAI_API_KEY="sk-test", OPENAI_MODELS="stub-model",
    )
    log = folder / "api.log"
    process = start(python("-m", "entrypoints.serve"), env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        eventually_sync(serving(base, process), 180, 0.1, "weir to serve /health")
        chat_key, completion_key = _configure(base)
        yield Weir(base=base, chat_key=chat_key, completion_key=completion_key, upstream=upstream)
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


def sse_events(response) -> list[dict]:
    """The `data:` events of a streamed `requests` response, read line by line as they arrive."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/event-stream")
    return [json.loads(line[len("data:"):]) for line in response.iter_lines(decode_unicode=True) if line and line.startswith("data:")]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.url}: {response.status_code} {response.text}"
    return response.json()


def test_a_conversation_through_the_sdk(weir):
    client = weir.chat()

    weir.script("Hello", " from", " weir")
    first = ok(client.create_chat_message(inputs={"company": "Initech"}, query="What is weir?", user=USER))
    assert first["answer"] == "Hello from weir" and first["mode"] == "chat"
    conversation_id = first["conversation_id"]

    weir.script("It ", "speaks ", "Dify")
    events = sse_events(client.create_chat_message(inputs={}, query="And what does it speak?", user=USER,
                                                   response_mode="streaming", conversation_id=conversation_id))
    assert [e["event"] for e in events] == ["message", "message", "message", "message_end"]
    assert "".join(e["answer"] for e in events[:-1]) == "It speaks Dify"
    assert {e["conversation_id"] for e in events} == {conversation_id}
    second_id = events[-1]["message_id"]
    assert events[-1]["metadata"]["usage"]["total_tokens"] == 14

    listed = ok(client.get_conversations(user=USER))["data"]
    assert [(c["id"], c["name"]) for c in listed] == [(conversation_id, "What is weir?")]  # named after the first query

    renamed = ok(client.rename_conversation(conversation_id, "About weir", USER))
    assert (renamed["id"], renamed["name"]) == (conversation_id, "About weir")
    assert ok(client.get_conversations(user=USER, limit=5))["data"][0]["name"] == "About weir"

    assert ok(client.message_feedback(first["message_id"], "like", USER)) == {"result": "success"}
    history = ok(client.get_conversation_messages(USER, conversation_id=conversation_id))
    assert [(m["id"], m["query"], m["answer"]) for m in history["data"]] == [
        (first["message_id"], "What is weir?", "Hello from weir"),
        (second_id, "And what does it speak?", "It speaks Dify"),
    ]
    assert [m["feedback"] for m in history["data"]] == [{"rating": "like"}, None]
    assert history["data"][0]["inputs"] == {"company": "Initech"}

    assert ok(client.get_conversation_messages(USER, conversation_id=conversation_id, first_id=second_id, limit=1))["data"][0]["id"] == first["message_id"]

    # dify-client 0.1.10 has no delete_conversation: the same request through the SDK's own transport
    deleted = client._send_request("DELETE", f"/conversations/{conversation_id}", {"user": USER})
    assert deleted.status_code == 204, deleted.text
    assert ok(client.get_conversations(user=USER))["data"] == []
    assert ok(client.get_conversations(user="someone-else"))["data"] == []


def test_another_user_does_not_see_the_conversation(weir):
    client = weir.chat()
    mine = ok(client.create_chat_message(inputs={}, query="Private question", user="owner-of-it"))
    assert ok(client.get_conversations(user="a-stranger"))["data"] == []
    stranger = client.get_conversation_messages("a-stranger", conversation_id=mine["conversation_id"])
    assert (stranger.status_code, stranger.json()["code"]) == (404, "not_found")


def test_a_completion_through_the_sdk(weir):
    client = weir.completion()

    weir.script("Bonjour", " le monde")
    blocking = ok(client.create_completion_message(inputs={"query": "Hello world"}, response_mode="blocking", user=USER))
    assert blocking["answer"] == "Bonjour le monde" and blocking["mode"] == "completion"

    weir.script("Hola", " mundo")
    events = sse_events(client.create_completion_message(inputs={"query": "Hello world"}, response_mode="streaming", user=USER))
    assert "".join(e.get("answer", "") for e in events if e["event"] == "message") == "Hola mundo"
    assert events[-1]["event"] == "message_end"

    prompt = weir.upstream.requests[-1]["json"]["messages"]
    assert any("Translate: Hello world" in m["content"] for m in prompt)  # the input reached the model


def test_parameters_and_file_upload_through_the_sdk(weir):
    client = weir.chat()

    parameters = ok(client.get_application_parameters(USER))
    assert parameters["opening_statement"] == "Hi, I am the SDK bot."
    assert parameters["user_input_form"][0]["text-input"]["variable"] == "company"
    assert parameters["system_parameters"]["file_size_limit"] > 0

    data = b"weir notes\n" * 50
    uploaded = ok(client.file_upload(USER, {"file": ("notes.txt", data, "text/plain")}), status=201)
    assert (uploaded["name"], uploaded["size"], uploaded["extension"], uploaded["mime_type"]) == ("notes.txt", len(data), "txt", "text/plain")

    with httpx.Client(base_url=weir.base, headers={"Authorization": f"Bearer {weir.chat_key}"}) as http:
        uploader = http.get(f"/v1/end-users/{uploaded['created_by']}").json()
    assert (uploader["session_id"], uploader["type"]) == (USER, "service-api")
