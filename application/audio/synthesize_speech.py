from collections.abc import AsyncIterator
from uuid import UUID

from application.apps.describe_parameters import DescribeParameters
from application.audio.audio_models import AudioModels
from domain.apps.entities import App
from domain.conversations.errors import MessageNotFound
from domain.models.audio import TextToSpeechDisabled
from domain.shared.errors import InvalidParam
from domain.shared.unit_of_work import UnitOfWorkFactory

DEFAULT_VOICE = "alloy"  # OpenAI's first voice, when neither the request nor the app names one
MAX_TEXT = 4096  # characters OpenAI's /audio/speech takes at most


class SynthesizeSpeech:
    """POST /v1/text-to-audio. Rules (Dify's): the app's text_to_speech feature must be on ("TTS is not
    enabled"); `message_id` (the app's message, its answer voiced) wins over `text`; one of them is required;
    the voice is the request's, else the feature's, else the model's default; the audio streams from the
    workspace's tts model, and nothing is answered before the provider accepted the request (its refusal is
    an error response, not a broken stream)."""

    def __init__(self, uow: UnitOfWorkFactory, describe: DescribeParameters, models: AudioModels) -> None:
        self._uow = uow
        self._describe = describe
        self._models = models

    async def execute(
        self, app: App, text: str | None, message_id: UUID | None, voice: str | None
    ) -> AsyncIterator[bytes]:
        config = (await self._describe.execute(app)).config
        if config is None or not config.feature_enabled("text_to_speech"):
            raise TextToSpeechDisabled()
        if message_id is not None:
            async with self._uow() as uow:
                message = await uow.messages.get(message_id)
            if message is None or message.app_id != app.id:
                raise MessageNotFound()
            text = message.answer
        if not text or not text.strip():
            raise InvalidParam("Text is required", param="text")
        voice = voice or str(config.feature("text_to_speech").get("voice") or "") or DEFAULT_VOICE
        model = await self._models.text_to_speech(app.tenant_id)
        chunks = model.speak(text[:MAX_TEXT], voice)
        first = await anext(chunks, b"")
        return _then(first, chunks)


async def _then(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if first:
        yield first
    async for chunk in rest:
        yield chunk
