"""Input a client should never send is Dify's 400 (or 413, 415), never a 500, and a refused request writes nothing.

Each case here was a 500 found by probing weir from outside: a NUL or an unpaired surrogate reaching PostgreSQL
(DataError, UnicodeEncodeError) on the Service, Knowledge and console APIs; a `user` or a file name longer than its
column; a 100,000-deep JSON body (RecursionError); a JWT signed with the real key whose `exp` is a string
(TypeError); a NUL in an API key. The edge refuses them before any use case runs. NaN, Infinity, 1e400, integers
beyond a bigint and nesting deeper than 64 levels were not seen to fail: they are refused as a rule, since no
column stores them and no JSON response can echo NaN.
"""

import io
import json
from dataclasses import dataclass
from urllib.parse import quote
from uuid import uuid4

import jwt
import pytest
from sqlalchemy import text
from werkzeug.datastructures import FileStorage

from tests.api.chat_helpers import ChatApp
from tests.api.helpers import bearer

NUL = "admin\u0000@example.com"
SURROGATE = "caf\ud800e"


@dataclass
class World:
    chat: ChatApp
    dataset_key: str
    dataset_id: str
    document_id: str
    batch: str
    conversation_id: str
    message_id: str

    @property
    def client(self):
        return self.chat.client

    def headers(self, who: str) -> dict:
        return {"app": self.chat.headers, "dataset": bearer(self.dataset_key), "console": self.chat.console.headers,
                "none": {}}[who]


@pytest.fixture
async def world(chat_app, key) -> World:
    status, answer = await chat_app.send("hello")
    assert status == 200, answer
    client = chat_app.client
    dataset = await (await client.post("/v1/datasets", json={"name": "Docs"}, headers=bearer(key))).get_json()
    created = await client.post(f"/v1/datasets/{dataset['id']}/document/create-by-text", headers=bearer(key), json={
        "name": "notes", "text": "Refunds within 30 days.", "indexing_technique": "economy",
        "process_rule": {"mode": "automatic"},
    })
    body = await created.get_json()
    assert created.status_code == 200, body
    return World(chat_app, key, dataset["id"], body["document"]["id"], body["batch"], answer["conversation_id"],
                 answer["message_id"])


def upload(name: str = "notes.txt", content: bytes = b"hello", mime: str = "text/plain", **form) -> dict:
    return {"files": {"file": FileStorage(io.BytesIO(content), filename=name, content_type=mime)}, "form": form}


@dataclass(frozen=True)
class Operation:
    """One request with one hostile string in it: `put(value)` gives the request's keyword arguments."""

    id: str
    method: str
    path: str  # formatted with the World's fields
    who: str
    field: str  # the `params` a refusal must name
    put: object  # value -> dict of test-client keyword arguments
    json_field: bool = True  # a JSON body can carry an unpaired surrogate; a URL or a form cannot

    def url(self, world: World, value: str) -> str:
        return self.path.format(**vars(world), value=quote(value, safe="") if "{value}" in self.path else "")


def body(**fields):
    return lambda value: {"json": {k: (value if v is ... else v) for k, v in fields.items()}}


def query(**fields):
    return lambda value: {"query_string": {k: (value if v is ... else v) for k, v in fields.items()}}


OPERATIONS = [
    # Service API (app key)
    Operation("chat query", "POST", "/v1/chat-messages", "app", "query", body(query=..., user="u", inputs={})),
    Operation("chat user", "POST", "/v1/chat-messages", "app", "user", body(query="q", user=..., inputs={})),
    Operation("chat input", "POST", "/v1/chat-messages", "app", "inputs.company",
              lambda v: {"json": {"query": "q", "user": "u", "inputs": {"company": v}}}),
    Operation("stop user", "POST", f"/v1/chat-messages/{uuid4()}/stop", "app", "user", body(user=...)),
    Operation("feedback content", "POST", "/v1/messages/{message_id}/feedbacks", "app", "content",
              body(rating="like", content=..., user="alice")),
    Operation("rename conversation", "POST", "/v1/conversations/{conversation_id}/name", "app", "name",
              body(name=..., user="alice")),
    Operation("delete conversation user", "DELETE", "/v1/conversations/{conversation_id}", "app", "user",
              body(user=...)),
    Operation("conversations user", "GET", "/v1/conversations", "app", "user", query(user=...), json_field=False),
    Operation("messages user", "GET", "/v1/messages", "app", "user",
              lambda v: {"query_string": {"user": v, "conversation_id": str(uuid4())}}, json_field=False),
    Operation("variables name", "GET", "/v1/conversations/{conversation_id}/variables", "app", "variable_name",
              query(user="alice", variable_name=...), json_field=False),
    Operation("upload user", "POST", "/v1/files/upload", "app", "user", lambda v: upload(user=v), json_field=False),
    Operation("upload file name", "POST", "/v1/files/upload", "app", "file",
              lambda v: upload(name=v + ".txt", user="u"), json_field=False),
    # Knowledge API (dataset key)
    Operation("dataset name", "POST", "/v1/datasets", "dataset", "name", body(name=...)),
    Operation("dataset description", "POST", "/v1/datasets", "dataset", "description",
              body(name="Other", description=...)),
    Operation("datasets keyword", "GET", "/v1/datasets", "dataset", "keyword", query(keyword=...), json_field=False),
    Operation("rename dataset", "PATCH", "/v1/datasets/{dataset_id}", "dataset", "name", body(name=...)),
    Operation("tag name", "POST", "/v1/datasets/tags", "dataset", "name", body(name=...)),
    Operation("tags keyword", "GET", "/v1/datasets/tags", "dataset", "keyword", query(keyword=...), json_field=False),
    Operation("document name", "POST", "/v1/datasets/{dataset_id}/document/create-by-text", "dataset", "name",
              body(name=..., text="t")),
    Operation("document text", "POST", "/v1/datasets/{dataset_id}/document/create-by-text", "dataset", "text",
              body(name="n", text=...)),
    Operation("document file name", "POST", "/v1/datasets/{dataset_id}/document/create-by-file", "dataset", "file",
              lambda v: upload(name=v + ".txt"), json_field=False),
    Operation("document form data", "POST", "/v1/datasets/{dataset_id}/document/create-by-file", "dataset",
              "data.name", lambda v: upload(data=json.dumps({"name": v}))),
    Operation("documents keyword", "GET", "/v1/datasets/{dataset_id}/documents", "dataset", "keyword",
              query(keyword=...), json_field=False),
    Operation("metadata name", "POST", "/v1/datasets/{dataset_id}/metadata", "dataset", "name",
              body(name=..., type="string")),
    Operation("retrieve query", "POST", "/v1/datasets/{dataset_id}/retrieve", "dataset", "query", body(query=...)),
    Operation("segment content", "POST", "/v1/datasets/{dataset_id}/documents/{document_id}/segments", "dataset",
              "segments[0].content", lambda v: {"json": {"segments": [{"content": v}]}}),
    Operation("indexing status batch", "GET", "/v1/datasets/{dataset_id}/documents/{value}/indexing-status",
              "dataset", "batch", lambda v: {}, json_field=False),
    Operation("model type", "GET", "/v1/workspaces/current/models/model-types/{value}", "dataset", "model_type",
              lambda v: {}, json_field=False),
    # Console
    Operation("login email", "POST", "/console/api/login", "none", "email", body(email=..., password="x")),
    Operation("create app name", "POST", "/console/api/apps", "console", "name", body(name=..., mode="chat")),
    Operation("apps name", "GET", "/console/api/apps", "console", "name", query(name=...), json_field=False),
]


async def send(world: World, op: Operation, value: str):
    kwargs = op.put(value)
    if "json" in kwargs:  # the escapes json.dumps writes (\u0000, \ud800), as any client sends them
        kwargs = {"data": json.dumps(kwargs.pop("json")), "headers": {"Content-Type": "application/json"}, **kwargs}
    headers = {**world.headers(op.who), **kwargs.pop("headers", {})}
    return await world.client.open(op.url(world, value), method=op.method, headers=headers, **kwargs)


def refusal(body: dict, field: str) -> dict:
    return {k: body.get(k) for k in ("code", "status", "params")} | {"names": field in body.get("message", "")}


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.id)
async def test_nul_and_unpaired_surrogates_are_invalid_param_naming_the_field(world, op):
    for value in (NUL, SURROGATE) if op.json_field else (NUL,):
        response = await send(world, op, value)
        answer = await response.get_json()
        assert response.status_code == 400, (value, answer)
        assert refusal(answer, op.field) == {"code": "invalid_param", "status": 400, "params": op.field,
                                             "names": True}, answer


LONG_USER = "u" * 256


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.field == "user"], ids=lambda op: op.id)
async def test_a_user_longer_than_its_column_is_invalid_param(world, op):
    response = await send(world, op, LONG_USER)
    assert response.status_code == 400 and refusal(await response.get_json(), "user")["params"] == "user"
    accepted = await send(world, op, "u" * 255)  # the column's length itself is fine
    assert accepted.status_code != 400 or (await accepted.get_json())["params"] != "user"


async def test_file_names_and_types_longer_than_their_columns_are_invalid_param(world):
    for name in ("n" * 252 + ".txt", "n" * 10_000 + ".txt"):
        response = await world.client.post("/v1/files/upload", headers=world.chat.headers, **upload(name, user="u"))
        assert response.status_code == 400, await response.get_json()
        assert (await response.get_json())["params"] == "file"
    long_type = await world.client.post("/v1/files/upload", headers=world.chat.headers,
                                        **upload(mime="text/" + "x" * 300, user="u"))
    assert long_type.status_code == 400 and (await long_type.get_json())["params"] == "file"


async def test_strings_no_use_case_bounds_are_held_to_their_columns(world):
    console = world.chat.console
    update = await console.client.put(f"/console/api/apps/{world.chat.app_id}", headers=console.headers,
                                      json={"name": "Bot", "icon_type": "emoji", "icon": "i" * 256})
    assert update.status_code == 400 and (await update.get_json())["params"] == "icon"
    language = await world.client.post(f"/v1/datasets/{world.dataset_id}/document/create-by-text",
                                       headers=bearer(world.dataset_key),
                                       json={"name": "n", "text": "t", "doc_language": "l" * 256})
    assert language.status_code == 400 and (await language.get_json())["params"] == "doc_language"
    default = await console.client.post("/console/api/workspaces/current/default-model", headers=console.headers,
                                        json={"model_settings": [{"model_type": "llm", "provider": "p" * 256,
                                                                  "model": "m"}]})
    assert default.status_code == 400 and (await default.get_json())["params"] == "model_settings"


@pytest.mark.parametrize("raw, params", [
    ('{"query": "q", "user": "u", "inputs": {"company": NaN}}', "inputs.company"),
    ('{"query": "q", "user": "u", "inputs": {"company": Infinity}}', "inputs.company"),
    ('{"query": "q", "user": "u", "inputs": {"company": 1e400}}', "inputs.company"),
    ('{"query": "q", "user": "u", "inputs": {"company": 18446744073709551616}}', "inputs.company"),
    ('{"query": "q", "user": "u", "inputs": {"company": ' + "[" * 100 + "]" * 100 + "}}", "inputs"),  # > 64 deep
])
async def test_numbers_no_column_can_hold_and_deep_nesting_are_invalid_param(world, raw, params):
    response = await world.client.post("/v1/chat-messages", data=raw, headers={
        **world.chat.headers, "Content-Type": "application/json"})
    answer = await response.get_json()
    assert response.status_code == 400 and answer["code"] == "invalid_param" and answer["params"] == params, answer


async def test_a_hundred_thousand_deep_json_body_is_an_invalid_payload(world):
    response = await world.client.post("/console/api/login", data="[" * 100_000 + "]" * 100_000,
                                       headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert await response.get_json() == {"code": "bad_request", "status": 400,
                                         "message": "Invalid JSON payload received or JSON payload is empty."}


async def test_a_jwt_signed_with_the_real_key_but_a_string_exp_is_unauthorized(world, container):
    account_id = (await (await world.client.get("/console/api/account/profile",
                                                headers=world.chat.console.headers)).get_json())["id"]
    forged = jwt.encode({"sub": account_id, "kind": "access", "iss": "weir", "exp": "tomorrow"},
                        container.config.secret_key(), algorithm="HS256")
    response = await world.client.get("/console/api/account/profile", headers=bearer(forged))
    assert response.status_code == 401 and (await response.get_json())["code"] == "unauthorized"


async def test_json_sent_as_text_plain_is_415_as_in_dify(world):
    """Dify reads bodies with Flask's request.get_json(): a body not declared JSON is 415, even if it parses."""
    payload = json.dumps({"query": "q", "user": "u", "inputs": {}})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {**world.chat.headers, **({"Content-Type": content_type} if content_type else {})}
        response = await world.client.post("/v1/chat-messages", data=payload, headers=headers)
        assert response.status_code == 415, content_type
        assert await response.get_json() == {
            "code": "unsupported_media_type", "status": 415,
            "message": "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
        }
    vendor = await world.client.post("/console/api/login", data=json.dumps({"email": "x@y.z", "password": "p"}),
                                     headers={"Content-Type": "application/merge-patch+json; charset=utf-8"})
    assert vendor.status_code == 401  # application/*+json is JSON (Flask's is_json): read, then refused


async def end_users(engine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT count(*) FROM end_users"))).scalar_one()


async def test_a_refused_request_writes_no_end_user(world, engine):
    before = await end_users(engine)
    refused = [
        await world.client.post("/v1/chat-messages", headers=world.chat.headers,
                                json={"query": 123, "user": "bob", "inputs": {}}),
        await world.client.post("/v1/chat-messages", headers=world.chat.headers,
                                json={"query": "q", "user": "bob", "inputs": {}, "response_mode": "sometimes"}),
        await world.client.get("/v1/conversations", headers=world.chat.headers,
                               query_string={"user": "bob", "limit": "x"}),
        await world.client.get("/v1/messages", headers=world.chat.headers, query_string={"user": "bob"}),
        await world.client.post("/v1/files/upload", headers=world.chat.headers,
                                **upload("n" * 300 + ".txt", user="bob")),
        await world.client.post(f"/v1/conversations/{world.conversation_id}/name", headers=world.chat.headers,
                                json={"name": 7, "user": "bob"}),
    ]
    assert [r.status_code for r in refused] == [400] * len(refused)
    assert await end_users(engine) == before
    accepted = await world.client.get("/v1/conversations", headers=world.chat.headers, query_string={"user": "bob"})
    assert accepted.status_code == 200 and await end_users(engine) == before + 1


async def test_a_refused_upload_leaves_no_bytes_behind(world, settings):
    uploads = settings.STORAGE_PATH / "upload_files"
    before = sorted(p.name for p in uploads.rglob("*")) if uploads.exists() else []
    for bad in (upload("n" * 300 + ".txt", user="u"), upload(mime="text/" + "x" * 300, user="u")):
        response = await world.client.post("/v1/files/upload", headers=world.chat.headers, **bad)
        assert response.status_code == 400
    assert (sorted(p.name for p in uploads.rglob("*")) if uploads.exists() else []) == before


async def test_text_the_edge_cannot_see_into_is_still_invalid_param(console):
    """Found by schemathesis' setup: a DSL written by json.dumps escapes 🤖 as a surrogate pair, which YAML reads as
    two unpaired surrogates; storing the app then failed (500). Dify answers such a ValueError with 400."""
    dsl = json.dumps({"app": {"name": "Flow", "mode": "workflow", "icon": "🤖"}, "kind": "app", "version": "0.3.0",
                      "workflow": {"graph": {"nodes": [
                          {"id": "start", "data": {"type": "start", "title": "Start", "variables": []}},
                          {"id": "end", "data": {"type": "end", "title": "End", "outputs": []}}],
                          "edges": [{"id": "e", "source": "start", "target": "end"}]}}})
    assert "\\ud83e\\udd16" in dsl
    response = await console.client.post("/console/api/apps/imports", headers=console.headers,
                                         json={"mode": "yaml-content", "yaml_content": dsl})
    body = await response.get_json()
    assert response.status_code == 400 and body["code"] == "invalid_param", body
    assert "cannot be stored" in body["message"] and "request_id" not in body


async def test_a_key_with_a_nul_is_no_key(world):
    for path, prefix in (("/v1/info", "app-"), ("/v1/datasets", "dataset-")):
        response = await world.client.get(path, headers={"Authorization": f"Bearer {prefix}\u0000abc"})
        assert response.status_code == 401 and (await response.get_json())["code"] == "unauthorized"


async def test_the_first_account_is_held_to_its_columns(client):
    for field, value in (("name", "n" * 256), ("email", "e" * 250 + "@x.com")):
        owner = {"email": "owner@example.com", "name": "Owner", "password": "secret123", field: value}
        response = await client.post("/console/api/setup", json=owner)
        assert response.status_code == 400 and (await response.get_json())["params"] == field, field
    assert (await (await client.get("/console/api/setup")).get_json())["step"] == "not_started"
