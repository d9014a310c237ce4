"""The `audio` builtin: tts and asr through the workspace's OpenAI-compatible provider (`/audio/speech`,
`/audio/transcriptions` under its endpoint URL).

Which model: the tool's `model` parameter as `provider/model`, else the workspace's default tts or
speech2text model. Neither configured is a tool error that says so."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import httpx

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from domain.files.ports import FileStorage
from domain.models.catalogue import provider_name
from domain.models.providers import ProviderCredentials
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.entities import ParameterForm, ParameterType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError, ToolParameterError, ToolProviderUnavailable

FORM = ParameterForm.FORM
_MIME = {"mp3": "audio/mpeg", "wav": "audio/wav", "opus": "audio/ogg", "aac": "audio/aac", "flac": "audio/flac"}


class OpenAICompatibleAudio:
    """Speech and transcription over HTTP; transport failures become ToolProviderUnavailable, error statuses
    ToolInvokeError with the provider's message."""

    def __init__(self, timeout: float = 60.0) -> None:
        self._timeout = timeout

    def _headers(self, credentials: ProviderCredentials) -> dict[str, str]:
        return {"Authorization": f"Bearer {credentials.api_key}"} if credentials.api_key else {}

    async def _post(self, credentials: ProviderCredentials, path: str, **kwargs: Any) -> httpx.Response:
        url = credentials.endpoint_url.rstrip("/") + path
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(url, headers=self._headers(credentials), **kwargs)
        except httpx.HTTPError as error:
            raise ToolProviderUnavailable(f"The audio model could not be reached: {error}") from None
        if response.status_code >= 400:
            raise ToolInvokeError(f"The audio model answered {response.status_code}: {response.text[:300]}")
        return response

    async def speech(self, credentials: ProviderCredentials, model: str, text: str, voice: str, fmt: str) -> bytes:
        body = {"model": model, "input": text, "voice": voice, "response_format": fmt}
        return (await self._post(credentials, "/audio/speech", json=body)).content

    async def transcribe(self, credentials: ProviderCredentials, model: str, name: str, data: bytes) -> str:
        response = await self._post(
            credentials, "/audio/transcriptions", data={"model": model}, files={"file": (name, data)}
        )
        try:
            return str(response.json().get("text") or "")
        except ValueError:
            return response.text


def _file_id(value: Any) -> UUID | None:
    if isinstance(value, dict):
        value = value.get("related_id") or value.get("upload_file_id") or value.get("id")
    raw = value
    try:
        return UUID(str(raw)) if raw else None
    except ValueError:
        return None


def audio_provider(uow: UnitOfWorkFactory, storage: FileStorage, audio: OpenAICompatibleAudio) -> BuiltinProvider:
    async def resolve(tenant_id: UUID, named: Any, model_type: str, what: str) -> tuple[ProviderCredentials, str]:
        async with uow() as session:
            if named and "/" in str(named):
                provider, _, model = str(named).rpartition("/")
            else:
                default = next(
                    (d for d in await session.providers.defaults(tenant_id) if d.model_type == model_type), None
                )
                if default is None:
                    raise ToolInvokeError(
                        f"No {what} model is configured: set the workspace's default {model_type} model, or name "
                        "one in the tool's model parameter as provider/model."
                    )
                provider, model = default.provider, default.model
            credentials = await session.providers.get(tenant_id, provider_name(provider))
        if credentials is None:
            raise ToolInvokeError(f"The model provider {provider} of the {what} model is not configured.")
        return credentials, model

    async def tts(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        text = str(parameters.get("text") or "")
        if not text.strip():
            raise ToolParameterError("Tool parameter text is required.", param="text")
        credentials, model = await resolve(invocation.tenant_id, parameters.get("model"), "tts", "text-to-speech")
        fmt = str(parameters.get("format") or "mp3")
        data = await audio.speech(credentials, model, text, str(parameters.get("voice") or "alloy"), fmt)
        return [ToolMessage.of_blob(data, _MIME.get(fmt, "audio/mpeg"), f"speech.{fmt}")]

    async def asr(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        file_id = _file_id(parameters.get("audio_file"))
        if file_id is None:
            raise ToolParameterError("Tool parameter audio_file must be an uploaded audio file.", param="audio_file")
        async with uow() as session:
            upload = await session.uploads.get(file_id)
        if upload is None or upload.tenant_id != invocation.tenant_id:
            raise ToolInvokeError(f"File {file_id} not found.")
        try:
            data = await storage.load(upload.key)
        except FileNotFoundError:
            raise ToolInvokeError(f"File {file_id} not found.") from None
        credentials, model = await resolve(
            invocation.tenant_id, parameters.get("model"), "speech2text", "speech-to-text"
        )
        return [ToolMessage.of_text(await audio.transcribe(credentials, model, upload.name, data))]

    return BuiltinProvider(
        ToolProviderInfo(
            id="audio",
            type="builtin",
            name="audio",
            label="Audio",
            plugin_id="langgenius/audio",
            description="A tool for tts and asr.",
        ),
        [
            BuiltinTool(
                Tool(
                    "tts",
                    "Text To Speech",
                    "Turns text into speech.",
                    (
                        param("text", required=True, description="The text to speak"),
                        param("model", form=FORM, description="provider/model (default: the workspace's tts model)"),
                        param("voice", form=FORM, default="alloy", description="The voice"),
                        param("format", ParameterType.SELECT, form=FORM, default="mp3", options=tuple(_MIME)),
                    ),
                ),
                tts,
            ),
            BuiltinTool(
                Tool(
                    "asr",
                    "Speech To Text",
                    "Transcribes an audio file.",
                    (
                        param("audio_file", ParameterType.FILE, required=True, description="The audio file"),
                        param(
                            "model",
                            form=FORM,
                            description="provider/model (default: the workspace's speech2text model)",
                        ),
                    ),
                ),
                asr,
            ),
        ],
    )
