"""What the console shows of the providers: every catalogue provider with the workspace's configuration,
the models each serves, the default model per type and a model's parameter rules."""

from dataclasses import dataclass
from uuid import UUID

from domain.models.catalogue import PROVIDERS, parameter_rules, provider_name, provider_spec
from domain.models.providers import DefaultModel, ModelEntry, ProviderCredentials
from domain.models.specs import ParameterRule, ProviderSpec
from domain.shared.unit_of_work import UnitOfWorkFactory

PREDEFINED = "predefined-model"
CUSTOMIZABLE = "customizable-model"


@dataclass(frozen=True, slots=True)
class ProviderView:
    """A catalogue provider and what the workspace has of it: its own credentials (`custom`) and/or the
    instance-wide OPENAI_API_* fallback (`system`, Dify's hosted provider)."""

    spec: ProviderSpec
    custom: ProviderCredentials | None = None
    system: ProviderCredentials | None = None

    @property
    def active(self) -> ProviderCredentials | None:
        return self.custom or self.system


@dataclass(frozen=True, slots=True)
class ModelView:
    name: str
    model_type: str
    mode: str
    context_size: int
    max_tokens: int | None
    features: tuple[str, ...]
    fetch_from: str
    active: bool


@dataclass(frozen=True, slots=True)
class ProviderModels:
    provider: ProviderView
    models: tuple[ModelView, ...]


async def _views(uow_factory: UnitOfWorkFactory, tenant_id: UUID, fallback: ProviderCredentials | None):
    async with uow_factory() as uow:
        stored = {c.provider: c for c in await uow.providers.for_tenant(tenant_id)}
        defaults = await uow.providers.defaults(tenant_id)
    views = [
        ProviderView(spec, stored.get(spec.name), fallback if fallback and fallback.provider == spec.name else None)
        for spec in PROVIDERS
    ]
    return views, defaults


class ListProviders:
    """Every catalogue provider, with the workspace's credentials where it has some; `model_type` keeps
    the providers serving that type. Also returns the default models."""

    def __init__(self, uow: UnitOfWorkFactory, fallback: ProviderCredentials | None = None) -> None:
        self._uow = uow
        self._fallback = fallback

    async def execute(
        self, tenant_id: UUID, model_type: str | None = None
    ) -> tuple[list[ProviderView], list[DefaultModel]]:
        views, defaults = await _views(self._uow, tenant_id, self._fallback)
        if model_type:
            views = [v for v in views if model_type in v.spec.served_model_types]
        return views, defaults


def models_of(view: ProviderView, model_type: str | None = None) -> tuple[ModelView, ...]:
    """The workspace's models of a provider (customizable ones first), then its predefined models not
    configured over; a provider without credentials lists its predefined models as not configured."""
    active = view.active is not None
    served = view.spec.served_model_types
    configured = view.active.models if view.active else ()
    names = {(m.name, m.model_type) for m in configured}
    out = [_configured(m, view.spec) for m in configured]
    out += [
        ModelView(
            m.name, m.model_type.value, m.mode, m.context_size, m.max_tokens or None, m.features, PREDEFINED, active
        )
        for m in view.spec.models
        if (m.name, m.model_type.value) not in names and m.model_type in served
    ]
    return tuple(m for m in out if model_type is None or m.model_type == model_type)


def _configured(entry: ModelEntry, spec: ProviderSpec) -> ModelView:
    known = spec.predefined(entry.name)
    features = entry.features or (known.features if known else ())
    return ModelView(
        entry.name, entry.model_type, "embedding" if entry.is_embedding else entry.mode, entry.context_size,
        entry.max_tokens or (known.max_tokens if known else None), features, CUSTOMIZABLE, True,
    )


class ListModels:
    """`provider` given: that provider's models. Else the models of one type across the providers the
    workspace can use (Dify's `models/model-types/{type}`): configured providers only, active models."""

    def __init__(self, uow: UnitOfWorkFactory, fallback: ProviderCredentials | None = None) -> None:
        self._uow = uow
        self._fallback = fallback

    async def execute(
        self, tenant_id: UUID, provider: str | None = None, model_type: str | None = None
    ) -> list[ProviderModels]:
        views, _ = await _views(self._uow, tenant_id, self._fallback)
        if provider is not None:
            spec = provider_spec(provider)
            view = next(v for v in views if v.spec.name == spec.name)
            return [ProviderModels(view, models_of(view, model_type))]
        listed = []
        for view in views:
            if view.active is None:
                continue
            models = models_of(view, model_type)
            if models:
                listed.append(ProviderModels(view, models))
        return listed


class GetDefaultModel:
    """The workspace's default model of a type, with its provider; None when none is set."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, model_type: str) -> tuple[DefaultModel, ProviderSpec] | None:
        async with self._uow() as uow:
            defaults = await uow.providers.defaults(tenant_id)
        found = next((d for d in defaults if d.model_type == model_type), None)
        if found is None:
            return None
        return found, provider_spec(provider_name(found.provider))


class GetParameterRules:
    """A model's completion parameters, bounded by its configured (or known) longest answer."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider: str, model: str) -> tuple[ParameterRule, ...]:
        spec = provider_spec(provider)
        async with self._uow() as uow:
            credentials = await uow.providers.get(tenant_id, spec.name)
        configured = credentials.configured(model) if credentials else None
        return parameter_rules(spec, model, configured.max_tokens if configured else None)

