"""The third-party client dify-oapi2 (PyPI `dify-oapi2`) driving weir's annotations and audio over real HTTP.

weir runs as a real `python -m entrypoints.serve` process; its chat model is the env provider pointing at the
loopback OpenAI-compatible stub, its speech models a workspace provider pointing at the loopback speech stub;
both stubs run on an event loop in a thread of this process. The client's own request builders are used as
its README shows."""

import asyncio
import io
import threading
from collections.abc import Iterator

import httpx
import pytest
from dify_oapi.api.chat.v1.model.configure_annotation_reply_request import ConfigureAnnotationReplyRequest
from dify_oapi.api.chat.v1.model.configure_annotation_reply_request_body import ConfigureAnnotationReplyRequestBody
from dify_oapi.api.chat.v1.model.create_annotation_request import CreateAnnotationRequest
from dify_oapi.api.chat.v1.model.create_annotation_request_body import CreateAnnotationRequestBody
from dify_oapi.api.chat.v1.model.get_annotation_reply_status_request import GetAnnotationReplyStatusRequest
from dify_oapi.api.chat.v1.model.list_annotations_request import ListAnnotationsRequest
from dify_oapi.api.dify.v1.model.audio_to_text_request import AudioToTextRequest
from dify_oapi.api.dify.v1.model.audio_to_text_request_body import AudioToTextRequestBody
from dify_oapi.api.dify.v1.model.text_to_audio_request import TextToAudioRequest
from dify_oapi.api.dify.v1.model.text_to_audio_request_body import TextToAudioRequestBody
from dify_oapi.client import Client
from dify_oapi.core.model.request_option import RequestOption
from pydantic import ValidationError

from tests.integration.audio_stub_server import StubAudioServer
from tests.integration.openai_stub_server import StubOpenAIServer
from tests.polling import eventually_sync
from tests.processes import free_port, python, serving, start, weir_env

OWNER = {"email": "oapi@example.com", "name": "OAPI Owner", "password": "secret123"}
SPEECH_ON = {"speech_to_text": {"enabled": True}, "text_to_speech": {"enabled": True, "voice": "alloy"}}


@pytest.fixture(scope="module")
def stubs() -> Iterator[tuple[StubOpenAIServer, StubAudioServer]]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="stubs", daemon=True)
    thread.start()
    chat, speech = StubOpenAIServer(), StubAudioServer()
    for server in (chat, speech):
        asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    yield chat, speech
    for server in (chat, speech):
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def _configure(base: str, speech: StubAudioServer) -> str:
    """Setup, login, the speech provider, a chat app with speech on; its Service API key."""
    with httpx.Client(base_url=base, timeout=30) as http:
        assert http.post("/console/api/setup", json=OWNER).status_code == 201
        login = http.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        saved = http.post(
            "/console/api/workspaces/current/model-providers/xinference/credentials",
            headers=headers,
            json={
                "credentials": {
                    "server_url": speech.root_url,
                    "models": [{"name": "whisper-1", "mode": "speech2text"}, {"name": "tts-1", "mode": "tts"}],
                }
            },
        )
        assert saved.status_code == 200, saved.text
        app_id = http.post("/console/api/apps", json={"name": "OAPI chat", "mode": "chat"}, headers=headers).json()[
            "id"
        ]
        model = {"provider": "openai", "name": "stub-model", "mode": "chat", "completion_params": {"max_tokens": 64}}
        configured = http.post(
            f"/console/api/apps/{app_id}/model-config", json={"model": model, **SPEECH_ON}, headers=headers
        )
        assert configured.status_code == 200, configured.text
        return http.post(f"/console/api/apps/{app_id}/api-keys", headers=headers).json()["token"]


@pytest.fixture(scope="module")
def weir(tmp_path_factory, stubs) -> Iterator[tuple[Client, RequestOption, StubOpenAIServer, StubAudioServer]]:
    chat, speech = stubs
    folder = tmp_path_factory.mktemp("weir-oapi2")
    port = free_port()
    env = weir_env(
        PORT=str(port),
        STORAGE_PATH=str(folder / "storage"),
        HOST="127.0.0.1",
        OPENAI_API_BASE=chat.base_url,
        OPENAI_API_KEY="sk-test",
        OPENAI_MODELS="stub-model",
    )
    log = folder / "api.log"
    process = start(python("-m", "entrypoints.serve"), env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        eventually_sync(serving(base, process), 180, 0.1, "weir to serve /health")
        key = _configure(base, speech)
        client = Client.builder().domain(base).timeout(60).build()
        yield client, RequestOption.builder().api_key(key).build(), chat, speech
        client.close()
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


def test_annotations_and_annotation_reply_through_dify_oapi2(weir):
    client, option, chat, _ = weir
    annotation = client.chat.v1.annotation
    created = annotation.create(
        CreateAnnotationRequest.builder()
        .request_body(CreateAnnotationRequestBody.builder().question("Where is the office?").answer("In Lyon.").build())
        .build(),
        option,
    )
    assert created.success and created.question == "Where is the office?", created.msg

    listed = annotation.list(ListAnnotationsRequest.builder().page(1).limit(20).build(), option)
    assert listed.success and [a.id for a in listed.data] == [created.id] and listed.total == 1

    body = (
        ConfigureAnnotationReplyRequestBody.builder()
        .embedding_provider_name("weir_local")
        .embedding_model_name("all-MiniLM-L6-v2")
        .score_threshold(0.8)
        .build()
    )
    job = annotation.configure(
        ConfigureAnnotationReplyRequest.builder().action("enable").request_body(body).build(), option
    )
    assert job.success and job.job_status == "waiting", job.msg

    def completed():
        try:
            status = annotation.status(
                GetAnnotationReplyStatusRequest.builder().action("enable").job_id(job.job_id).build(), option
            )
        except ValidationError:  # the client's types lack Dify's `processing` (the spec's): the job is not done yet
            return False
        return status.job_status == "completed"

    eventually_sync(completed, 60, 0.1, "annotation reply to be enabled")
    before = len(chat.requests)
    answered = httpx.post(
        f"{client._config.domain}/v1/chat-messages",
        headers={"Authorization": f"Bearer {option.api_key}"},
        json={"query": "Where is the office?", "user": "u1", "inputs": {}, "response_mode": "blocking"},
        timeout=30,
    )
    assert answered.status_code == 200 and answered.json()["answer"] == "In Lyon."
    assert answered.json()["metadata"]["annotation_reply"]["id"] == created.id
    assert len(chat.requests) == before, "the model was called for an annotated question"


def test_audio_through_dify_oapi2(weir):
    client, option, _, speech = weir
    request = (
        AudioToTextRequest.builder()
        .file(io.BytesIO(b"RIFF....WAVEfmt "), "hello.wav")
        .request_body(AudioToTextRequestBody.builder().user("u1").build())
        .build()
    )
    # The client leaves the part's type to httpx, which guesses audio/x-wav: not one of Dify's audio types.
    refused = client.dify.v1.audio.to_text(request, option)
    assert (refused.code, refused.raw.status_code) == ("unsupported_audio_type", 415)
    request.files = {"file": ("hello.wav", io.BytesIO(b"RIFF....WAVEfmt "), "audio/wav")}
    text = client.dify.v1.audio.to_text(request, option)
    assert text.success and text.text == "hello from the audio stub", text.msg

    spoken = client.dify.v1.audio.from_text(
        TextToAudioRequest.builder()
        .request_body(TextToAudioRequestBody.builder().text("Welcome").user("u1").build())
        .build(),
        option,
    )
    assert spoken.raw is not None and spoken.raw.content == b"ID3\x00fake-mp3-frames"
    assert speech.requests[-1]["line"].startswith("POST /v1/audio/speech")
