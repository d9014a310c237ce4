"""document-extractor: a file uploaded through the Service API becomes text a later node uses."""

import io

import yaml
from quart.datastructures import FileStorage

from tests.api.helpers import bearer


def _dsl() -> str:
    node = lambda nid, data: {"id": nid, "type": "custom", "data": data}  # noqa: E731
    edge = lambda s, t: {"id": f"{s}-{t}", "source": s, "target": t, "sourceHandle": "source"}  # noqa: E731
    graph = {
        "nodes": [
            node("start", {"type": "start", "title": "Start", "variables": [
                {"variable": "doc", "label": "Document", "type": "file", "required": True}]}),
            node("extract", {"type": "document-extractor", "title": "Extract", "variable_selector": ["start", "doc"]}),
            node("end", {"type": "end", "title": "End", "outputs": [{"variable": "text", "value_selector": ["extract", "text"]}]}),
        ],
        "edges": [edge("start", "extract"), edge("extract", "end")],
    }
    return yaml.safe_dump({"app": {"name": "Reader", "mode": "workflow"}, "kind": "app", "version": "0.3.1",
                           "workflow": {"graph": graph, "features": {}}})


async def test_an_uploaded_markdown_file_is_read_into_text(console):
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": _dsl(), "publish": True},
        headers=console.headers)).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    key = await console.create_app_key(imported["app_id"])
    part = FileStorage(stream=io.BytesIO(b"# Title\n\nThe answer is 42."), filename="notes.md", content_type="text/markdown")
    upload = await (await console.client.post("/v1/files/upload", headers=bearer(key), form={"user": "alice"},
                                              files={"file": part})).get_json()
    doc = {"type": "document", "transfer_method": "local_file", "upload_file_id": upload["id"]}
    body = await (await console.client.post("/v1/workflows/run", headers=bearer(key), json={
        "inputs": {"doc": doc}, "response_mode": "blocking", "user": "alice"})).get_json()
    assert body["data"]["status"] == "succeeded", body
    assert "The answer is 42." in body["data"]["outputs"]["text"]

    # As in Dify, an unknown upload is refused at the edge, before any run is stored.
    missing = {"type": "document", "transfer_method": "local_file", "upload_file_id": "00000000-0000-7000-8000-000000000001"}
    refused = await console.client.post("/v1/workflows/run", headers=bearer(key), json={
        "inputs": {"doc": missing}, "response_mode": "blocking", "user": "alice"})
    assert refused.status_code == 400
    assert await refused.get_json() == {"code": "invalid_param", "message": "Invalid upload file", "status": 400, "params": "doc"}


async def _reader_app(console) -> str:
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": _dsl(), "publish": True},
        headers=console.headers)).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    return await console.create_app_key(imported["app_id"])


async def _upload(console, key: str, user: str, text: bytes) -> str:
    part = FileStorage(stream=io.BytesIO(text), filename="notes.md", content_type="text/markdown")
    response = await console.client.post("/v1/files/upload", headers=bearer(key), form={"user": user},
                                         files={"file": part})
    return (await response.get_json())["id"]


async def _extract(console, key: str, user: str, file_id: str) -> dict:
    doc = {"type": "document", "transfer_method": "local_file", "upload_file_id": file_id}
    body = await (await console.client.post("/v1/workflows/run", headers=bearer(key), json={
        "inputs": {"doc": doc}, "response_mode": "blocking", "user": user})).get_json()
    return body.get("data", body)


async def test_a_file_is_read_only_by_the_app_and_end_user_that_uploaded_it_not_by_others_of_the_workspace(console):
    """Stricter than Dify (workspace only): any app or end user of the workspace could read any upload by id."""
    first, second = await _reader_app(console), await _reader_app(console)
    alices = await _upload(console, first, "alice", b"Alice's secret is 42.")
    seconds = await _upload(console, second, "alice", b"The other app's file.")

    own = await _extract(console, first, "alice", alices)
    assert own["status"] == "succeeded" and "Alice's secret is 42." in own["outputs"]["text"]
    for key, user, file_id in (
        (first, "bob", alices),  # another end user of the same app
        (second, "alice", alices),  # the same name in another app is another end user
        (first, "alice", seconds),  # a file of another app of the workspace
    ):
        refused = await _extract(console, key, user, file_id)
        # Refused at the edge, worded as for a file that does not exist.
        assert refused == {"code": "invalid_param", "message": "Invalid upload file", "status": 400, "params": "doc"}, refused
