"""Dify's files through the Service API: `file` and `file-list` start variables checked at the edge, uploads
and remote links (fetched through the SSRF guard) read by document-extractor and handed to code nodes as dicts,
files in run outputs, vision llm nodes (OpenAI and Anthropic image parts), `sys.files` in a chatflow and the
`files` of a chat app's messages (message_files)."""

import asyncio
import base64
import io
import json
from pathlib import Path
from typing import ClassVar

import pytest
from quart.datastructures import FileStorage
from sqlalchemy import text

from tests.api.chat_helpers import configure_provider, make_app
from tests.api.helpers import bearer
from tests.integration.anthropic_stub_server import AnthropicReply, StubAnthropicServer
from tests.integration.openai_stub_server import Reply

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dsl"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
ALLOWED = {"HTTP_REQUEST_ALLOWED_HOSTS": "localhost", "UPLOAD_FILE_SIZE_LIMIT": 1}


class FileServer:
    """Serves a few files on loopback, recording each path asked for."""

    FILES: ClassVar[dict[str, tuple[bytes, str]]] = {
        "/notes/brief.md": (b"# Brief\n\nDeliver by Friday.", "text/markdown"),
        "/huge.md": (b"x" * (1024 * 1024 + 10), "text/markdown"),
        "/cat.png": (PNG, "image/png"),
    }

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    @property
    def port(self) -> int:
        return self._server.sockets[0].getsockname()[1]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        path = head.split(" ")[1]
        self.paths.append(path)
        body, kind = self.FILES.get(path, (b"missing", "text/plain"))
        status = 200 if path in self.FILES else 404
        writer.write(
            b"HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (status, kind.encode(), len(body))
            + body
        )
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()


@pytest.fixture
async def files_server():
    server = FileServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def anthropic():
    server = StubAnthropicServer()
    await server.start()
    yield server
    await server.stop()


async def _import(console, name: str) -> str:
    imported = await (
        await console.client.post(
            "/console/api/apps/imports",
            headers=console.headers,
            json={"mode": "yaml-content", "yaml_content": (FIXTURES / name).read_text(), "publish": True},
        )
    ).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported.get("error")
    return await console.create_app_key(imported["app_id"])


async def _upload(console, key: str, name: str, data: bytes, kind: str, user: str = "alice") -> str:
    part = FileStorage(stream=io.BytesIO(data), filename=name, content_type=kind)
    response = await console.client.post(
        "/v1/files/upload", headers=bearer(key), form={"user": user}, files={"file": part}
    )
    assert response.status_code == 201, await response.get_json()
    return (await response.get_json())["id"]


async def _run(console, key: str, inputs: dict, user: str = "alice") -> tuple[int, dict]:
    response = await console.client.post(
        "/v1/workflows/run", headers=bearer(key), json={"inputs": inputs, "response_mode": "blocking", "user": user}
    )
    return response.status_code, await response.get_json()


def local(file_id: str, kind: str = "document") -> dict:
    return {"type": kind, "transfer_method": "local_file", "upload_file_id": file_id}


def remote(url: str, kind: str = "document") -> dict:
    return {"type": kind, "transfer_method": "remote_url", "url": url}


@pytest.mark.parametrize("settings", [ALLOWED], indirect=True)
async def test_uploads_and_links_are_read_listed_by_code_and_returned_as_dify_files(console, container, files_server):
    key = await _import(console, "file_inputs.yml")
    upload = await _upload(console, key, "terms.md", b"# Terms\n\nPay in 30 days.", "text/markdown")
    link = f"http://localhost:{files_server.port}/notes/brief.md"

    status, body = await _run(console, key, {"attachments": [local(upload), remote(link)]})

    assert status == 200, body
    data = body["data"]
    assert data["status"] == "succeeded", data
    outputs = data["outputs"]
    assert "Pay in 30 days." in outputs["texts"][0] and "Deliver by Friday." in outputs["texts"][1]
    # The code node got each file as Dify passes it: a dict with its name, extension and transfer method.
    assert outputs["names"] == ["terms.md:.md:local_file", "brief.md:.md:remote_url"]
    uploaded, linked = outputs["files"]
    assert uploaded["dify_model_identity"] == "__dify__file__"
    assert {
        k: uploaded[k] for k in ("type", "transfer_method", "related_id", "filename", "extension", "mime_type")
    } == {
        "type": "document",
        "transfer_method": "local_file",
        "related_id": upload,
        "filename": "terms.md",
        "extension": ".md",
        "mime_type": "text/markdown",
    }
    assert (
        uploaded["size"] == len(b"# Terms\n\nPay in 30 days.")
        and "/files/" + upload + "/file-preview?" in uploaded["url"]
    )
    assert linked["remote_url"] == link and linked["url"] == link and linked["size"] == -1
    assert files_server.paths == ["/notes/brief.md"]  # fetched once, when document-extractor needed the bytes

    # Referenced by a run, the upload is "used": the orphan-upload reaper keeps it.
    async with container.engine().connect() as conn:
        used = await conn.execute(text("SELECT used, used_by FROM upload_files WHERE id = :id"), {"id": upload})
        assert used.one()[0] is True

    # Streaming, workflow_finished lists the files of the outputs, as Dify does.
    response = await console.client.post(
        "/v1/workflows/run",
        headers=bearer(key),
        json={"inputs": {"attachments": [local(upload)]}, "response_mode": "streaming", "user": "alice"},
    )
    events = [
        json.loads(line[6:]) for line in (await response.get_data()).decode().split("\n") if line.startswith("data: ")
    ]
    finished = next(e["data"] for e in events if e["event"] == "workflow_finished")
    assert [f["related_id"] for f in finished["files"]] == [upload], finished

    # The upload's signed link reads the file.
    path = uploaded["url"][uploaded["url"].index("/files/") :]
    preview = await console.client.get(path)
    assert preview.status_code == 200 and await preview.get_data() == b"# Terms\n\nPay in 30 days."


@pytest.mark.parametrize("settings", [ALLOWED], indirect=True)
async def test_a_link_to_a_private_address_or_over_the_size_limit_fails_the_node(console, files_server):
    key = await _import(console, "file_inputs.yml")
    for url, reason in (
        (f"http://127.0.0.1:{files_server.port}/notes/brief.md", "loopback"),  # only `localhost` is allowed
        ("http://169.254.169.254/latest/meta-data/secret.md", "link-local"),
        (f"http://localhost:{files_server.port}/huge.md", "File size exceeded"),  # UPLOAD_FILE_SIZE_LIMIT=1 MB
    ):
        status, body = await _run(console, key, {"attachments": [remote(url)]})
        assert status == 200 and body["data"]["status"] == "failed", body
        assert reason in body["data"]["error"], body["data"]["error"]
    assert files_server.paths == ["/huge.md"]  # the refused ones were never connected to


async def test_file_variables_are_checked_at_the_edge_with_difys_messages(console):
    key = await _import(console, "file_inputs.yml")
    notes = await _upload(console, key, "notes.md", b"notes", "text/markdown")
    photo = await _upload(console, key, "cat.png", PNG, "image/png")
    archive = await _upload(console, key, "bundle.zip", b"PK", "application/zip")
    others = await _upload(console, key, "theirs.md", b"not yours", "text/markdown", user="bob")
    cases = [
        ({"attachments": "notes.md"}, "attachments in input form must be a list of files"),
        ({"attachments": [local(notes)] * 3}, "attachments in input form must be less than 2 files"),
        ({"attachments": [local(photo, "image")]}, "File validation failed for file: cat.png"),  # not an allowed type
        (
            {"attachments": [local(archive, "custom")]},
            "File validation failed for file: bundle.zip",
        ),  # not an allowed extension
        ({"attachments": [local(others)]}, "Invalid upload file"),  # another end user's upload
        (
            {"attachments": [{"type": "document", "upload_file_id": notes}]},
            "transfer_method is required in file mapping",
        ),
        ({"attachments": [remote("ftp://example.com/a.md")]}, "Invalid file url"),
        ({"attachments": [{"type": "document", "transfer_method": "local_file"}]}, "Invalid upload file id"),
        ({"attachments": [local("42")]}, "Invalid upload file id format"),
        ({"attachments": [], "contract": "x"}, "contract in input form must be a file"),
        (
            {"attachments": [], "contract": {"type": "document", "transfer_method": "tool_file", "tool_file_id": "t1"}},
            "ToolFile t1 not found",
        ),
        ({}, "attachments is required in input form"),
    ]
    for inputs, message in cases:
        status, body = await _run(console, key, inputs)
        assert (status, body.get("code"), body.get("message")) == (400, "invalid_param", message), (inputs, body)

    # A custom file with an allowed extension (compared without case) passes.
    readme = await _upload(console, key, "README.txt", b"read me", "text/plain")
    status, body = await _run(console, key, {"attachments": [local(readme, "custom")], "contract": ""})
    assert status == 200 and body["data"]["status"] == "succeeded", body
    assert body["data"]["outputs"]["texts"] == ["read me"]

    # A link the web client copied into an upload first names the upload: it is read from storage.
    copied = {
        "type": "document",
        "transfer_method": "remote_url",
        "url": "https://gone.example/x.md",
        "upload_file_id": notes,
    }
    status, body = await _run(console, key, {"attachments": [copied]})
    assert status == 200 and body["data"]["outputs"]["texts"] == ["notes"], body


@pytest.mark.parametrize("settings", [ALLOWED], indirect=True)
async def test_vision_nodes_send_the_photo_as_openai_and_anthropic_image_parts(console, upstream, anthropic):
    await configure_provider(console, upstream)
    saved = await console.client.post(
        "/console/api/workspaces/current/model-providers/langgenius/anthropic/anthropic/credentials",
        headers=console.headers,
        json={"credentials": {"anthropic_api_key": "sk-ant-0123456789", "anthropic_api_url": anthropic.root_url}},
    )
    assert saved.status_code == 200, await saved.get_json()
    key = await _import(console, "vision_llm.yml")
    photo = await _upload(console, key, "cat.png", PNG, "image/png")
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()

    upstream.replies = [Reply(deltas=("A cat.",))]
    anthropic.replies = [AnthropicReply(deltas=("Yes.",))]
    status, body = await _run(console, key, {"photo": local(photo, "image")})
    assert status == 200 and body["data"]["status"] == "succeeded", body
    assert body["data"]["outputs"]["first"] == "A cat." and body["data"]["outputs"]["photo"]["type"] == "image"

    (look,) = upstream.requests
    assert look["json"]["messages"][-1] == {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is in this photo?"},
            {"type": "image_url", "image_url": {"url": data_url, "detail": "low"}},
        ],
    }
    (second,) = anthropic.requests
    assert second["json"]["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Another model said: A cat. Do you agree?"},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": base64.b64encode(PNG).decode()},
                },
            ],
        }
    ]

    # A linked photo goes as its URL: the model fetches it, weir does not.
    link = "https://images.example.com/cat.png"
    status, body = await _run(console, key, {"photo": remote(link, "image")})
    assert status == 200 and body["data"]["status"] == "succeeded", body
    assert upstream.requests[1]["json"]["messages"][-1]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": link, "detail": "low"},
    }
    assert anthropic.requests[1]["json"]["messages"][0]["content"][1] == {
        "type": "image",
        "source": {"type": "url", "url": link},
    }


async def test_a_chatflows_files_are_its_sys_files_and_stay_with_the_message(console, upstream):
    await configure_provider(console, upstream)
    key = await _import(console, "vision_chatflow.yml")
    shot = await _upload(console, key, "screen.png", PNG, "image/png")
    link = "https://example.com/chart.png"

    response = await console.client.post(
        "/v1/chat-messages",
        headers=bearer(key),
        json={
            "query": "What do you see?",
            "user": "alice",
            "inputs": {},
            "response_mode": "blocking",
            "files": [local(shot, "image"), remote(link, "image")],
        },
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    sorted_ = upstream.requests[-2]["json"]["messages"][-1]  # the question-classifier's vision sees them too
    assert [p["image_url"]["detail"] for p in sorted_["content"][1:]] == ["low", "low"]
    sent = upstream.requests[-1]["json"]["messages"][-1]
    assert sent["content"][0] == {"type": "text", "text": "What do you see?"}
    assert [p["image_url"]["url"][:22] for p in sent["content"][1:]] == ["data:image/png;base64,", link[:22]]

    messages = await (
        await console.client.get(
            f"/v1/messages?conversation_id={body['conversation_id']}&user=alice", headers=bearer(key)
        )
    ).get_json()
    files = messages["data"][0]["message_files"]
    assert [(f["type"], f["transfer_method"], f["filename"], f["belongs_to"]) for f in files] == [
        ("image", "local_file", "screen.png", "user"),
        ("image", "remote_url", "chart.png", "user"),
    ]
    assert files[0]["upload_file_id"] == shot and "/file-preview?" in files[0]["url"] and files[0]["size"] == len(PNG)
    assert files[1]["url"] == link and files[1]["upload_file_id"] is None

    too_many = await console.client.post(
        "/v1/chat-messages",
        headers=bearer(key),
        json={"query": "And these?", "user": "alice", "inputs": {}, "files": [remote(link, "image")] * 3},
    )
    assert too_many.status_code == 400
    assert (await too_many.get_json())["message"] == "Number of image files exceeds the maximum limit 2"


async def test_a_chat_app_with_file_upload_sends_images_to_the_model_and_keeps_them(console, upstream):
    await configure_provider(console, upstream)
    upload = {"image": {"enabled": True, "number_limits": 1, "detail": "low", "transfer_methods": ["local_file"]}}
    app = await make_app(console, upstream, file_upload=upload)
    photo = await _upload(console, app.key, "cat.png", PNG, "image/png")

    status, body = await app.send("What is this?", files=[local(photo, "image")])
    assert status == 200, body
    query = upstream.requests[-1]["json"]["messages"][-1]
    assert query["content"][1] == {
        "type": "image_url",
        "image_url": {"url": "data:image/png;base64," + base64.b64encode(PNG).decode(), "detail": "low"},
    }
    messages = await (
        await app.client.get(f"/v1/messages?conversation_id={body['conversation_id']}&user=alice", headers=app.headers)
    ).get_json()
    (file,) = messages["data"][0]["message_files"]
    assert (file["type"], file["transfer_method"], file["filename"], file["mime_type"]) == (
        "image",
        "local_file",
        "cat.png",
        "image/png",
    )

    # Only local uploads are allowed here, and a document is not an image.
    for files, message in (
        ([remote("https://example.com/a.png", "image")], "File validation failed for file: a.png"),
        ([local(photo, "image")] * 2, "Number of image files exceeds the maximum limit 1"),
    ):
        status, body = await app.send("And this?", files=files)
        assert (status, body["message"]) == (400, message), body

    # A completion app takes files the same way: the image rides on its one user message.
    writer = await make_app(
        console,
        upstream,
        mode="completion",
        file_upload={
            "enabled": True,
            "allowed_file_types": ["image"],
            "allowed_file_upload_methods": ["remote_url"],
            "number_limits": 1,
            "image": {"detail": "high"},
        },
    )
    response = await console.client.post(
        "/v1/completion-messages",
        headers=writer.headers,
        json={
            "inputs": {"company": "Acme"},
            "query": "Caption it",
            "user": "alice",
            "response_mode": "blocking",
            "files": [remote("https://example.com/logo.png", "image")],
        },
    )
    assert response.status_code == 200, await response.get_json()
    assert upstream.requests[-1]["json"]["messages"][-1]["content"][-1] == {
        "type": "image_url",
        "image_url": {"url": "https://example.com/logo.png", "detail": "high"},
    }

    # An app without file upload ignores the files, as Dify does.
    plain = await make_app(console, upstream)
    status, body = await plain.send("Hello", files=[local(photo, "image")])
    assert status == 200, body
    assert isinstance(upstream.requests[-1]["json"]["messages"][-1]["content"], str)


SYS_FILES_DSL = """
app: {mode: workflow, name: Inbox reader}
kind: app
version: 0.3.0
workflow:
  features:
    file_upload: {enabled: true, allowed_file_types: [document], allowed_file_upload_methods: [local_file],
                  number_limits: 1}
  graph:
    nodes:
    - {id: start, data: {type: start, title: Start, variables: []}}
    - {id: read, data: {type: document-extractor, title: Read, variable_selector: [sys, files]}}
    - {id: end, data: {type: end, title: End, outputs: [{variable: texts, value_selector: [read, text]}]}}
    edges:
    - {id: a, source: start, target: read, sourceHandle: source}
    - {id: b, source: read, target: end, sourceHandle: source}
"""


async def test_a_workflow_runs_files_are_its_sys_files_checked_against_its_file_upload(console):
    imported = await (
        await console.client.post(
            "/console/api/apps/imports",
            headers=console.headers,
            json={"mode": "yaml-content", "yaml_content": SYS_FILES_DSL, "publish": True},
        )
    ).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported.get("error")
    key = await console.create_app_key(imported["app_id"])
    memo = await _upload(console, key, "memo.txt", b"Lunch at one.", "text/plain")

    response = await console.client.post(
        "/v1/workflows/run",
        headers=bearer(key),
        json={"inputs": {}, "files": [local(memo)], "response_mode": "blocking", "user": "alice"},
    )
    body = await response.get_json()
    assert response.status_code == 200 and body["data"]["status"] == "succeeded", body
    assert body["data"]["outputs"] == {"texts": ["Lunch at one."]}

    response = await console.client.post(
        "/v1/workflows/run",
        headers=bearer(key),
        json={"inputs": {}, "files": [local(memo)] * 2, "response_mode": "blocking", "user": "alice"},
    )
    assert response.status_code == 400
    assert (await response.get_json())["message"] == "Number of files exceeds the maximum limit 1"
