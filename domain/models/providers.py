"""A workspace's model providers: its credentials for a catalogue provider, the models it configured, at
what price, and the credential forms shown back with the secrets masked."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from domain.models.catalogue import provider_spec
from domain.models.pricing import ModelPrice
from domain.models.specs import GENERIC_KEY_FIELD, HIDDEN_VALUE, ProviderSpec
from domain.shared.errors import InvalidParam

OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_CONTEXT_SIZE = 16384

EMBEDDING_MODES = ("embedding", "text-embedding")
RERANK_MODE = "rerank"  # a model served by the provider's `/rerank` (Cohere / Jina style)
AUDIO_MODES = ("speech2text", "tts")  # models served by the provider's `/audio/transcriptions`, `/audio/speech`
# Keys of a credentials body that are not credential form values.
_NOT_FORM_VALUES = frozenset({"models", "__model_name", "__model_type"})
# Stable credential ids: a workspace keeps one credential per provider, so its id is derived, not stored.
_CREDENTIAL_NAMESPACE = uuid.UUID("7f3c2a1e-5b8d-4c6f-9e0a-1d2b3c4d5e6f")


@dataclass(frozen=True, slots=True)
class ModelEntry:
    name: str
    mode: str = "chat"  # "chat", "completion", "embedding" for a text-embedding model, "rerank", "speech2text", "tts"
    context_size: int = DEFAULT_CONTEXT_SIZE
    price: ModelPrice | None = None
    dimension: int | None = None  # embedding models only; learnt from the first answer when not given
    remote_name: str | None = None  # the name sent to the provider when it differs (an endpoint id, a model uid)
    max_tokens: int | None = None
    features: tuple[str, ...] = ()  # Dify's model features a customizable model was added with ("vision", …)

    @property
    def is_embedding(self) -> bool:
        return self.mode in EMBEDDING_MODES

    @property
    def is_rerank(self) -> bool:
        return self.mode == RERANK_MODE

    @property
    def model_type(self) -> str:
        if self.is_rerank:
            return "rerank"
        if self.mode in AUDIO_MODES:
            return self.mode
        return "text-embedding" if self.is_embedding else "llm"


@dataclass(frozen=True, slots=True)
class SpareKey:
    """A credential a workspace keeps for a provider beside the one in use (Dify's list of a provider's
    credentials): calls never use it until the console switches to it."""

    id: str
    name: str
    endpoint_url: str
    api_key: str | None = None
    settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProviderCredentials:
    """A workspace's credentials for one provider: the one in use, and the spare ones kept beside it.

    `provider` is the catalogue's bare name. `endpoint_url` is where calls go (the override or the
    provider's default), `api_key` the secret sent with them (encrypted at rest). `settings` keeps the
    other form values as given, with Dify's field names.
    """

    tenant_id: UUID | None
    provider: str
    endpoint_url: str
    api_key: str | None = None
    models: tuple[ModelEntry, ...] = ()
    updated_at: datetime | None = None
    settings: Mapping[str, str] = field(default_factory=dict)
    name: str = ""
    key_id: str = ""  # the id of the credential in use; empty for one stored before there could be several
    spares: tuple[SpareKey, ...] = ()

    def configured(self, name: str) -> ModelEntry | None:
        return next((m for m in self.models if m.name == name), None)

    def model(self, name: str) -> ModelEntry:
        """The configured entry, else the catalogue's limits for a predefined model, else defaults: an
        endpoint may serve models not listed."""
        found = self.configured(name)
        if found is not None:
            return found
        predefined = _spec_or_none(self.provider)
        known = predefined.predefined(name) if predefined else None
        if known is None:
            return ModelEntry(name=name)
        return ModelEntry(name, known.mode, known.context_size, max_tokens=known.max_tokens)

    def setting(self, name: str) -> str | None:
        """A form value, else the catalogue field's default."""
        if self.settings.get(name):
            return self.settings[name]
        spec = _spec_or_none(self.provider)
        found = spec.field(name) if spec else None
        return found.default if found else None

    def masked_key(self) -> str | None:
        return mask(self.api_key)

    @property
    def credential_id(self) -> str:
        return self.key_id or credential_id(self.tenant_id, self.provider)

    def form(self) -> dict[str, Any]:
        """The credential form as Dify's console shows it: the values given, the key masked."""
        spec = _spec_or_none(self.provider)
        values: dict[str, Any] = dict(self.settings)
        if self.api_key:
            values[spec.key_fields[0] if spec else GENERIC_KEY_FIELD] = self.masked_key()
        return values


def mask(secret: str | None) -> str | None:
    """Dify's obfuscation: the first six and last two characters of a long secret, stars otherwise."""
    if not secret:
        return None
    return secret[:6] + "*" * 12 + secret[-2:] if len(secret) > 8 else "*" * len(secret)


def credential_id(tenant_id: UUID | None, provider: str) -> str:
    return str(uuid.uuid5(_CREDENTIAL_NAMESPACE, f"{tenant_id}:{provider}"))


def _spec_or_none(provider: str) -> ProviderSpec | None:
    try:
        return provider_spec(provider)
    except InvalidParam:
        return None


def _is_masked(value: Any) -> bool:
    return isinstance(value, str) and (value == HIDDEN_VALUE or "*" in value)


def _price(entry: dict[str, Any]) -> ModelPrice | None:
    pricing = entry.get("pricing") or {}
    if not pricing:
        return None
    try:
        return ModelPrice(
            input=Decimal(str(pricing.get("input", "0"))),
            output=Decimal(str(pricing.get("output", "0"))),
            unit=Decimal(str(pricing.get("unit", "0.001"))),
            currency=str(pricing.get("currency", "USD")),
        )
    except (InvalidOperation, ValueError) as error:
        raise InvalidParam(f"invalid pricing for model {entry.get('name')}: {error}", param="credentials") from None


def parse_model_entry(entry: Any) -> ModelEntry:
    if isinstance(entry, str):
        entry = {"name": entry}
    if not isinstance(entry, dict) or not entry.get("name"):
        raise InvalidParam("each model needs a name", param="models")
    context = entry.get("context_size", DEFAULT_CONTEXT_SIZE)
    if isinstance(context, str) and context.strip().isdigit():
        context = int(context)
    if not isinstance(context, int) or isinstance(context, bool) or context < 256:
        raise InvalidParam("context_size must be an integer of at least 256", param="models")
    dimension = entry.get("dimension")
    if dimension is not None and (not isinstance(dimension, int) or dimension < 1):
        raise InvalidParam("dimension must be a positive integer", param="models")
    max_tokens = entry.get("max_tokens")
    if isinstance(max_tokens, str) and max_tokens.strip().isdigit():
        max_tokens = int(max_tokens)
    if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 1):
        raise InvalidParam("max_tokens must be a positive integer", param="models")
    remote = entry.get("remote_name")
    features = entry.get("features") or ()
    if not isinstance(features, list | tuple) or not all(f in MODEL_FEATURES for f in features):
        raise InvalidParam(f"features must be among {', '.join(MODEL_FEATURES)}", param="models")
    return ModelEntry(
        str(entry["name"]), str(entry.get("mode", "chat")), context, _price(entry), dimension,
        str(remote) if remote else None, max_tokens, tuple(features),
    )


def parse_credentials(
    tenant_id: UUID, provider: str, credentials: dict[str, Any], existing: ProviderCredentials | None, at: datetime
) -> ProviderCredentials:
    """Validates a console credentials body for any catalogue provider, named by plugin id or bare name.

    The body uses the provider's Dify field names (`openai_api_key`, `anthropic_api_url` …) or weir's
    generic `api_key` / `endpoint_url`. A masked secret (one containing `*`, or Dify's `[__HIDDEN__]`)
    keeps the stored one. `models` lists the workspace's models; without it the stored list stays.
    """
    spec = provider_spec(provider)
    if not isinstance(credentials, dict):
        raise InvalidParam("credentials must be an object", param="credentials")
    given = {k: v for k, v in credentials.items() if k not in _NOT_FORM_VALUES and v is not None}
    for name, value in given.items():
        if isinstance(value, dict | list):
            raise InvalidParam(f"{name} must be a plain value", param=name)

    key_field = next((f for f in (*spec.key_fields, GENERIC_KEY_FIELD) if given.get(f)), None)
    api_key = given.get(key_field) if key_field else None
    if _is_masked(api_key):
        api_key = existing.api_key if existing else None
    if spec.key_required and not api_key:
        raise InvalidParam(f"{spec.key_fields[0]} is required for {spec.label}", param=spec.key_fields[0])

    settings = {}
    for name, value in given.items():
        # The key is kept apart (encrypted at rest); another secret field is one weir does not use (the
        # catalogue offers none), and a secret is never kept in clear.
        if spec.is_secret(name):
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if text != "":
            settings[name] = text

    values = spec.with_defaults(settings)
    _check_form(spec, values)
    endpoint = spec.endpoint(values)

    if "models" in credentials:
        models = tuple(parse_model_entry(entry) for entry in credentials.get("models") or [])
    else:
        models = existing.models if existing else ()
    return ProviderCredentials(
        tenant_id=tenant_id, provider=spec.name, endpoint_url=endpoint.rstrip("/"),
        api_key=str(api_key) if api_key else None, models=models, updated_at=at,
        settings=settings, name=existing.name if existing else "",
        key_id=existing.key_id if existing else "", spares=existing.spares if existing else (),
    )


def _check_form(spec: ProviderSpec, values: Mapping[str, object]) -> None:
    """Closed choices must be among the field's options; the provider form's required fields must be given."""
    for form_field in spec.fields:
        value = values.get(form_field.variable)
        if form_field.closed and value not in (None, "") and str(value) not in form_field.options:
            choices = ", ".join(form_field.options)
            raise InvalidParam(f"{form_field.variable} must be one of {choices}", param=form_field.variable)
    for form_field in spec.provider_form:
        missing = form_field.required and values.get(form_field.variable) in (None, "")
        # The key has its own check, which names it first.
        if missing and form_field.applies(values) and form_field.variable not in spec.key_fields:
            raise InvalidParam(f"{form_field.variable} is required for {spec.label}", param=form_field.variable)


def with_model(credentials: ProviderCredentials, entry: ModelEntry) -> ProviderCredentials:
    """The credentials with `entry` added, or replacing the entry of the same name and type."""
    kept = tuple(m for m in credentials.models if not (m.name == entry.name and m.model_type == entry.model_type))
    return replace(credentials, models=(*kept, entry))


def without_model(credentials: ProviderCredentials, name: str, model_type: str | None = None) -> ProviderCredentials:
    kept = tuple(m for m in credentials.models if not (m.name == name and model_type in (None, m.model_type)))
    return replace(credentials, models=kept)


def model_entry_from_form(spec: ProviderSpec, model: str, model_type: str, form: Mapping[str, Any]) -> ModelEntry:
    """A model added with its own credentials (Dify's customizable models): its limits from the form."""
    modes = {"text-embedding": "embedding", "rerank": RERANK_MODE, "speech2text": "speech2text", "tts": "tts"}
    entry: dict[str, Any] = {"name": model, "mode": modes.get(model_type, "chat")}
    if form.get("mode") == "completion" and model_type == "llm":
        entry["mode"] = "completion"
    for name in ("context_size", "context_length"):
        if str(form.get(name) or "").strip():
            entry["context_size"] = str(form[name]).strip()
            break
    for name in ("max_tokens", "max_tokens_to_sample"):
        if str(form.get(name) or "").strip():
            entry["max_tokens"] = str(form[name]).strip()
            break
    if spec.remote_name_field and form.get(spec.remote_name_field):
        entry["remote_name"] = str(form[spec.remote_name_field])
    if model_type == "llm":
        entry["features"] = list(form_features(form))
    return parse_model_entry(entry)


# The features Dify's model forms can give a customizable model, as its model list names them.
MODEL_FEATURES = ("vision", "tool-call", "multi-tool-call", "stream-tool-call")


def form_features(form: Mapping[str, Any]) -> tuple[str, ...]:
    """What a customizable LLM's form says it supports: vision ("Vision support"), tool calls ("Function
    calling" tool_call or function_call, "Function call support")."""
    features: list[str] = []
    if str(form.get("vision_support") or "").lower() in ("support", "true"):
        features.append("vision")
    calling = str(form.get("function_calling_type") or "").lower()
    if calling == "tool_call":
        features += ["tool-call", "multi-tool-call", "stream-tool-call"]
    elif calling == "function_call" or str(form.get("function_call_support") or "").lower() == "true":
        features.append("tool-call")
    return tuple(features)


# Model-level form values that describe the model rather than the endpoint: kept out of the provider's.
MODEL_ONLY_FIELDS = frozenset({
    "context_size", "context_length", "max_tokens", "max_tokens_to_sample", "mode", "endpoint_id", "model_uid",
    "endpoint_model_name", "base_model_name", "display_name", "vision_support", "function_call_support",
    "function_calling_type", "completion_type",
})


def endpoint_form(form: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in form.items() if k not in MODEL_ONLY_FIELDS}


@dataclass(frozen=True, slots=True)
class DefaultModel:
    model_type: str
    provider: str
    model: str


@dataclass(frozen=True, slots=True)
class ProviderSetup:
    """Everything the workspace has configured, plus the instance-wide fallback from the environment."""

    providers: tuple[ProviderCredentials, ...] = ()
    defaults: tuple[DefaultModel, ...] = ()
    fallback: ProviderCredentials | None = None

    def credentials_for(self, provider: str) -> ProviderCredentials | None:
        found = next((p for p in self.providers if p.provider == provider), None)
        if found is None and self.fallback is not None and self.fallback.provider == provider:
            return self.fallback
        return found

    def default_llm(self) -> DefaultModel | None:
        return next((d for d in self.defaults if d.model_type == "llm"), None)


def instance_fallback(base_url: str, api_key: str, models: str) -> ProviderCredentials | None:
    """OPENAI_API_BASE / OPENAI_API_KEY as an `openai` provider every workspace may fall back to; `models` is
    a comma-separated list (the first is the default of apps without a model config). Neither set: None."""
    if not base_url and not api_key:
        return None
    names = [name.strip() for name in models.split(",") if name.strip()]
    return ProviderCredentials(
        tenant_id=None,
        provider="openai",
        endpoint_url=(base_url or OPENAI_BASE_URL).rstrip("/"),
        api_key=api_key or None,
        models=tuple(ModelEntry(name) for name in names),
    )

