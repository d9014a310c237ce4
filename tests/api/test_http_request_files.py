"""http-request nodes that send files, through the Service API to a real server on loopback: a form-data file
field sends each file of its variable as a part (uploads read from storage, links fetched through the SSRF
guard), a binary body is the file's bytes with its MIME type, a body whose file is missing fails the node
saying so, and an answer that is a file comes back as a tool file."""

import asyncio
import base64
import email.parser
import email.policy
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from quart.datastructures import FileStorage

from tests.api.helpers import bearer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dsl"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALLOWED = {"HTTP_REQUEST_ALLOWED_HOSTS": "127.0.0.1"}


class Receiver:
    """An API on loopback: records each request (method, path, headers, raw body), answers with the body's size;
    GET /cat.png serves a photo, any other GET is 404."""

    def __init__(self) -> None:
        self.requests: list[dict] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                line, *lines = head.strip().split("\r\n")
                headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
            method, path, _ = line.split(" ")
            status = b"200 OK"
            if method == "GET":
                answer, kind = (PNG, b"image/png") if path == "/cat.png" else (b"no such file", b"text/plain")
                status = b"200 OK" if path == "/cat.png" else b"404 Not Found"
            else:
                self.requests.append({"method": method, "path": path, "headers": headers, "body": body})
                answer, kind = json.dumps({"got": len(body)}).encode(), b"application/json"
            writer.write(
                b"HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                % (status, kind, len(answer))
                + answer
            )
            await writer.drain()
        finally:
            writer.close()

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()


@pytest.fixture
async def receiver():
    server = Receiver()
    await server.start()
    yield server
    await server.stop()


def parts(request: dict) -> list[tuple[str, str | None, str, bytes]]:
    """(field name, filename, content type, bytes) of each part, as a mail parser reads multipart/form-data."""
    raw = b"Content-Type: " + request["headers"]["content-type"].encode() + b"\r\n\r\n" + request["body"]
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    assert message.is_multipart()
    return [
        (
            p.get_param("name", header="content-disposition"),
            p.get_filename(),
            p.get_content_type(),
            p.get_payload(decode=True),
        )
        for p in message.iter_parts()
    ]


async def _app(console) -> str:
    imported = await (
        await console.client.post(
            "/console/api/apps/imports",
            headers=console.headers,
            json={"mode": "yaml-content", "yaml_content": (FIXTURES / "http_upload.yml").read_text(), "publish": True},
        )
    ).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported.get("error")
    return await console.create_app_key(imported["app_id"])


async def _upload(console, key: str, name: str, data: bytes, kind: str) -> dict:
    part = FileStorage(stream=io.BytesIO(data), filename=name, content_type=kind)
    response = await console.client.post(
        "/v1/files/upload", headers=bearer(key), form={"user": "alice"}, files={"file": part}
    )
    assert response.status_code == 201, await response.get_json()
    kind = "image" if kind.startswith("image/") else "document"
    return {"type": kind, "transfer_method": "local_file", "upload_file_id": (await response.get_json())["id"]}


async def _run(console, key: str, inputs: dict) -> dict:
    response = await console.client.post(
        "/v1/workflows/run", headers=bearer(key), json={"inputs": inputs, "response_mode": "blocking", "user": "alice"}
    )
    assert response.status_code == 200, await response.get_json()
    return (await response.get_json())["data"]


@pytest.mark.parametrize("settings", [ALLOWED], indirect=True)
async def test_photos_go_as_form_data_parts_and_the_contract_as_a_binary_body(console, receiver):
    key = await _app(console)
    photo = await _upload(console, key, "beach.png", PNG, "image/png")
    contract = await _upload(console, key, "contract.pdf", PDF, "application/pdf")
    link = {"type": "image", "transfer_method": "remote_url", "url": f"{receiver.url}/cat.png"}

    data = await _run(console, key, {"api": receiver.url, "photos": [photo, link], "contract": contract})

    assert data["status"] == "succeeded", data
    form, raw = receiver.requests

    assert (form["method"], form["path"]) == ("POST", "/photos")
    assert form["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert parts(form) == [
        ("caption", None, "text/plain", b"from alice"),
        ("photo", "beach.png", "image/png", PNG),
        ("photo", "cat.png", "image/png", PNG),  # the link was fetched, then sent like an upload
    ]
    assert (raw["method"], raw["path"], raw["headers"]["content-type"], raw["body"]) == (
        "PUT",
        "/contract",
        "application/pdf",
        PDF,
    )
    assert data["outputs"]["photos_status"] == 200
    assert json.loads(data["outputs"]["contract_answer"]) == {"got": len(PDF)}


@pytest.mark.parametrize("settings", [ALLOWED], indirect=True)
async def test_an_empty_file_field_sends_no_part_and_a_binary_body_without_its_file_fails_the_node(console, receiver):
    key = await _app(console)

    data = await _run(console, key, {"api": receiver.url, "photos": []})

    assert data["status"] == "failed" and "names no file" in data["error"], data
    (form,) = receiver.requests  # the binary body was never sent
    assert parts(form) == [("caption", None, "text/plain", b"from alice")]


@pytest.mark.parametrize("settings", [ALLOWED], indirect=True)
async def test_a_file_that_cannot_be_read_fails_the_node_before_anything_is_sent(console, receiver):
    key = await _app(console)
    gone = {"type": "image", "transfer_method": "remote_url", "url": f"{receiver.url}/gone.png"}

    data = await _run(console, key, {"api": receiver.url, "photos": [gone]})

    assert data["status"] == "failed", data
    assert data["error"].startswith("Could not read gone.png: ") and "HTTP 404" in data["error"], data["error"]
    assert receiver.requests == []


@pytest.mark.parametrize("settings", [ALLOWED], indirect=True)
async def test_an_image_answer_is_a_file_of_the_node_readable_through_its_link(console, receiver):
    document = yaml.safe_load((FIXTURES / "http_upload.yml").read_text())
    graph = document["workflow"]["graph"]
    form = next(n for n in graph["nodes"] if n["id"] == "form")
    form["data"].update(method="get", url="{{#start.api#}}/cat.png", body={"type": "none", "data": []})
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] in ("start", "form", "end")]
    graph["edges"] = [
        {"id": "a", "source": "start", "target": "form"},
        {"id": "b", "source": "form", "target": "end"},
    ]
    end = next(n for n in graph["nodes"] if n["id"] == "end")
    end["data"]["outputs"] = [
        {"variable": "body", "value_selector": ["form", "body"]},
        {"variable": "files", "value_selector": ["form", "files"]},
    ]
    imported = await (
        await console.client.post(
            "/console/api/apps/imports",
            headers=console.headers,
            json={"mode": "yaml-content", "yaml_content": yaml.safe_dump(document), "publish": True},
        )
    ).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported.get("error")
    key = await console.create_app_key(imported["app_id"])

    data = await _run(console, key, {"api": receiver.url})

    assert data["status"] == "succeeded", data
    assert data["outputs"]["body"] == ""  # as Dify: the answer is the file, not text
    [file] = data["outputs"]["files"]
    assert (file["type"], file["transfer_method"], file["filename"], file["mime_type"]) == (
        "image",
        "tool_file",
        "cat.png",
        "image/png",
    )
    url = urlsplit(file["url"])
    response = await console.client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200 and await response.get_data() == PNG
