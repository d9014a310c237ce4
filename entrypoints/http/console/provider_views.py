"""The JSON shapes of Dify's console for model providers (api/services/entities/model_provider_entities.py,
api/core/entities/provider_entities.py), drawn from the catalogue and the workspace's configuration."""

from html import escape
from typing import Any
from uuid import UUID

from quart import request

from application.models.model_listing import ModelView, ProviderView
from domain.models.pricing import ModelPrice
from domain.models.provider_keys import key_names, shown_name
from domain.models.providers import ModelEntry, ProviderCredentials, credential_id
from domain.models.specs import CredentialField, ParameterRule, ProviderSpec

ICON_KINDS = ("icon_small", "icon_large", "icon_small_dark")


def i18n(text: str | None) -> dict[str, str] | None:
    return None if text is None else {"en_US": text, "zh_Hans": text}


def icon(tenant_id: UUID | str, spec: ProviderSpec, kind: str) -> dict[str, str]:
    """Dify's icon URLs: {console}/console/api/workspaces/{tenant}/model-providers/{provider}/{kind}/{lang}."""
    prefix = f"{request.host_url.rstrip('/')}/console/api/workspaces/{tenant_id}/model-providers/{spec.plugin_id}"
    return {lang: f"{prefix}/{kind}/{lang}" for lang in ("en_US", "zh_Hans")}


def form_field(field: CredentialField) -> dict[str, Any]:
    return {
        "variable": field.variable,
        "label": i18n(field.label),
        "type": field.type,
        "required": field.required,
        "default": field.default,
        "options": [{"value": option, "label": i18n(option), "show_on": []} for option in field.options],
        "placeholder": i18n(field.placeholder) if field.placeholder else None,
        "max_length": 0,
        "show_on": [{"variable": name, "value": value} for name, value in field.show_on],
    }


def _schemas(spec: ProviderSpec) -> tuple[dict | None, dict | None]:
    provider = {"credential_form_schemas": [form_field(f) for f in spec.provider_form]} if spec.provider_form else None
    model = None
    if spec.model_form:
        model = {
            "model": {"label": i18n(spec.model_label), "placeholder": i18n(f"Enter your {spec.model_label}")},
            "credential_form_schemas": [form_field(f) for f in spec.model_form],
        }
    return provider, model


def simple_provider(tenant_id: UUID, spec: ProviderSpec) -> dict[str, Any]:
    """Dify's SimpleProviderEntityResponse: a provider named inside a model or a default model."""
    return {
        "tenant_id": str(tenant_id),
        "provider": spec.plugin_id,
        "label": i18n(spec.label),
        "icon_small": icon(tenant_id, spec, "icon_small"),
        "icon_large": icon(tenant_id, spec, "icon_large"),
        "supported_model_types": [t.value for t in spec.served_model_types],
        "models": [],
    }


def provider(tenant_id: UUID, view: ProviderView) -> dict[str, Any]:
    """Dify's ProviderResponse, plus weir's earlier `credentials` and `models` keys (the masked form and
    the workspace's model list) for the clients written against them."""
    spec, custom = view.spec, view.custom
    provider_schema, model_schema = _schemas(spec)
    configured = custom.models if custom else ()
    current = custom.credential_id if custom else None
    current_name = shown_name(custom) if custom else None
    return {
        "tenant_id": str(tenant_id),
        "provider": spec.plugin_id,
        "label": i18n(spec.label),
        "description": i18n(spec.description) if spec.description else None,
        "icon_small": icon(tenant_id, spec, "icon_small"),
        "icon_small_dark": None,
        "icon_large": icon(tenant_id, spec, "icon_large"),
        "background": spec.background,
        "help": {"title": i18n(f"Get your API key from {spec.label}"), "url": i18n(spec.help_url)}
        if spec.help_url else None,
        "supported_model_types": [t.value for t in spec.served_model_types],
        "configurate_methods": list(spec.configurate_methods),
        "provider_credential_schema": provider_schema,
        "model_credential_schema": model_schema,
        "preferred_provider_type": "system" if custom is None and view.system is not None else "custom",
        "custom_configuration": {
            "status": "active" if custom else "no-configure",
            "current_credential_id": current,
            "current_credential_name": current_name,
            "available_credentials": [{"credential_id": key, "credential_name": name}
                                      for key, name in key_names(custom)] if custom else [],
            "custom_models": [
                {"model": m.name, "model_type": m.model_type, "current_credential_id": current,
                 "current_credential_name": current_name, "available_model_credentials": []}
                for m in configured
            ],
            "can_added_models": [],
        },
        "system_configuration": {
            "enabled": view.system is not None, "current_quota_type": None, "quota_configurations": [],
        },
        "credentials": listing_credentials(custom) if custom else None,
        "models": [legacy_model(m) for m in configured],
        "wire": spec.wire.value,
    }


def listing_credentials(credentials: ProviderCredentials) -> dict[str, Any]:
    return {"endpoint_url": credentials.endpoint_url, "api_key": credentials.masked_key(), **credentials.form()}


def _price(price: ModelPrice | None) -> dict[str, str] | None:
    if price is None:
        return None
    return {"input": str(price.input), "output": str(price.output), "unit": str(price.unit), "currency": price.currency}


def legacy_model(entry: ModelEntry) -> dict[str, Any]:
    return {"model": entry.name, "model_type": entry.model_type, "mode": entry.mode,
            "context_size": entry.context_size, "pricing": _price(entry.price)}


def model(m: ModelView) -> dict[str, Any]:
    """Dify's ModelResponse (a provider's model, with its status)."""
    properties: dict[str, Any] = {"context_size": m.context_size}
    if m.model_type == "llm":
        properties["mode"] = m.mode
    else:
        properties["max_chunks"] = 1
    return {
        "model": m.name,
        "label": i18n(m.name),
        "model_type": m.model_type,
        "features": list(m.features) or None,
        "fetch_from": m.fetch_from,
        "model_properties": properties,
        "deprecated": False,
        "status": "active" if m.active else "no-configure",
        "load_balancing_enabled": False,
        "has_invalid_load_balancing_configs": False,
    }


def provider_model(tenant_id: UUID, spec: ProviderSpec, m: ModelView) -> dict[str, Any]:
    """Dify's ModelWithProviderEntityResponse: a model with the provider it belongs to."""
    return {**model(m), "provider": simple_provider(tenant_id, spec)}


def provider_with_models(tenant_id: UUID, spec: ProviderSpec, models: tuple[ModelView, ...]) -> dict[str, Any]:
    """Dify's ProviderWithModelsResponse (the `models/model-types/{type}` listing)."""
    return {
        "tenant_id": str(tenant_id),
        "provider": spec.plugin_id,
        "label": i18n(spec.label),
        "icon_small": icon(tenant_id, spec, "icon_small"),
        "icon_small_dark": None,
        "icon_large": icon(tenant_id, spec, "icon_large"),
        "status": "active",
        "models": [model(m) for m in models],
    }


def parameter_rule(rule: ParameterRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "use_template": rule.use_template,
        "label": i18n(rule.label),
        "type": rule.type,
        "help": i18n(rule.help) if rule.help else None,
        "required": rule.required,
        "default": rule.default,
        "min": rule.min,
        "max": rule.max,
        "precision": rule.precision,
        "options": list(rule.options),
    }


def model_credentials(tenant_id: UUID, spec: ProviderSpec, credentials: ProviderCredentials | None,
                      entry: ModelEntry | None) -> dict[str, Any]:
    """Dify's model credential answer: the endpoint's form with the model's own limits, the key masked."""
    if credentials is None or entry is None:
        form = None
    else:
        form = credentials.form() | {"context_size": str(entry.context_size)}
        if entry.max_tokens:
            form["max_tokens"] = str(entry.max_tokens)
        if entry.model_type == "llm":
            form["mode"] = entry.mode
        if spec.remote_name_field and entry.remote_name:
            form[spec.remote_name_field] = entry.remote_name
    current = credential_id(tenant_id, spec.name) if form is not None else None
    name = shown_name(credentials) if credentials and form is not None else None
    return {
        "credentials": form or {},
        "current_credential_id": current,
        "current_credential_name": name,
        "load_balancing": {"enabled": False, "configs": []},
        "available_credentials": [{"credential_id": current, "credential_name": name}] if current else [],
    }


def icon_svg(spec: ProviderSpec, kind: str) -> str:
    """A drawn badge (the provider's initial, or its label on the large icon): weir ships no vendor logos."""
    label = escape(spec.label)
    initial = escape(spec.label[:1].upper())
    if kind == "icon_large":
        width = 24 + 8 * len(spec.label)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="24" viewBox="0 0 {width} 24">'
            f'<rect width="24" height="24" rx="6" fill="{spec.background}" stroke="#D0D5DD"/>'
            f'<text x="12" y="16.5" font-family="sans-serif" font-size="13" font-weight="600" text-anchor="middle" '
            f'fill="#101828">{initial}</text>'
            f'<text x="30" y="16.5" font-family="sans-serif" font-size="13" fill="#101828">{label}</text></svg>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
        f'<rect width="24" height="24" rx="6" fill="{spec.background}" stroke="#D0D5DD"/>'
        f'<text x="12" y="16.5" font-family="sans-serif" font-size="13" font-weight="600" text-anchor="middle" '
        f'fill="#101828">{initial}</text></svg>'
    )
