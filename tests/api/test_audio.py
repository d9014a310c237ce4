"""POST /v1/audio-to-text and /v1/text-to-audio through the workspace's speech models, served by a loopback
OpenAI-compatible speech server, with Dify's feature switches, limits and error codes."""

import io
import json

import pytest
from werkzeug.datastructures import FileStorage

from tests.api.chat_helpers import ChatApp, make_app
from tests.api.helpers import multipart
from tests.integration.audio_stub_server import AudioReply, StubAudioServer

SPEECH_ON = {"speech_to_text": {"enabled": True}, "text_to_speech": {"enabled": True, "voice": "nova"}}


@pytest.fixture
async def speech(console):
    server = StubAudioServer()
    await server.start()
    saved = await console.client.post(
        "/console/api/workspaces/current/model-providers/xinference/credentials",
        headers=console.headers,
        json={
            "credentials": {
                "server_url": server.root_url,
                "api_key": "sk-audio",
                "models": [{"name": "whisper-1", "mode": "speech2text"}, {"name": "tts-1", "mode": "tts"}],
            }
        },
    )
    assert saved.status_code == 200, await saved.get_json()
    yield server
    await server.stop()


@pytest.fixture
async def speaking_app(chat_app, speech) -> ChatApp:
    return await make_app(chat_app.console, chat_app.upstream, **SPEECH_ON)


def audio(data: bytes = b"RIFF....WAVEfmt ", name: str = "hello.wav", content_type: str = "audio/wav") -> dict:
    return {"file": FileStorage(stream=io.BytesIO(data), filename=name, content_type=content_type)}


async def test_audio_is_transcribed_by_the_workspaces_speech_model(speaking_app, speech):
    response = await speaking_app.client.post(
        "/v1/audio-to-text", headers=speaking_app.headers, form={"user": "alice"}, files=audio()
    )
    assert (response.status_code, await response.get_json()) == (200, {"text": "hello from the audio stub"})
    (sent,) = speech.requests
    assert (
        sent["line"].startswith("POST /v1/audio/transcriptions")
        and sent["headers"]["authorization"] == "Bearer sk-audio"
    )
    assert b'name="model"\r\n\r\nwhisper-1' in sent["body"] and b"RIFF....WAVEfmt " in sent["body"]


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        ({}, 400, "no_audio_uploaded"),
        (audio(content_type="audio/mpeg"), 415, "unsupported_audio_type"),
        (audio(b"x" * (30 * 1024 * 1024 + 1)), 413, "audio_too_large"),
    ],
)
async def test_dify_refuses_what_it_cannot_transcribe(speaking_app, speech, files, status, code):
    sent = multipart({"user": "alice"}, files)
    response = await speaking_app.client.post(
        "/v1/audio-to-text", headers={**speaking_app.headers, **sent["headers"]}, data=sent["data"]
    )
    assert (response.status_code, (await response.get_json())["code"]) == (status, code)
    assert speech.requests == []


async def test_an_app_without_speech_to_text_refuses(chat_app, speech):
    response = await chat_app.client.post(
        "/v1/audio-to-text", headers=chat_app.headers, form={"user": "alice"}, files=audio()
    )
    assert (response.status_code, (await response.get_json())["code"]) == (400, "speech_to_text_disabled")


async def test_a_workspace_without_a_speech_model_says_its_provider_does_not_support_it(chat_app):
    app = await make_app(chat_app.console, chat_app.upstream, **SPEECH_ON)
    response = await app.client.post("/v1/audio-to-text", headers=app.headers, form={"user": "alice"}, files=audio())
    assert (response.status_code, (await response.get_json())["code"]) == (400, "provider_not_support_speech_to_text")
    response = await app.client.post("/v1/text-to-audio", headers=app.headers, json={"text": "Hi", "user": "alice"})
    assert (response.status_code, (await response.get_json())["code"]) == (400, "provider_not_support_text_to_speech")


async def test_text_and_a_messages_answer_are_voiced_as_streamed_audio(speaking_app, speech):
    response = await speaking_app.client.post(
        "/v1/text-to-audio", headers=speaking_app.headers, json={"text": "Welcome aboard", "user": "alice"}
    )
    assert response.status_code == 200 and response.headers["Content-Type"] == "audio/mpeg"
    assert await response.get_data() == b"ID3\x00fake-mp3-frames"
    sent = speech.requests[-1]
    assert sent["line"].startswith("POST /v1/audio/speech")
    assert json.loads(sent["body"]) == {
        "model": "tts-1",
        "input": "Welcome aboard",
        "voice": "nova",
        "response_format": "mp3",
    }

    status, answered = await speaking_app.send("Say something")
    assert status == 200
    response = await speaking_app.client.post(
        "/v1/text-to-audio",
        headers=speaking_app.headers,
        json={"message_id": answered["message_id"], "voice": "echo", "user": "alice"},
    )
    assert response.status_code == 200
    sent = json.loads(speech.requests[-1]["body"])
    assert (sent["input"], sent["voice"]) == (answered["answer"], "echo")


async def test_a_speech_provider_refusal_is_a_dify_error_not_a_broken_stream(speaking_app, speech):
    speech.replies.append(AudioReply(status=400, error="voice not found"))
    response = await speaking_app.client.post(
        "/v1/text-to-audio", headers=speaking_app.headers, json={"text": "Hi", "user": "alice"}
    )
    body = await response.get_json()
    assert (response.status_code, body["code"], body["message"]) == (400, "completion_request_error", "voice not found")


async def test_text_to_audio_needs_the_feature_and_some_text(chat_app, speaking_app, speech):
    disabled = await chat_app.client.post(
        "/v1/text-to-audio", headers=chat_app.headers, json={"text": "Hi", "user": "alice"}
    )
    assert (disabled.status_code, await disabled.get_json()) == (
        400,
        {"code": "invalid_param", "message": "TTS is not enabled", "status": 400},
    )
    empty = await speaking_app.client.post("/v1/text-to-audio", headers=speaking_app.headers, json={"user": "alice"})
    assert (empty.status_code, (await empty.get_json())["code"]) == (400, "invalid_param")
    assert speech.requests == []
