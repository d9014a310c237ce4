"""Every Service API route weir serves for chat and completion apps, checked against Dify's OpenAPI document.

Each case makes one real request through the Quart app (chat and completion apps wired to the loopback
OpenAI-compatible stub) and validates the JSON body against the schema that
tests/fixtures/spec/dify-openapi-service.json (Dify's own document) declares for that path, method and status. SSE streams are
split into their `data:` events and each event is validated against the schema the route's discriminator
(`ChunkChatEvent` / `ChunkCompletionEvent`) maps its `event` to. The spec gives error responses examples
but no schema, so an error body is checked against Dify's envelope: `status` equal to the HTTP status and
`code` one of the codes the spec lists for that route and status.

The document is OpenAPI 3.0: `nullable: true` becomes a JSON Schema `null` type before validation, and the
formats the spec uses (uuid, date-time, decimal, int64) are checked. A failure names every field that broke.
"""

import io
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.datastructures import FileStorage

from tests.api.chat_helpers import ChatApp, configure_provider, make_app
from tests.api.helpers import multipart as multipart_form
from tests.api.test_advanced_chat import TURNS, _dsl
from tests.integration.audio_stub_server import StubAudioServer
from tests.integration.openai_stub_server import Reply
from tests.polling import eventually

SPEC_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "spec" / "dify-openapi-service.json"
SPEC_URI = "urn:dify-openapi-service"
UNKNOWN_ID = "00000000-0000-7000-8000-000000000001"


# ---------------------------------------------------------------------------------------------- the spec


def _as_json_schema(node):
    """OpenAPI 3.0 → JSON Schema 2020-12: `nullable: true` admits null (with or without a `type`)."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    wrappers = node.get("oneOf", [])
    if wrappers and all(len(b.get("properties", {})) == 1 and "required" not in b for b in wrappers):
        # alternatives told apart by their single key ({"text-input": {...}} | {"paragraph": {...}} …): without
        # `required` any object would match them all and fail `oneOf`, so the key is what each one requires
        node["oneOf"] = [{**b, "required": list(b["properties"])} for b in wrappers]
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [{"type": "null"}, node]}
    return node


@cache
def spec() -> dict:
    return json.loads(SPEC_PATH.read_text())


@cache
def registry() -> Registry:
    resource = Resource.from_contents(_as_json_schema(spec()), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _response(method: str, path: str, status: int) -> dict:
    responses = spec()["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"the spec declares no {status} for {method} {path} (only {sorted(responses)})"
    response = responses[str(status)]
    if "$ref" in response:  # #/components/responses/SuccessResult
        response = spec()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


def body_schema(method: str, path: str, status: int) -> dict | None:
    """The JSON Schema a `status` response of `method path` must satisfy; None when the spec declares no body."""
    response = _response(method, path, status)
    content = response.get("content", {}).get("application/json")
    if content is None:
        return None
    if "schema" in content:
        responses = spec()["paths"][path][method.lower()]["responses"]
        if "$ref" in responses[str(status)]:
            name = responses[str(status)]["$ref"].rsplit("/", 1)[1]
            pointer = _pointer("components", "responses", name, "content", "application/json", "schema")
        else:
            pointer = _pointer("paths", path, method.lower(), "responses", str(status), "content", "application/json", "schema")
        return {"$ref": f"{SPEC_URI}#/{pointer}"}
    codes = sorted({example["value"]["code"] for example in content["examples"].values()})
    return {  # Dify's error envelope, with the codes the spec documents for this route and status
        "type": "object",
        "required": ["status", "code", "message"],
        "properties": {"status": {"const": status}, "code": {"enum": codes}, "message": {"type": "string"}},
    }


def event_schema(path: str, event: dict) -> dict:
    """The schema of one SSE event: the route's chunk discriminator maps `event` to it."""
    chunk = "ChunkChatEvent" if path == "/chat-messages" else "ChunkCompletionEvent"
    mapping = spec()["components"]["schemas"][chunk]["discriminator"]["mapping"]
    assert event.get("event") in mapping, f"event {event.get('event')!r} is not one of {chunk}'s events: {event}"
    return {"$ref": SPEC_URI + mapping[event["event"]]}


FORMATS = FormatChecker()
FORMATS.checks("uuid", raises=ValueError)(lambda value: not isinstance(value, str) or (len(value) == 36 and bool(uuid.UUID(value))))
FORMATS.checks("date-time", raises=ValueError)(lambda value: not isinstance(value, str) or bool(datetime.fromisoformat(value)))
FORMATS.checks("decimal", raises=InvalidOperation)(lambda value: not isinstance(value, str) or Decimal(value).is_finite())
FORMATS.checks("int64")(lambda value: not isinstance(value, int) or -(2**63) <= value < 2**63)


def examples(method: str, path: str, status: int) -> list[dict]:
    content = _response(method, path, status).get("content", {}).get("application/json", {})
    return [example["value"] for example in content.get("examples", {}).values() if isinstance(example.get("value"), dict)]


OPEN_MAPS = {"inputs", "outputs", "resolved_default_values", "tool_icons", "user_input_form"}  # their keys are data (variables, tools), not fields


def missing(body, example, where: str = "body") -> list[str]:
    """Fields the spec's example shows that the body lacks (objects by key, arrays by their first item)."""
    if isinstance(example, dict) and isinstance(body, dict):
        return [f"{where}[{key!r}]" for key in example if key not in body] + [
            gap for key in example if key in body and key not in OPEN_MAPS for gap in missing(body[key], example[key], f"{where}[{key!r}]")
        ]
    if isinstance(example, list) and isinstance(body, list) and example and body:
        return missing(body[0], example[0], f"{where}[0]")
    return []


def violations(instance, schema: dict) -> list[str]:
    validator = Draft202012Validator(schema, registry=registry(), format_checker=FORMATS)
    found = []
    for error in validator.iter_errors(instance):
        leaves = [error]
        while any(leaf.context for leaf in leaves):  # anyOf/oneOf: the branch errors say which field broke
            leaves = [child for leaf in leaves for child in (leaf.context or [leaf])]
        for leaf in leaves:
            where = "".join(f"[{part!r}]" if isinstance(part, str) else f"[{part}]" for part in leaf.absolute_path)
            found.append(f"body{where}: {leaf.message}")
    return sorted(set(found))


def assert_conforms(what: str, instance, schema: dict | None) -> None:
    if schema is None:
        assert instance in (None, b"", ""), f"{what}: the spec declares no body, weir sent {instance!r}"
        return
    problems = violations(instance, schema)
    assert not problems, f"{what} does not match the spec:\n  " + "\n  ".join(problems) + f"\nbody: {json.dumps(instance)[:2000]}"


# --------------------------------------------------------------------------------------------- the world


@dataclass
class Answer:
    status: int
    body: object  # parsed JSON, the list of SSE data events, or the raw bytes of a non-JSON (or empty) body
    streamed: bool = False
    mimetype: str = ""


@dataclass
class World:
    chat: ChatApp
    completion: ChatApp
    speech: StubAudioServer

    async def call(self, method: str, url: str, app: ChatApp | None = None, **kwargs) -> Answer:
        app = app or self.chat
        headers = {**app.headers, **kwargs.pop("headers", {})}
        response = await app.client.open(url, method=method, headers=headers, **kwargs)
        data = await response.get_data()
        if response.mimetype == "text/event-stream":
            text = data.decode()
            events = [json.loads(line[len("data:"):]) for line in text.split("\n") if line.startswith("data:")]
            return Answer(response.status_code, events, streamed=True)
        if data and response.mimetype != "application/json":
            return Answer(response.status_code, data, mimetype=response.mimetype)
        return Answer(response.status_code, json.loads(data) if data else data, mimetype=response.mimetype)

    async def chat_message(self, query: str = "Hi", user: str = "alice", **body) -> dict:
        answer = await self.call("POST", "/v1/chat-messages", json={"query": query, "user": user, "inputs": {}, "response_mode": "blocking", **body})
        assert answer.status == 200, answer.body
        return answer.body


@pytest.fixture
def settings(settings):  # a deployment that blacklists executables, as UPLOAD_FILE_EXTENSION_BLACKLIST allows
    return settings.model_copy(update={"UPLOAD_FILE_EXTENSION_BLACKLIST": "exe,bat"})


@pytest.fixture
async def speech():
    server = StubAudioServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def world(console, upstream, speech) -> World:
    await configure_provider(console, upstream, input="0.5", output="1.5", unit="0.001", currency="USD")
    completion = await make_app(
        console, upstream, mode="completion", pre_prompt="Translate for {{company}}: {{query}}",
        user_input_form=[{"paragraph": {"label": "Query", "variable": "query", "required": True}}],
    )
    return World(chat=await make_app(console, upstream), completion=completion, speech=speech)


def upload(name: str, data: bytes, content_type: str) -> dict:
    return {"form": {"user": "alice"}, "files": {"file": FileStorage(stream=io.BytesIO(data), filename=name, content_type=content_type)}}


# --------------------------------------------------------------------------------------------- the cases


async def chat_blocking(w: World) -> Answer:
    return await w.call("POST", "/v1/chat-messages", json={"query": "Hi", "user": "alice", "inputs": {"company": "Initech"}, "response_mode": "blocking"})


async def chat_streaming(w: World) -> Answer:
    w.chat.upstream.replies.append(Reply(deltas=("Hel", "lo", " there")))
    return await w.call("POST", "/v1/chat-messages", json={"query": "Hi", "user": "alice", "inputs": {}, "response_mode": "streaming"})


async def chat_streaming_error(w: World) -> Answer:  # the provider fails after the first token
    w.chat.upstream.replies.append(Reply(deltas=("Hel", "lo"), drop_after=1))
    return await w.call("POST", "/v1/chat-messages", json={"query": "Hi", "user": "alice", "inputs": {}, "response_mode": "streaming"})


async def completion_blocking(w: World) -> Answer:
    return await w.call("POST", "/v1/completion-messages", app=w.completion, json={"inputs": {"query": "Bonjour"}, "user": "alice", "response_mode": "blocking"})


async def completion_streaming(w: World) -> Answer:
    return await w.call("POST", "/v1/completion-messages", app=w.completion, json={"inputs": {"query": "Bonjour"}, "user": "alice", "response_mode": "streaming"})


async def chat_stop(w: World) -> Answer:
    task = (await w.chat_message())["task_id"]
    return await w.call("POST", f"/v1/chat-messages/{task}/stop", json={"user": "alice"})


async def completion_stop(w: World) -> Answer:
    answer = await completion_blocking(w)
    return await w.call("POST", f"/v1/completion-messages/{answer.body['task_id']}/stop", app=w.completion, json={"user": "alice"})


async def messages(w: World) -> Answer:
    first = await w.chat_message("Hi")
    await w.chat_message("And then?", conversation_id=first["conversation_id"])
    await w.call("POST", f"/v1/messages/{first['message_id']}/feedbacks", json={"rating": "like", "user": "alice"})
    return await w.call("GET", "/v1/messages", query_string={"user": "alice", "conversation_id": first["conversation_id"]})


async def conversations(w: World) -> Answer:
    await w.chat_message("Hi", inputs={"company": "Initech"})
    await w.chat_message("Another topic")
    return await w.call("GET", "/v1/conversations", query_string={"user": "alice", "limit": 1})


async def rename(w: World) -> Answer:
    conversation = (await w.chat_message())["conversation_id"]
    return await w.call("POST", f"/v1/conversations/{conversation}/name", json={"name": "Billing", "user": "alice"})


async def rename_auto(w: World) -> Answer:
    conversation = (await w.chat_message())["conversation_id"]
    w.chat.upstream.replies.append(Reply(deltas=("Greetings",)))
    return await w.call("POST", f"/v1/conversations/{conversation}/name", json={"auto_generate": True, "user": "alice"})


async def delete(w: World) -> Answer:
    conversation = (await w.chat_message())["conversation_id"]
    return await w.call("DELETE", f"/v1/conversations/{conversation}", json={"user": "alice"})


async def variables(w: World) -> Answer:
    conversation = (await w.chat_message())["conversation_id"]
    return await w.call("GET", f"/v1/conversations/{conversation}/variables", query_string={"user": "alice"})


async def feedback(w: World) -> Answer:
    message = (await w.chat_message())["message_id"]
    return await w.call("POST", f"/v1/messages/{message}/feedbacks", json={"rating": "dislike", "user": "alice", "content": "Too short"})


async def app_feedbacks(w: World) -> Answer:
    message = (await w.chat_message())["message_id"]
    await w.call("POST", f"/v1/messages/{message}/feedbacks", json={"rating": "like", "user": "alice", "content": "Spot on"})
    return await w.call("GET", "/v1/app/feedbacks", query_string={"page": 1, "limit": 20})


async def suggested(w: World) -> Answer:
    message = (await w.chat_message())["message_id"]
    w.chat.upstream.replies.append(Reply(deltas=('["What does it cost?", "Is there a trial?", "How to cancel?"]',)))
    return await w.call("GET", f"/v1/messages/{message}/suggested", query_string={"user": "alice"})


async def end_user(w: World) -> Answer:
    uploaded = await w.call("POST", "/v1/files/upload", **upload("notes.txt", b"hello", "text/plain"))
    return await w.call("GET", f"/v1/end-users/{uploaded.body['created_by']}")


async def file_upload(w: World) -> Answer:
    return await w.call("POST", "/v1/files/upload", **upload("notes.txt", b"hello, weir", "text/plain"))


INTAKE_DSL = (Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "intake.yml").read_text()


async def workflow_parameters(w: World) -> Answer:  # a published workflow app: its Start form and features
    console = w.chat.console
    imported = await (await console.client.post("/console/api/apps/imports", headers=console.headers, json={
        "mode": "yaml-content", "yaml_content": INTAKE_DSL, "publish": True})).get_json()
    key = await console.create_app_key(imported["app_id"])
    answer = await w.call("GET", "/v1/parameters", headers={"Authorization": f"Bearer {key}"})
    assert [next(iter(item)) for item in answer.body["user_input_form"]] == ["paragraph", "text-input", "select"]
    return answer


HUMAN_REVIEW_DSL = (Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "human_review.yml").read_text()
REVIEW = {"action": "approve", "inputs": {"comment": "Looks good", "priority": "high"}, "user": "alice"}


async def _human_review(w: World) -> tuple[dict, Answer]:
    """A published workflow app with a human-input node, and a blocking run of it: paused at its form."""
    console = w.chat.console
    imported = await (await console.client.post("/console/api/apps/imports", headers=console.headers, json={
        "mode": "yaml-content", "yaml_content": HUMAN_REVIEW_DSL, "publish": True})).get_json()
    headers = {"Authorization": f"Bearer {await console.create_app_key(imported['app_id'])}"}
    run = await w.call("POST", "/v1/workflows/run", headers=headers, json={"inputs": {"draft": "v1"}, "response_mode": "blocking", "user": "alice"})
    assert run.status == 200 and run.body["data"]["status"] == "paused", run.body
    return headers, run


async def workflow_paused(w: World) -> Answer:
    return (await _human_review(w))[1]


def form_call(method: str, answers: tuple[dict, ...] = (), token: str | None = None, **kwargs) -> Callable[[World], Awaitable[Answer]]:
    """A call on a paused run's form (or on `token`), after `answers` were submitted to it."""
    async def call(w: World) -> Answer:
        headers, run = await _human_review(w)
        url = f"/v1/form/human_input/{token or run.body['data']['reasons'][0]['form_token']}"
        for answer in answers:
            assert (await w.call("POST", url, headers=headers, json=answer)).status == 200
        return await w.call(method, url, headers=headers, **kwargs)

    return call


def get(url: str, app: str = "chat", **query) -> Callable[[World], Awaitable[Answer]]:
    async def call(w: World) -> Answer:
        return await w.call("GET", url, app=getattr(w, app), query_string=query or None)

    return call


def post(url: str, app: str = "chat", **kwargs) -> Callable[[World], Awaitable[Answer]]:
    async def call(w: World) -> Answer:
        return await w.call("POST", url, app=getattr(w, app), **kwargs)

    return call


def multipart(*parts: str) -> dict:
    """A hand-written multipart body, for shapes the test client's `files=` cannot make."""
    body = "".join(f"--x\r\n{part}\r\n" for part in parts) + "--x--\r\n"
    return {"data": body.encode(), "headers": {"Content-Type": "multipart/form-data; boundary=x"}}


FILE_PART = 'Content-Disposition: form-data; name="file"; filename="{}"\r\nContent-Type: text/plain\r\n\r\nhello'


async def two_files(w: World) -> Answer:
    return await w.call("POST", "/v1/files/upload", **multipart(FILE_PART.format("a.txt"), FILE_PART.format("b.txt")))


async def no_mime_type(w: World) -> Answer:
    return await w.call("POST", "/v1/files/upload", **multipart('Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello'))


async def chat_unknown_conversation(w: World) -> Answer:
    return await w.call("POST", "/v1/chat-messages", json={"query": "Hi", "user": "alice", "conversation_id": UNKNOWN_ID, "response_mode": "blocking"})


async def chat_provider_error(w: World) -> Answer:
    w.chat.upstream.replies.append(Reply(status=400, error={"error": {"message": "bad request upstream"}}))
    return await chat_blocking(w)


async def chat_rate_limited_upstream(w: World) -> Answer:
    w.chat.upstream.replies.extend(Reply(status=429, error={"error": {"message": "slow down"}}, headers={"Retry-After": "0"}) for _ in range(10))
    return await chat_blocking(w)


async def completion_missing_user(w: World) -> Answer:
    return await w.call("POST", "/v1/completion-messages", app=w.completion, json={"inputs": {"query": "Bonjour"}, "response_mode": "blocking"})


async def messages_first_id_unknown(w: World) -> Answer:
    conversation = (await w.chat_message())["conversation_id"]
    return await w.call("GET", "/v1/messages", query_string={"user": "alice", "conversation_id": conversation, "first_id": UNKNOWN_ID})


async def feedback_unknown_message(w: World) -> Answer:
    return await w.call("POST", f"/v1/messages/{UNKNOWN_ID}/feedbacks", json={"rating": "like", "user": "alice"})


async def feedback_missing_user(w: World) -> Answer:
    message = (await w.chat_message())["message_id"]
    return await w.call("POST", f"/v1/messages/{message}/feedbacks", json={"rating": "like"})


# --- annotations, audio, files and documents, conversation variables (issue 16)

LOCAL_EMBEDDING = {"embedding_provider_name": "weir_local", "embedding_model_name": "all-MiniLM-L6-v2"}
TURNS_ID = "0193a000-0000-7000-8000-00000000a001"  # Dify's conversation variables have UUIDs
SPEECH_ON = {"speech_to_text": {"enabled": True}, "text_to_speech": {"enabled": True, "voice": "alloy"}}


async def annotation(w: World, question: str = "What is weir?") -> dict:
    answer = await w.call("POST", "/v1/apps/annotations", json={"question": question, "answer": "Dify, done better."})
    assert answer.status == 201, answer.body
    return answer.body


async def annotation_create(w: World) -> Answer:
    return await w.call("POST", "/v1/apps/annotations", json={"question": "What is weir?", "answer": "Dify, done better."})


async def annotation_list(w: World) -> Answer:
    await annotation(w)
    await annotation(w, "Is it free?")
    return await w.call("GET", "/v1/apps/annotations", query_string={"page": 1, "limit": 1, "keyword": ""})


async def annotation_update(w: World) -> Answer:
    created = await annotation(w)
    return await w.call("PUT", f"/v1/apps/annotations/{created['id']}", json={"question": "What is weir?", "answer": "A backend."})


async def annotation_delete(w: World) -> Answer:
    created = await annotation(w)
    return await w.call("DELETE", f"/v1/apps/annotations/{created['id']}")


async def reply_enable(w: World) -> Answer:
    return await w.call("POST", "/v1/apps/annotation-reply/enable", json={"score_threshold": 0.9, **LOCAL_EMBEDDING})


async def reply_status(w: World) -> Answer:
    job = (await reply_enable(w)).body

    async def finished():
        answer = await w.call("GET", f"/v1/apps/annotation-reply/enable/status/{job['job_id']}")
        return answer if answer.body["job_status"] in ("completed", "error") else None

    return await eventually(finished)


async def speaking_app(w: World) -> ChatApp:
    """An app with speech to text and text to speech on, in a workspace whose speech models are the stub's."""
    console = w.chat.console
    saved = await console.client.post(
        "/console/api/workspaces/current/model-providers/xinference/credentials", headers=console.headers,
        json={"credentials": {"server_url": w.speech.root_url, "models": [
            {"name": "whisper-1", "mode": "speech2text"}, {"name": "tts-1", "mode": "tts"}]}},
    )
    assert saved.status_code == 200, await saved.get_json()
    return await make_app(console, w.chat.upstream, **SPEECH_ON)


def audio_file(data: bytes = b"RIFF....WAVEfmt ", content_type: str = "audio/wav") -> dict:
    return {"form": {"user": "alice"}, "files": {"file": FileStorage(stream=io.BytesIO(data), filename="a.wav", content_type=content_type)}}


async def audio_to_text(w: World) -> Answer:
    return await w.call("POST", "/v1/audio-to-text", app=await speaking_app(w), **audio_file())


async def audio_too_large(w: World) -> Answer:
    app = await speaking_app(w)
    sent = multipart_form(**audio_file(b"x" * (30 * 2**20 + 1)))
    return await w.call("POST", "/v1/audio-to-text", app=app, data=sent["data"], headers=sent["headers"])


async def audio_wrong_type(w: World) -> Answer:
    return await w.call("POST", "/v1/audio-to-text", app=await speaking_app(w), **audio_file(content_type="audio/mpeg"))


async def text_to_audio(w: World) -> Answer:
    return await w.call("POST", "/v1/text-to-audio", app=await speaking_app(w), json={"text": "Welcome", "user": "alice", "voice": "alloy"})


async def text_to_audio_of_a_message(w: World) -> Answer:
    app = await speaking_app(w)
    status, answered = await app.send("Hi")
    assert status == 200, answered
    return await w.call("POST", "/v1/text-to-audio", app=app, json={"message_id": answered["message_id"], "user": "alice"})


async def file_preview(w: World) -> Answer:
    uploaded = await w.call("POST", "/v1/files/upload", **upload("notes.txt", b"hello, weir", "text/plain"))
    return await w.call("GET", f"/v1/files/{uploaded.body['id']}/preview", query_string={"as_attachment": "true"})


async def file_preview_other_app(w: World) -> Answer:
    uploaded = await w.call("POST", "/v1/files/upload", **upload("notes.txt", b"hello, weir", "text/plain"))
    return await w.call("GET", f"/v1/files/{uploaded.body['id']}/preview", app=w.completion)


async def chatflow(w: World) -> tuple[ChatApp, dict]:
    """An advanced-chat app (one `turns` number variable) and its first answer."""
    console = w.chat.console
    imported = await (await console.client.post("/console/api/apps/imports", headers=console.headers, json={
        "mode": "yaml-content", "yaml_content": _dsl(({**TURNS, "id": TURNS_ID},)), "publish": True})).get_json()
    app = ChatApp(console=console, app_id=imported["app_id"], key=await console.create_app_key(imported["app_id"]), upstream=w.chat.upstream)
    status, first = await app.send("Hello")
    assert status == 200, first
    return app, first


async def variable_update(w: World) -> Answer:
    app, first = await chatflow(w)
    return await w.call("PUT", f"/v1/conversations/{first['conversation_id']}/variables/{TURNS_ID}", app=app, json={"value": 7, "user": "alice"})


async def variable_type_mismatch(w: World) -> Answer:
    app, first = await chatflow(w)
    return await w.call("PUT", f"/v1/conversations/{first['conversation_id']}/variables/{TURNS_ID}", app=app, json={"value": "seven", "user": "alice"})


async def variable_unknown(w: World) -> Answer:
    app, first = await chatflow(w)
    return await w.call("PUT", f"/v1/conversations/{first['conversation_id']}/variables/v-nothing", app=app, json={"value": 1, "user": "alice"})


async def knowledge(w: World) -> tuple[dict, str, dict]:
    """A Knowledge API key's headers, a dataset and one document made from a file."""
    console = w.chat.console
    token = (await (await console.client.post("/console/api/datasets/api-keys", headers=console.headers)).get_json())["token"]
    headers = {"Authorization": f"Bearer {token}"}
    dataset = (await w.call("POST", "/v1/datasets", headers=headers, json={"name": "Files", "indexing_technique": "economy"})).body
    part = FileStorage(stream=io.BytesIO(b"a handbook"), filename="handbook.txt", content_type="text/plain")
    created = await w.call("POST", f"/v1/datasets/{dataset['id']}/document/create-by-file", headers=headers,
                           form={"data": '{"process_rule": {"mode": "automatic"}}'}, files={"file": part})
    assert created.status == 200, created.body
    return headers, dataset["id"], created.body["document"]


async def document_download(w: World) -> Answer:
    headers, dataset, document = await knowledge(w)
    return await w.call("GET", f"/v1/datasets/{dataset}/documents/{document['id']}/download", headers=headers)


async def document_download_unknown(w: World) -> Answer:
    headers, dataset, _ = await knowledge(w)
    return await w.call("GET", f"/v1/datasets/{dataset}/documents/{UNKNOWN_ID}/download", headers=headers)


async def documents_zip(w: World) -> Answer:
    headers, dataset, document = await knowledge(w)
    return await w.call("POST", f"/v1/datasets/{dataset}/documents/download-zip", headers=headers, json={"document_ids": [document["id"]]})


async def documents_zip_unknown(w: World) -> Answer:
    headers, dataset, _ = await knowledge(w)
    return await w.call("POST", f"/v1/datasets/{dataset}/documents/download-zip", headers=headers, json={"document_ids": [UNKNOWN_ID]})


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str  # the spec's path template, without /v1
    status: int
    run: Callable[[World], Awaitable[Answer]]
    code: str | None = None  # for an error: the Dify code weir must answer


CASES = [
    # chat and completion messages
    Case("chat blocking", "POST", "/chat-messages", 200, chat_blocking),
    Case("chat streaming", "POST", "/chat-messages", 200, chat_streaming),
    Case("chat streaming error event", "POST", "/chat-messages", 200, chat_streaming_error, "completion_request_error"),
    Case("completion blocking", "POST", "/completion-messages", 200, completion_blocking),
    Case("completion streaming", "POST", "/completion-messages", 200, completion_streaming),
    Case("chat stop", "POST", "/chat-messages/{task_id}/stop", 200, chat_stop),
    Case("completion stop", "POST", "/completion-messages/{task_id}/stop", 200, completion_stop),
    # conversations, messages, feedback
    Case("messages", "GET", "/messages", 200, messages),
    Case("conversations", "GET", "/conversations", 200, conversations),
    Case("rename", "POST", "/conversations/{conversation_id}/name", 200, rename),
    Case("rename auto-generated", "POST", "/conversations/{conversation_id}/name", 200, rename_auto),
    Case("delete conversation", "DELETE", "/conversations/{conversation_id}", 204, delete),
    Case("conversation variables", "GET", "/conversations/{conversation_id}/variables", 200, variables),
    Case("feedback", "POST", "/messages/{message_id}/feedbacks", 200, feedback),
    Case("app feedbacks", "GET", "/app/feedbacks", 200, app_feedbacks),
    Case("suggested", "GET", "/messages/{message_id}/suggested", 200, suggested),
    # the app
    Case("parameters", "GET", "/parameters", 200, get("/v1/parameters")),
    Case("parameters of a completion app", "GET", "/parameters", 200, get("/v1/parameters", app="completion")),
    Case("parameters of a workflow app", "GET", "/parameters", 200, workflow_parameters),
    Case("meta", "GET", "/meta", 200, get("/v1/meta")),
    Case("info", "GET", "/info", 200, get("/v1/info")),
    Case("site", "GET", "/site", 200, get("/v1/site")),
    Case("end user", "GET", "/end-users/{end_user_id}", 200, end_user),
    Case("file upload", "POST", "/files/upload", 201, file_upload),
    # human input
    Case("workflow run paused at a form", "POST", "/workflows/run", 200, workflow_paused),
    Case("human input form", "GET", "/form/human_input/{form_token}", 200, form_call("GET")),
    Case("human input answer", "POST", "/form/human_input/{form_token}", 200, form_call("POST", json=REVIEW)),
    # errors
    Case("chat without user", "POST", "/chat-messages", 400, post("/v1/chat-messages", json={"query": "Hi", "inputs": {}}), "invalid_param"),
    Case("chat on a completion app", "POST", "/chat-messages", 400, post("/v1/chat-messages", app="completion", json={"query": "Hi", "user": "alice"}), "not_chat_app"),
    Case("chat in an unknown conversation", "POST", "/chat-messages", 404, chat_unknown_conversation, "not_found"),
    Case("chat when the provider refuses", "POST", "/chat-messages", 400, chat_provider_error, "completion_request_error"),
    Case("chat when the provider keeps rate limiting", "POST", "/chat-messages", 429, chat_rate_limited_upstream, "rate_limit_error"),
    Case("completion on a chat app", "POST", "/completion-messages", 400, post("/v1/completion-messages", json={"inputs": {}, "user": "alice"}), "app_unavailable"),
    Case("completion without user", "POST", "/completion-messages", 400, completion_missing_user, "invalid_param"),
    Case("chat stop without user", "POST", "/chat-messages/{task_id}/stop", 400, post(f"/v1/chat-messages/{UNKNOWN_ID}/stop", json={}), "invalid_param"),
    Case("chat stop on a completion app", "POST", "/chat-messages/{task_id}/stop", 400, post(f"/v1/chat-messages/{UNKNOWN_ID}/stop", app="completion", json={"user": "alice"}), "not_chat_app"),
    Case("completion stop on a chat app", "POST", "/completion-messages/{task_id}/stop", 400, post(f"/v1/completion-messages/{UNKNOWN_ID}/stop", json={"user": "alice"}), "app_unavailable"),
    Case("messages of an unknown conversation", "GET", "/messages", 404, get("/v1/messages", user="alice", conversation_id=UNKNOWN_ID), "not_found"),
    Case("messages before an unknown first_id", "GET", "/messages", 404, messages_first_id_unknown, "not_found"),
    Case("messages of a completion app", "GET", "/messages", 400, get("/v1/messages", app="completion", user="alice", conversation_id=UNKNOWN_ID), "not_chat_app"),
    Case("conversations after an unknown last_id", "GET", "/conversations", 404, get("/v1/conversations", user="alice", last_id=UNKNOWN_ID), "not_found"),
    Case("conversations of a completion app", "GET", "/conversations", 400, get("/v1/conversations", app="completion", user="alice"), "not_chat_app"),
    Case("rename an unknown conversation", "POST", "/conversations/{conversation_id}/name", 404, post(f"/v1/conversations/{UNKNOWN_ID}/name", json={"name": "x", "user": "alice"}), "not_found"),
    Case("delete an unknown conversation", "DELETE", "/conversations/{conversation_id}", 404,
         lambda w: w.call("DELETE", f"/v1/conversations/{UNKNOWN_ID}", json={"user": "alice"}), "not_found"),
    Case("variables of an unknown conversation", "GET", "/conversations/{conversation_id}/variables", 404, get(f"/v1/conversations/{UNKNOWN_ID}/variables", user="alice"), "not_found"),
    Case("feedback on an unknown message", "POST", "/messages/{message_id}/feedbacks", 404, feedback_unknown_message, "not_found"),
    Case("feedback without user", "POST", "/messages/{message_id}/feedbacks", 400, feedback_missing_user, "invalid_param"),
    Case("suggested for an unknown message", "GET", "/messages/{message_id}/suggested", 404, get(f"/v1/messages/{UNKNOWN_ID}/suggested", user="alice"), "not_found"),
    Case("suggested on a completion app", "GET", "/messages/{message_id}/suggested", 400, get(f"/v1/messages/{UNKNOWN_ID}/suggested", app="completion", user="alice"), "not_chat_app"),
    Case("unknown end user", "GET", "/end-users/{end_user_id}", 404, get(f"/v1/end-users/{UNKNOWN_ID}"), "end_user_not_found"),
    Case("upload without a file", "POST", "/files/upload", 400, post("/v1/files/upload", form={"user": "alice"}), "no_file_uploaded"),
    Case("upload of a file too large", "POST", "/files/upload", 413, post("/v1/files/upload", **upload("a.png", b"x" * (11 * 1024 * 1024), "image/png")), "file_too_large"),
    Case("upload of a blacklisted extension", "POST", "/files/upload", 400, post("/v1/files/upload", **upload("run.exe", b"MZ", "application/octet-stream")), "invalid_param"),
    Case("upload of two files", "POST", "/files/upload", 400, two_files, "too_many_files"),
    Case("upload without a MIME type", "POST", "/files/upload", 415, no_mime_type, "unsupported_file_type"),
    Case("unknown human input form", "GET", "/form/human_input/{form_token}", 404, form_call("GET", token="nope"), "not_found"),
    Case("answer to an unknown form", "POST", "/form/human_input/{form_token}", 404, form_call("POST", token="nope", json=REVIEW), "not_found"),
    Case("form already answered", "GET", "/form/human_input/{form_token}", 412, form_call("GET", (REVIEW,)), "human_input_form_submitted"),
    Case("second answer", "POST", "/form/human_input/{form_token}", 412, form_call("POST", (REVIEW,), json=REVIEW), "human_input_form_submitted"),
    Case("answer with an unknown action", "POST", "/form/human_input/{form_token}", 400,
         form_call("POST", json={**REVIEW, "action": "ship"}), "invalid_form_data"),
    Case("answer missing an input", "POST", "/form/human_input/{form_token}", 400,
         form_call("POST", json={**REVIEW, "inputs": {"comment": "ok"}}), "invalid_form_data"),
    # annotations
    Case("annotation create", "POST", "/apps/annotations", 201, annotation_create),
    Case("annotation list", "GET", "/apps/annotations", 200, annotation_list),
    Case("annotation update", "PUT", "/apps/annotations/{annotation_id}", 200, annotation_update),
    Case("annotation update unknown", "PUT", "/apps/annotations/{annotation_id}", 404,
         lambda w: w.call("PUT", f"/v1/apps/annotations/{UNKNOWN_ID}", json={"question": "q", "answer": "a"}), "not_found"),
    Case("annotation delete", "DELETE", "/apps/annotations/{annotation_id}", 204, annotation_delete),
    Case("annotation delete unknown", "DELETE", "/apps/annotations/{annotation_id}", 404,
         lambda w: w.call("DELETE", f"/v1/apps/annotations/{UNKNOWN_ID}"), "not_found"),
    Case("annotation reply enable", "POST", "/apps/annotation-reply/{action}", 200, reply_enable),
    Case("annotation reply disable", "POST", "/apps/annotation-reply/{action}", 200,
         post("/v1/apps/annotation-reply/disable", json={"score_threshold": 0.9, **LOCAL_EMBEDDING})),
    Case("annotation reply status", "GET", "/apps/annotation-reply/{action}/status/{job_id}", 200, reply_status),
    Case("annotation reply status of an unknown job", "GET", "/apps/annotation-reply/{action}/status/{job_id}", 400,
         get(f"/v1/apps/annotation-reply/enable/status/{UNKNOWN_ID}"), "invalid_param"),
    # audio
    Case("audio to text", "POST", "/audio-to-text", 200, audio_to_text),
    Case("audio to text, disabled", "POST", "/audio-to-text", 400,
         lambda w: w.call("POST", "/v1/audio-to-text", **audio_file()), "speech_to_text_disabled"),
    Case("audio too large", "POST", "/audio-to-text", 413, audio_too_large, "audio_too_large"),
    Case("audio of a type Dify refuses", "POST", "/audio-to-text", 415, audio_wrong_type, "unsupported_audio_type"),
    Case("text to audio", "POST", "/text-to-audio", 200, text_to_audio),
    Case("text to audio of a message", "POST", "/text-to-audio", 200, text_to_audio_of_a_message),
    Case("text to audio, disabled", "POST", "/text-to-audio", 400,
         post("/v1/text-to-audio", json={"text": "Hi", "user": "alice"}), "invalid_param"),
    # files, documents, conversation variables
    Case("file preview", "GET", "/files/{file_id}/preview", 200, file_preview),
    Case("file preview from another app", "GET", "/files/{file_id}/preview", 403, file_preview_other_app, "file_access_denied"),
    Case("file preview unknown", "GET", "/files/{file_id}/preview", 404, get(f"/v1/files/{UNKNOWN_ID}/preview"), "file_not_found"),
    Case("conversation variable update", "PUT", "/conversations/{conversation_id}/variables/{variable_id}", 200, variable_update),
    Case("conversation variable of the wrong type", "PUT", "/conversations/{conversation_id}/variables/{variable_id}", 400,
         variable_type_mismatch, "bad_request"),
    Case("conversation variable unknown", "PUT", "/conversations/{conversation_id}/variables/{variable_id}", 404,
         variable_unknown, "not_found"),
    Case("document download", "GET", "/datasets/{dataset_id}/documents/{document_id}/download", 200, document_download),
    Case("document download unknown", "GET", "/datasets/{dataset_id}/documents/{document_id}/download", 404,
         document_download_unknown, "not_found"),
    Case("documents as a zip", "POST", "/datasets/{dataset_id}/documents/download-zip", 200, documents_zip),
    Case("documents as a zip, one unknown", "POST", "/datasets/{dataset_id}/documents/download-zip", 404,
         documents_zip_unknown, "not_found"),
]


def _xfail(case: Case, reason: str):
    return pytest.param(case, id=case.id, marks=pytest.mark.xfail(strict=True, reason=reason))


KNOWN_MISMATCHES = {  # where weir does what Dify does and the spec says otherwise: a spec defect, not weir's
    "site": "unset chat_color_theme, copyright and privacy_policy are null in Dify and weir; the spec types them as non-nullable strings",
}


@pytest.mark.parametrize("case", [_xfail(c, KNOWN_MISMATCHES[c.id]) if c.id in KNOWN_MISMATCHES else c for c in CASES], ids=lambda c: c.id)
async def test_the_response_matches_the_spec(world, case):
    answer = await case.run(world)
    what = f"{case.method} {case.path} ({case.id})"
    assert answer.status == case.status, f"{what}: expected {case.status}, weir answered {answer.status}: {answer.body!r}"[:2000]
    if answer.streamed:
        assert answer.body, f"{what}: an empty stream"
        for number, event in enumerate(answer.body):
            assert_conforms(f"{what}, event {number} ({event.get('event')})", event, event_schema(case.path, event))
        assert answer.body[-1]["event"] == ("error" if case.code else "message_end"), f"{what}: the stream ends with {answer.body[-1]}"
        if case.code:
            assert answer.body[-1]["code"] == case.code, f"{what}: expected code {case.code!r}, weir sent {answer.body[-1]}"
        return
    declared = _response(case.method, case.path, case.status).get("content", {})
    if declared and "application/json" not in declared:  # a file: the type the spec declares, and some bytes
        assert answer.mimetype in declared or "application/octet-stream" in declared, f"{what}: weir sent {answer.mimetype!r}, the spec declares {sorted(declared)}"
        assert isinstance(answer.body, bytes) and answer.body, f"{what}: an empty file"
        return
    assert_conforms(what, answer.body, body_schema(case.method, case.path, case.status))
    if case.code:
        assert answer.body["code"] == case.code, f"{what}: expected code {case.code!r}, weir answered {answer.body!r}"
        return
    for example in examples(case.method, case.path, case.status):
        gaps = missing(answer.body, example)
        assert not gaps, f"{what}: fields the spec's example shows are missing: {gaps}\nbody: {json.dumps(answer.body)[:2000]}"


STREAMS = [case for case in CASES if "streaming" in case.id]


@pytest.mark.parametrize("case", STREAMS, ids=lambda c: c.id)
async def test_every_stream_event_carries_the_envelope(world, case):
    """dify-api.md §1.12: every chat/completion event carries task_id, message_id, created_at (and conversation_id for
    chat): the properties of the spec's StreamEventBase / CompletionStreamEventBase."""
    base = "StreamEventBase" if case.path == "/chat-messages" else "CompletionStreamEventBase"
    envelope = list(spec()["components"]["schemas"][base]["properties"])
    answer = await case.run(world)
    gaps = [f"event {n} ({e['event']}) lacks {[k for k in envelope if k not in e]}" for n, e in enumerate(answer.body) if set(envelope) - set(e)]
    assert not gaps, f"{case.method} {case.path} ({case.id}):\n  " + "\n  ".join(gaps)
