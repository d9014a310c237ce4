"""A workspace's custom (OpenAPI) tool providers: added, updated, read, deleted, tried before saving."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from application.tools.api_provider import ApiToolProvider, load_schema
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.tools.credentials import API_SECRETS, checked_api_credentials, masked, merged
from domain.tools.entities import ToolInvocation
from domain.tools.errors import ToolProviderExists, ToolProviderNotFound
from domain.tools.openapi import ApiSchema
from domain.tools.parameters import check
from domain.tools.stored import ApiToolProviderRecord
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory
from domain.workflows.http import HttpClient, HttpRequestFailed, HttpRequestRefused, OutgoingRequest
from domain.workflows.ports import DslCodec

SCHEMA_TYPES = ("openapi", "swagger", "openai_plugin", "openai_actions")


@dataclass(frozen=True, slots=True)
class ApiProviderForm:
    """Dify's add/update body."""

    provider: str
    schema: str
    schema_type: str
    credentials: Mapping[str, Any]
    icon: Mapping[str, Any] = field(default_factory=dict)
    privacy_policy: str = ""
    custom_disclaimer: str = ""
    labels: tuple[str, ...] = ()


def _name(name: str) -> str:
    cleaned = (name or "").strip()
    if not cleaned or len(cleaned) > 255:
        raise InvalidParam("provider name is required (at most 255 characters).", param="provider")
    return cleaned


def _schema_type(value: str) -> str:
    if value not in SCHEMA_TYPES:
        raise InvalidParam(f"schema_type must be one of {', '.join(SCHEMA_TYPES)}.", param="schema_type")
    return value


class ParseApiSchema:
    """Rules: JSON or YAML; OpenAPI 3 or Swagger 2; at least one operation; ToolSchemaInvalid otherwise."""

    def __init__(self, codec: DslCodec) -> None:
        self._codec = codec

    def execute(self, schema: str) -> ApiSchema:
        return load_schema(self._codec, schema)


class AddApiProvider:
    """Rules: the schema must parse and the auth be one Dify knows before anything is stored; names are
    unique per workspace (ToolProviderExists); credentials are stored encrypted."""

    def __init__(self, uow: ToolsUnitOfWorkFactory, codec: DslCodec, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._codec = codec
        self._clock = clock
        self._ids = ids

    async def execute(self, tenant_id: UUID, account_id: UUID, form: ApiProviderForm) -> ApiToolProviderRecord:
        name = _name(form.provider)
        schema = load_schema(self._codec, form.schema)
        now = self._clock.now()
        record = ApiToolProviderRecord(
            id=self._ids.new_id(),
            tenant_id=tenant_id,
            name=name,
            schema=form.schema,
            schema_type=_schema_type(form.schema_type or schema.schema_type),
            credentials=checked_api_credentials(form.credentials),
            icon=dict(form.icon),
            description=schema.description,
            privacy_policy=form.privacy_policy,
            custom_disclaimer=form.custom_disclaimer,
            labels=tuple(form.labels),
            created_by=account_id,
            created_at=now,
            updated_at=now,
        )
        async with self._uow() as uow:
            if await uow.api_providers.by_name(tenant_id, name) is not None:
                raise ToolProviderExists(f"Provider {name} already exists.", param="provider")
            await uow.api_providers.add(record)
            await uow.commit()
        return record


class UpdateApiProvider:
    """Rules: the provider is found by its original name; a rename must not take another's name; a masked
    secret keeps the stored one; the new schema must parse."""

    def __init__(self, uow: ToolsUnitOfWorkFactory, codec: DslCodec, clock: Clock) -> None:
        self._uow = uow
        self._codec = codec
        self._clock = clock

    async def execute(self, tenant_id: UUID, original: str, form: ApiProviderForm) -> ApiToolProviderRecord:
        name = _name(form.provider)
        schema = load_schema(self._codec, form.schema)
        async with self._uow() as uow:
            old = await uow.api_providers.by_name(tenant_id, original)
            if old is None:
                raise ToolProviderNotFound(f"API tool provider {original} not found.")
            if name != old.name and await uow.api_providers.by_name(tenant_id, name) is not None:
                raise ToolProviderExists(f"Provider {name} already exists.", param="provider")
            credentials = merged(checked_api_credentials(form.credentials), old.credentials, API_SECRETS)
            record = replace(
                old,
                name=name,
                schema=form.schema,
                schema_type=_schema_type(form.schema_type or schema.schema_type),
                credentials=credentials,
                icon=dict(form.icon) or old.icon,
                description=schema.description,
                privacy_policy=form.privacy_policy,
                custom_disclaimer=form.custom_disclaimer,
                labels=tuple(form.labels),
                updated_at=self._clock.now(),
            )
            await uow.api_providers.update(record)
            await uow.commit()
        return record


class DeleteApiProvider:
    def __init__(self, uow: ToolsUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, name: str) -> None:
        async with self._uow() as uow:
            record = await uow.api_providers.by_name(tenant_id, name)
            if record is None:
                raise ToolProviderNotFound(f"API tool provider {name} not found.")
            await uow.api_providers.delete(tenant_id, record.id)
            await uow.commit()


class GetApiProvider:
    """The provider by name, its credentials masked, with its schema's operations."""

    def __init__(self, uow: ToolsUnitOfWorkFactory, codec: DslCodec) -> None:
        self._uow = uow
        self._codec = codec

    async def execute(self, tenant_id: UUID, name: str) -> tuple[ApiToolProviderRecord, ApiSchema]:
        async with self._uow() as uow:
            record = await uow.api_providers.by_name(tenant_id, name)
        if record is None:
            raise ToolProviderNotFound(f"API tool provider {name} not found.")
        shown = replace(record, credentials=masked(record.credentials, API_SECRETS))
        return shown, load_schema(self._codec, record.schema)


class TestApiTool:
    """Calls one operation of a schema not yet saved (Dify's test/pre). Rules: the schema and the tool must
    exist, parameters are checked as for a real call; the answer (or the failure) comes back as text."""

    def __init__(self, uow: ToolsUnitOfWorkFactory, codec: DslCodec, http: HttpClient) -> None:
        self._uow = uow
        self._codec = codec
        self._http = http

    async def execute(
        self,
        tenant_id: UUID,
        provider_name: str,
        tool_name: str,
        schema_text: str,
        credentials: Mapping[str, Any],
        parameters: Mapping[str, Any],
    ) -> str:
        schema = load_schema(self._codec, schema_text)
        credentials = checked_api_credentials(credentials)
        if provider_name:
            async with self._uow() as uow:
                saved = await uow.api_providers.by_name(tenant_id, provider_name)
            if saved is not None:
                credentials = merged(credentials, saved.credentials, API_SECRETS)
        record = ApiToolProviderRecord(
            id=UUID(int=0),
            tenant_id=tenant_id,
            name=provider_name or "test",
            schema=schema_text,
            schema_type=schema.schema_type,
            credentials=credentials,
        )
        provider = ApiToolProvider(record, schema, self._http)
        tool = next((t for t in await provider.tools() if t.name == tool_name), None)
        if tool is None:
            raise InvalidParam(f"Tool {tool_name} not found in the schema.", param="tool_name")
        invocation = ToolInvocation(tenant_id=tenant_id, user_id="", credentials=credentials)
        messages = await provider.invoke(tool.name, check(tool, parameters), invocation)
        return "".join(m.text for m in messages)


class FetchRemoteSchema:
    """Reads a schema from a URL through the SSRF guard (Dify's api/remote)."""

    def __init__(self, http: HttpClient) -> None:
        self._http = http

    async def execute(self, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise InvalidParam("url must start with http:// or https://", param="url")
        try:
            response = await self._http.send(OutgoingRequest("GET", url))
        except (HttpRequestRefused, HttpRequestFailed) as error:
            raise InvalidParam(f"Could not fetch the schema: {error.message}", param="url") from None
        if response.status_code >= 400:
            raise InvalidParam(f"Could not fetch the schema: status {response.status_code}", param="url")
        return response.text()
