from application.apps.describe_parameters import DescribeParameters
from application.audio.audio_models import AudioModels
from domain.apps.entities import App
from domain.models.audio import (
    AUDIO_TYPES,
    MAX_AUDIO_BYTES,
    AudioTooLarge,
    NoAudioUploaded,
    SpeechToTextDisabled,
    UnsupportedAudioType,
)


class TranscribeAudio:
    """POST /v1/audio-to-text. Rules (Dify's): the app's speech_to_text feature must be on; a file is required,
    of one of Dify's audio types (audio/mp3, m4a, wav, amr, mpga) and at most 30 MB; the workspace's
    speech2text model transcribes it."""

    def __init__(self, describe: DescribeParameters, models: AudioModels) -> None:
        self._describe = describe
        self._models = models

    async def execute(self, app: App, filename: str, mime_type: str | None, data: bytes | None) -> str:
        config = (await self._describe.execute(app)).config
        if config is None or not config.feature_enabled("speech_to_text"):
            raise SpeechToTextDisabled()
        if data is None:
            raise NoAudioUploaded()
        if (mime_type or "").lower() not in AUDIO_TYPES:
            raise UnsupportedAudioType()
        if len(data) > MAX_AUDIO_BYTES:
            raise AudioTooLarge()
        model = await self._models.speech_to_text(app.tenant_id)
        return await model.transcribe(data, filename, mime_type or "")
