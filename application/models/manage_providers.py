"""A workspace's provider credentials and default models, as the console manages them."""

from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from domain.models.catalogue import provider_name, provider_spec
from domain.models.entities import ChatMessage, ChatRequest
from domain.models.errors import ModelProviderError
from domain.models.ports import ChatModelFactory, ProviderKeyCheck
from domain.models.provider_keys import (
    as_spare,
    checked_name,
    credential_named,
    next_name,
    shown_name,
    switched,
    with_spare,
    without_key,
)
from domain.models.providers import (
    DefaultModel,
    ModelEntry,
    ProviderCredentials,
    endpoint_form,
    model_entry_from_form,
    parse_credentials,
    with_model,
    without_model,
)
from domain.models.specs import ModelType, ProviderSpec
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory

MODEL_TYPES = tuple(t.value for t in ModelType)


def _chosen(existing: ProviderCredentials | None, given: str | None) -> ProviderCredentials | None:
    """The credential an id names (the one in use without an id); an id naming none of the provider's is refused
    as Dify does."""
    if not given:
        return existing
    if existing is None:
        raise NotFound("Credential record not found.")
    return credential_named(existing, given)


def _holds_key(credentials: ProviderCredentials | None) -> bool:
    """Whether a credential is in use (a row may hold only models added with their own endpoint form)."""
    return credentials is not None and bool(credentials.api_key or credentials.settings)


class SaveProviderCredentials:
    """Stores a workspace's credentials for any catalogue provider (named by plugin id or bare name);
    secrets are encrypted by the repository and shown masked. A masked secret in the body keeps the
    stored one (Dify's rule). A new key is first shown to the provider (its free model list): one it refuses
    is not stored (Dify refuses a bad key too; it asks with a chat completion).

    As in Dify ≥ 1.8 a provider keeps several credentials: `add` (the console's "Add API Key") with a key other
    than the one in use makes the new one used and keeps the one before beside it (the console switches back by
    id); the same or a masked key edits the one in use; `credential` names the one an edit changes; names are
    unique within the provider."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, key_check: ProviderKeyCheck | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._key_check = key_check

    async def execute(
        self,
        tenant_id: UUID,
        provider: str,
        credentials: dict[str, Any],
        credential: str | None = None,
        name: str | None = None,
        add: bool = False,
    ) -> ProviderCredentials:
        if not isinstance(credentials, dict):
            raise InvalidParam("credentials must be an object", param="credentials")
        spec = provider_spec(provider)
        async with self._uow() as uow:
            existing = await uow.providers.get(tenant_id, spec.name)
        # What a masked secret keeps and a new key is compared with: the credential edited.
        base = _chosen(existing, credential)
        editing_spare = base is not existing
        parsed = parse_credentials(tenant_id, spec.name, credentials, base, self._clock.now())
        adding = (add and not credential and _holds_key(existing) and parsed.api_key is not None
                  and parsed.api_key != existing.api_key)
        new_key = parsed.api_key and (base is None or base.api_key != parsed.api_key
                                      or base.endpoint_url != parsed.endpoint_url)
        if self._key_check is not None and new_key:  # asked outside the transaction: a provider may be slow
            refusal = await self._key_check.refusal(parsed)
            if refusal is not None:
                raise InvalidParam(f"Credentials validation failed: {refusal}", param="credentials")
        if existing is not None and adding:
            before = as_spare(existing, existing.credential_id, shown_name(existing))
            stored = replace(parsed, key_id=str(self._ids.new_id()), spares=(before, *existing.spares),
                             name=checked_name(existing, name) if name is not None else next_name(existing))
        elif existing is not None and editing_spare:
            key_name = checked_name(existing, name, keeping=credential) if name is not None else base.name
            stored = with_spare(existing, as_spare(parsed, credential, key_name))
        else:
            stored = parsed
            if name is not None:
                stored = replace(stored, name=checked_name(existing, name, keeping=stored.credential_id))
        async with self._uow() as uow:
            await uow.providers.save(stored)
            await uow.commit()
        return stored


class GetProviderCredentials:
    """The workspace's credentials for a provider (its form shows the secrets masked), or None; with a
    credential id, that credential (a spare one seen as the provider's)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, tenant_id: UUID, provider: str, credential: str | None = None
    ) -> ProviderCredentials | None:
        spec = provider_spec(provider)
        async with self._uow() as uow:
            existing = await uow.providers.get(tenant_id, spec.name)
        return _chosen(existing, credential)


class SwitchProviderCredential:
    """Dify's credential switch: calls use the named credential from now on; the one used before is kept."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider: str, credential: str | None) -> None:
        spec = provider_spec(provider)
        async with self._uow() as uow:
            existing = await uow.providers.get(tenant_id, spec.name)
            if existing is None or not credential:
                raise NotFound("Credential record not found.")
            chosen = switched(existing, credential)
            if chosen is not existing:
                await uow.providers.save(chosen)
                await uow.commit()


@dataclass(frozen=True, slots=True)
class ModelCredentials:
    spec: ProviderSpec
    credentials: ProviderCredentials | None
    entry: ModelEntry | None


class GetModelCredentials:
    """A configured model of a provider with the credentials serving it (both None when not configured)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider: str, model: str, model_type: str) -> ModelCredentials:
        spec = provider_spec(provider)
        async with self._uow() as uow:
            credentials = await uow.providers.get(tenant_id, spec.name)
        entry = credentials.configured(model) if credentials else None
        if entry is None or entry.model_type != model_type:
            return ModelCredentials(spec, None, None)
        return ModelCredentials(spec, credentials, entry)


class DeleteProviderCredentials:
    """Removes a credential of a provider (named by id; the one in use gives way to a spare one), or, when
    none is named or none is left, the provider's credentials and the default models that named it (they
    could no longer be served)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider: str, credential: str | None = None) -> None:
        spec = provider_spec(provider)
        async with self._uow() as uow:
            existing = await uow.providers.get(tenant_id, spec.name)
            _chosen(existing, credential)  # refuses an id naming none of the provider's keys
            left = without_key(existing, credential) if existing is not None and credential else None
            if left is not None:  # another credential of the provider stays: only the named one goes
                await uow.providers.save(left)
                await uow.commit()
                return
            await uow.providers.delete(tenant_id, spec.name)
            for default in await uow.providers.defaults(tenant_id):
                if provider_name(default.provider) == spec.name:
                    await uow.providers.delete_default(tenant_id, default.model_type)
            await uow.commit()


class ValidateProviderCredentials:
    """Checks a credentials body as Dify's `credentials/validate` does: the form, then one tiny call to
    the provider with a model it serves. Returns None when valid, else the reason."""

    def __init__(self, uow: UnitOfWorkFactory, factory: ChatModelFactory, clock: Clock) -> None:
        self._uow = uow
        self._factory = factory
        self._clock = clock

    async def execute(
        self, tenant_id: UUID, provider: str, credentials: dict[str, Any], model: str | None = None
    ) -> str | None:
        spec = provider_spec(provider)
        if not isinstance(credentials, dict):
            return "credentials must be an object"
        async with self._uow() as uow:
            existing = await uow.providers.get(tenant_id, spec.name)
        try:
            parsed = parse_credentials(tenant_id, spec.name, credentials, existing, self._clock.now())
        except InvalidParam as error:
            return error.message
        probe = model or _probe_model(spec, parsed)
        if probe is None:  # nothing to ask the provider about: the form is all there is to check
            return None
        if model is not None and spec.remote_name_field and credentials.get(spec.remote_name_field):
            parsed = with_model(parsed, model_entry_from_form(spec, model, "llm", credentials))
        request = ChatRequest(model=probe, messages=(ChatMessage.user("ping"),), params={"max_tokens": 1})
        try:
            async for _ in self._factory.for_credentials(parsed).stream(request):
                pass
        except ModelProviderError as error:
            return error.message
        return None


def _probe_model(spec: ProviderSpec, credentials: ProviderCredentials) -> str | None:
    llms = [m.name for m in credentials.models if m.model_type == "llm"]  # a chat probe: never a reranker
    predefined = [m.name for m in spec.models if m.model_type is ModelType.LLM]
    return credentials.settings.get("validate_model") or next(iter(llms + predefined), None)


class SaveModelCredentials:
    """Adds (or replaces) a model with its own credentials, as Dify's console does for customizable
    providers (OpenAI-API-compatible, Ollama, Azure OpenAI …). weir keeps one endpoint per provider: the
    model's endpoint fields become the provider's, its limits (context size, max tokens, the name it has
    at the provider) the model's."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, validate: ValidateProviderCredentials | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._validate = validate

    async def execute(
        self, tenant_id: UUID, provider: str, model: str, model_type: str, credentials: dict[str, Any]
    ) -> ProviderCredentials:
        spec = provider_spec(provider)
        if not model:
            raise InvalidParam("model is required", param="model")
        if model_type not in MODEL_TYPES:
            raise InvalidParam(f"model_type must be one of {', '.join(MODEL_TYPES)}", param="model_type")
        if not isinstance(credentials, dict):
            raise InvalidParam("credentials must be an object", param="credentials")
        # Dify tries the credentials before it keeps them: a model whose endpoint refuses is not added.
        # weir has one endpoint per provider, so storing a bad one would also break the models that worked.
        # Only a chat model can be probed (the probe is one tiny chat completion).
        if self._validate is not None and model_type == ModelType.LLM.value:
            error = await self._validate.execute(tenant_id, provider, credentials, model)
            if error is not None:
                raise InvalidParam(f"Credentials validation failed: {error}", param="credentials")
        entry = model_entry_from_form(spec, model, model_type, credentials)
        async with self._uow() as uow:
            existing = await uow.providers.get(tenant_id, spec.name)
            body = _stored_form(spec, existing) | endpoint_form(credentials)
            parsed = parse_credentials(tenant_id, spec.name, body, existing, self._clock.now())
            parsed = with_model(parsed, entry)
            await uow.providers.save(parsed)
            await uow.commit()
        return parsed


def _stored_form(spec: ProviderSpec, existing: ProviderCredentials | None) -> dict[str, Any]:
    """The stored credentials as a body parse_credentials reads back unchanged (the key in clear)."""
    if existing is None:
        return {}
    body: dict[str, Any] = dict(existing.settings)
    if existing.api_key:
        body[spec.key_fields[0]] = existing.api_key
    return body


class DeleteModel:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, tenant_id: UUID, provider: str, model: str, model_type: str | None = None) -> None:
        spec = provider_spec(provider)
        async with self._uow() as uow:
            existing = await uow.providers.get(tenant_id, spec.name)
            if existing is None or not any(m.name == model for m in existing.models):
                raise NotFound(f"Model {model} is not configured for {spec.label}.")
            await uow.providers.save(without_model(existing, model, model_type))
            await uow.commit()


class SetDefaultModels:
    """Sets the workspace's default model per type; an entry without a provider is skipped, as in Dify."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, settings: list[dict[str, Any]]) -> None:
        if not isinstance(settings, list):
            raise InvalidParam("model_settings must be a list", param="model_settings")
        defaults = []
        for item in settings:
            if not isinstance(item, dict) or item.get("model_type") not in MODEL_TYPES:
                raise InvalidParam(f"model_type must be one of {', '.join(MODEL_TYPES)}", param="model_settings")
            if not item.get("provider"):
                continue
            if not item.get("model"):
                raise InvalidParam("provider and model are required", param="model_settings")
            spec = provider_spec(str(item["provider"]))
            defaults.append(DefaultModel(item["model_type"], spec.name, str(item["model"])))
        async with self._uow() as uow:
            for default in defaults:
                await uow.providers.save_default(tenant_id, default)
            await uow.commit()
