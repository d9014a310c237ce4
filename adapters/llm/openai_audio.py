"""Speech models over an OpenAI-compatible API: `POST {base}/audio/transcriptions` (multipart `file`, `model`;
answers `{"text": …}`) and `POST {base}/audio/speech` (`{model, input, voice, response_format}`; answers the
audio bytes, streamed)."""

from collections.abc import AsyncIterator, Mapping

import httpx

from adapters.llm.openai_wire import error_details
from domain.models.errors import CompletionRequestError, ProviderQuotaExceeded, RateLimitError
from domain.models.providers import ProviderCredentials

TIMEOUT = httpx.Timeout(120.0, connect=10.0)


def _failure(status: int, body: bytes) -> Exception:
    message = error_details(body)[0] if body else ""
    if status == 429:
        return RateLimitError(message or None)
    if status in (401, 402, 403) and "quota" in message.lower():
        return ProviderQuotaExceeded()
    return CompletionRequestError(message or f"The speech provider answered HTTP {status}.")


class _Audio:
    def __init__(self, base_url: str, api_key: str | None, model: str, client: httpx.AsyncClient) -> None:
        self._base = base_url.rstrip("/")
        self._headers: Mapping[str, str] = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._model = model
        self._client = client


class OpenAICompatibleSpeechToText(_Audio):
    async def transcribe(self, audio: bytes, filename: str, mime_type: str) -> str:
        try:
            response = await self._client.post(
                f"{self._base}/audio/transcriptions",
                headers=self._headers,
                timeout=TIMEOUT,
                data={"model": self._model},
                files={"file": (filename or "audio", audio, mime_type)},
            )
        except httpx.HTTPError as error:
            raise CompletionRequestError(f"The speech provider could not be reached: {error}") from error
        if response.status_code >= 400:
            raise _failure(response.status_code, response.content)
        try:
            return str(response.json()["text"])
        except (ValueError, KeyError, TypeError) as error:
            raise CompletionRequestError("The speech provider's answer has no text.") from error


class OpenAICompatibleTextToSpeech(_Audio):
    async def speak(self, text: str, voice: str) -> AsyncIterator[bytes]:
        body = {"model": self._model, "input": text, "voice": voice, "response_format": "mp3"}
        try:
            async with self._client.stream(
                "POST", f"{self._base}/audio/speech", headers=self._headers, json=body, timeout=TIMEOUT
            ) as response:
                if response.status_code >= 400:
                    raise _failure(response.status_code, await response.aread())
                async for chunk in response.aiter_bytes():
                    if chunk:
                        yield chunk
        except httpx.HTTPError as error:
            raise CompletionRequestError(f"The speech provider failed: {error}") from error


class OpenAIAudioModelFactory:
    """One HTTP client for every speech model; closed with the container."""

    def __init__(self, client: httpx.AsyncClient | None = None) -> None:
        self._client = client or httpx.AsyncClient()

    def speech_to_text(self, credentials: ProviderCredentials, model: str) -> OpenAICompatibleSpeechToText:
        return OpenAICompatibleSpeechToText(credentials.endpoint_url, credentials.api_key, model, self._client)

    def text_to_speech(self, credentials: ProviderCredentials, model: str) -> OpenAICompatibleTextToSpeech:
        return OpenAICompatibleTextToSpeech(credentials.endpoint_url, credentials.api_key, model, self._client)

    async def aclose(self) -> None:
        await self._client.aclose()
