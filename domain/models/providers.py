"""A workspace's model providers: which OpenAI-compatible endpoint serves which models, at what price."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from domain.models.pricing import ModelPrice
from domain.shared.errors import InvalidParam

PROVIDERS = ("openai", "openai_api_compatible")
OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_CONTEXT_SIZE = 16384


EMBEDDING_MODES = ("embedding", "text-embedding")


@dataclass(frozen=True, slots=True)
class ModelEntry:
    name: str
    mode: str = "chat"  # "chat", "completion", or "embedding" for a text-embedding model
    context_size: int = DEFAULT_CONTEXT_SIZE
    price: ModelPrice | None = None
    dimension: int | None = None  # embedding models only; learnt from the first answer when not given

    @property
    def is_embedding(self) -> bool:
        return self.mode in EMBEDDING_MODES


@dataclass(frozen=True, slots=True)
class ProviderCredentials:
    tenant_id: UUID | None
    provider: str
    endpoint_url: str
    api_key: str | None = None
    models: tuple[ModelEntry, ...] = ()
    updated_at: datetime | None = None

    def model(self, name: str) -> ModelEntry:
        """The configured entry, or one with defaults: an endpoint may serve models not listed."""
        return next((m for m in self.models if m.name == name), ModelEntry(name=name))

    def masked_key(self) -> str | None:
        if not self.api_key:
            return None
        key = self.api_key
        return key[:6] + "*" * 12 + key[-2:] if len(key) > 8 else "*" * len(key)


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


def parse_credentials(
    tenant_id: UUID, provider: str, credentials: dict[str, Any], existing: ProviderCredentials | None, at: datetime
) -> ProviderCredentials:
    """Validates a console credentials body. A masked api_key (one containing `*`) keeps the stored secret."""
    if provider not in PROVIDERS:
        raise InvalidParam(f"provider must be one of {', '.join(PROVIDERS)}", param="provider")
    endpoint = str(credentials.get("endpoint_url") or (OPENAI_BASE_URL if provider == "openai" else "")).strip()
    if not endpoint.startswith(("http://", "https://")):
        raise InvalidParam("endpoint_url must be an http(s) URL", param="endpoint_url")
    api_key = credentials.get("api_key") or credentials.get("openai_api_key")
    if isinstance(api_key, str) and "*" in api_key and existing is not None:
        api_key = existing.api_key
    if provider == "openai" and not api_key:
        raise InvalidParam("api_key is required for the openai provider", param="api_key")
    models = []
    for entry in credentials.get("models") or []:
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not entry.get("name"):
            raise InvalidParam("each model needs a name", param="models")
        context = entry.get("context_size", DEFAULT_CONTEXT_SIZE)
        if not isinstance(context, int) or context < 256:
            raise InvalidParam("context_size must be an integer of at least 256", param="models")
        dimension = entry.get("dimension")
        if dimension is not None and (not isinstance(dimension, int) or dimension < 1):
            raise InvalidParam("dimension must be a positive integer", param="models")
        models.append(ModelEntry(str(entry["name"]), str(entry.get("mode", "chat")), context, _price(entry), dimension))
    return ProviderCredentials(
        tenant_id=tenant_id, provider=provider, endpoint_url=endpoint.rstrip("/"),
        api_key=str(api_key) if api_key else None, models=tuple(models), updated_at=at,
    )


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
