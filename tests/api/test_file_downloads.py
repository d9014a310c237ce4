"""Reading files back: an app's uploads through /v1/files/{id}/preview, a document's original file (its
description, its download URL) and several documents as one ZIP, each only within its app or workspace."""

import io
import zipfile
from urllib.parse import urlsplit

from werkzeug.datastructures import FileStorage

from tests.api.chat_helpers import make_app
from tests.api.helpers import bearer
from tests.api.knowledge_helpers import create_dataset, json_body

UNKNOWN = "00000000-0000-7000-8000-000000000001"


async def upload(app, name: str, data: bytes, content_type: str, user: str = "alice") -> dict:
    part = FileStorage(stream=io.BytesIO(data), filename=name, content_type=content_type)
    response = await app.client.post("/v1/files/upload", headers=app.headers, form={"user": user}, files={"file": part})
    return await json_body(response, 201)


async def test_an_upload_is_previewed_inline_or_as_an_attachment_by_its_own_app_only(chat_app, console, upstream):
    stored = await upload(chat_app, "report é.pdf", b"%PDF-1.7 fake", "application/pdf")
    url = f"/v1/files/{stored['id']}/preview"
    inline = await chat_app.client.get(url, headers=chat_app.headers)
    assert inline.status_code == 200 and await inline.get_data() == b"%PDF-1.7 fake"
    assert inline.headers["Content-Type"] == "application/pdf"
    assert inline.headers["Content-Disposition"] == "inline; filename*=UTF-8''report%20%C3%A9.pdf"
    attached = await chat_app.client.get(url, headers=chat_app.headers, query_string={"as_attachment": "true"})
    assert attached.headers["Content-Disposition"].startswith("attachment;")

    other = await make_app(console, upstream)
    denied = await other.client.get(url, headers=other.headers)
    assert (denied.status_code, (await denied.get_json())["code"]) == (403, "file_access_denied")
    missing = await chat_app.client.get(f"/v1/files/{UNKNOWN}/preview", headers=chat_app.headers)
    assert (missing.status_code, (await missing.get_json())["code"]) == (404, "file_not_found")


async def test_an_html_upload_is_never_served_inline(chat_app):
    stored = await upload(chat_app, "page.html", b"<script>alert(1)</script>", "text/html")
    response = await chat_app.client.get(f"/v1/files/{stored['id']}/preview", headers=chat_app.headers)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def _file_document(client, key: str, ds: str, name: str, data: bytes) -> dict:
    part = FileStorage(stream=io.BytesIO(data), filename=name, content_type="text/plain")
    return (
        await json_body(
            await client.post(
                f"{ds}/document/create-by-file",
                headers=bearer(key),
                form={"data": '{"process_rule": {"mode": "automatic"}}'},
                files={"file": part},
            )
        )
    )["document"]


async def test_a_documents_file_is_described_downloaded_and_zipped(client, key):
    dataset = await create_dataset(client, key, indexing_technique="economy")
    ds = f"/v1/datasets/{dataset['id']}"
    first = await _file_document(client, key, ds, "notes.txt", b"first file")
    second = await _file_document(client, key, ds, "notes.txt", b"second file")
    text = (
        await json_body(
            await client.post(
                f"{ds}/document/create-by-text",
                headers=bearer(key),
                json={
                    "name": "typed",
                    "text": "typed in",
                    "indexing_technique": "economy",
                    "process_rule": {"mode": "automatic"},
                },
            )
        )
    )["document"]

    described = await json_body(await client.get(f"{ds}/documents/{first['id']}/upload-file", headers=bearer(key)))
    assert (described["name"], described["size"], described["extension"]) == ("notes.txt", 10, "txt")
    fetched = await client.get(
        urlsplit(described["download_url"]).path + "?" + urlsplit(described["download_url"]).query
    )
    assert await fetched.get_data() == b"first file" and fetched.headers["Content-Disposition"].startswith(
        "attachment;"
    )

    link = await json_body(await client.get(f"{ds}/documents/{second['id']}/download", headers=bearer(key)))
    fetched = await client.get(urlsplit(link["url"]).path + "?" + urlsplit(link["url"]).query)
    assert await fetched.get_data() == b"second file"

    zipped = await client.post(
        f"{ds}/documents/download-zip", headers=bearer(key), json={"document_ids": [first["id"], second["id"]]}
    )
    assert zipped.status_code == 200 and zipped.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(await zipped.get_data())) as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == {
            "notes.txt": b"first file",
            "notes (2).txt": b"second file",
        }

    # Dify keeps a document made from text as a .txt upload: it downloads like any other.
    typed = await json_body(await client.get(f"{ds}/documents/{text['id']}/upload-file", headers=bearer(key)))
    assert typed["extension"] == "txt"
    other = await create_dataset(client, key, name="Other", indexing_technique="economy")
    stranger = await client.get(f"/v1/datasets/{other['id']}/documents/{first['id']}/download", headers=bearer(key))
    assert (stranger.status_code, (await stranger.get_json())["code"]) == (404, "not_found")
    refused = await client.post(
        f"/v1/datasets/{other['id']}/documents/download-zip", headers=bearer(key), json={"document_ids": [first["id"]]}
    )
    assert (refused.status_code, (await refused.get_json())["code"]) == (404, "not_found")
    for ids in ([], [UNKNOWN]):
        response = await client.post(f"{ds}/documents/download-zip", headers=bearer(key), json={"document_ids": ids})
        assert response.status_code in (400, 404)
