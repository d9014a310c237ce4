from uuid import UUID

from domain.models.audio import (
    AudioModelFactory,
    ProviderNotSupportSpeechToText,
    ProviderNotSupportTextToSpeech,
    SpeechToText,
    TextToSpeech,
)
from domain.models.catalogue import same_provider
from domain.models.providers import ProviderCredentials
from domain.shared.unit_of_work import UnitOfWorkFactory


class AudioModels:
    """The workspace's speech models: its default model of the type (console: system model settings), else the
    first model of that type a configured provider lists; none is the provider_not_support_… error."""

    def __init__(self, uow: UnitOfWorkFactory, factory: AudioModelFactory) -> None:
        self._uow = uow
        self._factory = factory

    async def speech_to_text(self, tenant_id: UUID) -> SpeechToText:
        found = await self._find(tenant_id, "speech2text")
        if found is None:
            raise ProviderNotSupportSpeechToText()
        return self._factory.speech_to_text(*found)

    async def text_to_speech(self, tenant_id: UUID) -> TextToSpeech:
        found = await self._find(tenant_id, "tts")
        if found is None:
            raise ProviderNotSupportTextToSpeech()
        return self._factory.text_to_speech(*found)

    async def _find(self, tenant_id: UUID, model_type: str) -> tuple[ProviderCredentials, str] | None:
        async with self._uow() as uow:
            defaults = await uow.providers.defaults(tenant_id)
            providers = await uow.providers.for_tenant(tenant_id)
        default = next((d for d in defaults if d.model_type == model_type), None)
        if default is not None:
            for credentials in providers:
                if same_provider(credentials.provider, default.provider):
                    entry = credentials.configured(default.model)
                    return credentials, entry.remote_name or entry.name if entry else default.model
        for credentials in providers:
            entry = next((m for m in credentials.models if m.model_type == model_type), None)
            if entry is not None:
                return credentials, entry.remote_name or entry.name
        return None
