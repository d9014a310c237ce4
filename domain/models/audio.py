"""Speech models: transcribing audio (speech2text) and voicing text (tts), and the errors of both.

The ports are shared: the Service API's audio routes use them, and so may a workflow's audio tool."""

from collections.abc import AsyncIterator
from typing import Protocol

from domain.models.providers import ProviderCredentials
from domain.shared.errors import DomainError, InvalidParam

MAX_AUDIO_BYTES = 30 * 1024 * 1024  # Dify's limit on an uploaded audio file
AUDIO_TYPES = ("audio/mp3", "audio/m4a", "audio/wav", "audio/amr", "audio/mpga")  # what Dify accepts


class SpeechToText(Protocol):
    """One speech-to-text model. Contract: `transcribe` returns the audio's text.
    Errors: CompletionRequestError (the provider refused or failed), RateLimitError, ProviderQuotaExceeded."""

    async def transcribe(self, audio: bytes, filename: str, mime_type: str) -> str: ...


class TextToSpeech(Protocol):
    """One text-to-speech model. Contract: `speak` yields the audio (mp3) in chunks as the provider sends them;
    the first chunk comes only once the provider accepted the request. Errors as SpeechToText's, raised from
    the iteration."""

    def speak(self, text: str, voice: str) -> AsyncIterator[bytes]: ...


class AudioModelFactory(Protocol):
    """Builds the speech models of a provider's credentials (an OpenAI-compatible `/audio/...` endpoint)."""

    def speech_to_text(self, credentials: ProviderCredentials, model: str) -> SpeechToText: ...

    def text_to_speech(self, credentials: ProviderCredentials, model: str) -> TextToSpeech: ...


class ProviderNotSupportSpeechToText(DomainError):
    default_message = "Provider not support speech to text."


class ProviderNotSupportTextToSpeech(DomainError):
    default_message = "Provider not support text to speech."


class SpeechToTextDisabled(DomainError):
    default_message = "Speech to text is disabled."


class NoAudioUploaded(DomainError):
    default_message = "Please upload your audio."


class AudioTooLarge(DomainError):
    default_message = f"Audio size larger than {MAX_AUDIO_BYTES // (1024 * 1024)} mb"


class UnsupportedAudioType(DomainError):
    default_message = "Audio type not allowed."


class TextToSpeechDisabled(InvalidParam):
    def __init__(self) -> None:
        super().__init__("TTS is not enabled")
