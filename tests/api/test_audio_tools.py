"""The audio builtin in tool nodes: tts answers a stored speech file, asr transcribes an uploaded file, both
on the workspace's OpenAI-compatible provider (a loopback stub); no tts model configured is a clear error."""

import asyncio
import io
import json

import pytest
from quart.datastructures import FileStorage

from tests.api.helpers import bearer
from tests.api.tool_helpers import import_app, run_blocking

SPEECH = b"ID3-fake-mp3-bytes"


@pytest.fixture
async def audio_upstream():
    seen: list[dict] = []

    async def answer(reader, writer):
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        line, *lines = head.strip().split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in lines)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        if line.startswith("GET ") and line.split(" ")[1].endswith("/models"):  # the key check when it is saved
            payload, kind = b'{"object": "list", "data": []}', "application/json"
        elif (seen.append({"line": line, "headers": headers, "body": body}) or True) and "/audio/speech" in line:
            payload, kind = SPEECH, "audio/mpeg"
        else:
            payload, kind = json.dumps({"text": "hello from audio"}).encode(), "application/json"
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (kind.encode(), len(payload))
            + payload
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1", seen
    server.close()
    await server.wait_closed()


async def _provider(console, endpoint: str, default_tts: bool) -> None:
    response = await console.client.post(
        "/console/api/workspaces/current/model-providers/openai_api_compatible/credentials",
        headers=console.headers,
        json={"credentials": {"api_key": "sk-audio", "endpoint_url": endpoint, "models": [{"name": "chat-1"}]}},
    )
    assert response.status_code == 200, await response.get_json()
    if default_tts:
        settings = [{"model_type": "tts", "provider": "openai_api_compatible", "model": "tts-1"}]
        response = await console.client.post(
            "/console/api/workspaces/current/default-model", headers=console.headers, json={"model_settings": settings}
        )
        assert response.status_code == 200, await response.get_json()


def _workflow(tool: str, parameters: dict, start_variables: list | None = None) -> dict:
    return {
        "app": {"name": "Audio", "mode": "workflow"},
        "kind": "app",
        "version": "0.3.1",
        "workflow": {
            "features": {},
            "graph": {
                "nodes": [
                    {"id": "start", "data": {"type": "start", "title": "Start", "variables": start_variables or []}},
                    {
                        "id": "audio",
                        "data": {
                            "type": "tool",
                            "title": "Audio",
                            "provider_type": "builtin",
                            "provider_id": "langgenius/audio/audio",
                            "tool_name": tool,
                            "tool_parameters": parameters,
                        },
                    },
                    {
                        "id": "end",
                        "data": {
                            "type": "end",
                            "title": "End",
                            "outputs": [
                                {"variable": "text", "value_selector": ["audio", "text"]},
                                {"variable": "files", "value_selector": ["audio", "files"]},
                            ],
                        },
                    },
                ],
                "edges": [
                    {"id": "a", "source": "start", "target": "audio"},
                    {"id": "b", "source": "audio", "target": "end"},
                ],
            },
        },
    }


async def test_tts_stores_the_speech_as_a_tool_file(console, audio_upstream):
    endpoint, seen = audio_upstream
    await _provider(console, endpoint, default_tts=True)
    imported = await import_app(console, _workflow("tts", {"text": {"type": "constant", "value": "Hi there"}}))
    run = await run_blocking(console, imported["app_id"], {})
    assert run["status"] == "succeeded", run
    [file] = run["outputs"]["files"]
    assert file["type"] == "audio" and file["mime_type"] == "audio/mpeg" and file["transfer_method"] == "tool_file"
    [request] = seen
    assert "/v1/audio/speech" in request["line"] and request["headers"]["authorization"] == "Bearer sk-audio"
    assert json.loads(request["body"]) == {
        "model": "tts-1",
        "input": "Hi there",
        "voice": "alloy",
        "response_format": "mp3",
    }


async def test_tts_without_a_configured_model_fails_saying_so(console, audio_upstream):
    await _provider(console, audio_upstream[0], default_tts=False)
    imported = await import_app(console, _workflow("tts", {"text": {"type": "constant", "value": "Hi"}}))
    run = await run_blocking(console, imported["app_id"], {})
    assert run["status"] == "failed" and "No text-to-speech model is configured" in run["error"]


async def test_asr_transcribes_an_uploaded_file_with_the_named_model(console, audio_upstream):
    endpoint, seen = audio_upstream
    await _provider(console, endpoint, default_tts=False)
    variables = [
        {
            "variable": "clip",
            "label": "Clip",
            "type": "file",
            "required": True,
            "allowed_file_types": ["audio"],
            "allowed_file_upload_methods": ["local_file"],
        }
    ]
    document = _workflow(
        "asr",
        {
            "audio_file": {"type": "variable", "value": ["start", "clip"]},
            "model": {"type": "constant", "value": "openai_api_compatible/whisper-1"},
        },
        variables,
    )
    imported = await import_app(console, document)
    key = await console.create_app_key(imported["app_id"])
    uploaded = await console.client.post(
        "/v1/files/upload",
        headers=bearer(key),
        form={"user": "alice"},
        files={"file": FileStorage(stream=io.BytesIO(b"fake-audio"), filename="clip.mp3", content_type="audio/mpeg")},
    )
    assert uploaded.status_code == 201, await uploaded.get_json()
    upload = await uploaded.get_json()
    response = await console.client.post(
        "/v1/workflows/run",
        headers=bearer(key),
        json={
            "inputs": {"clip": {"type": "audio", "transfer_method": "local_file", "upload_file_id": upload["id"]}},
            "response_mode": "blocking",
            "user": "alice",
        },
    )
    run = (await response.get_json())["data"]
    assert run["status"] == "succeeded", run
    assert run["outputs"]["text"] == "hello from audio"
    [request] = seen
    assert "/v1/audio/transcriptions" in request["line"] and b"whisper-1" in request["body"]
