"""The api kind: a workspace's custom tools, each an operation of its OpenAPI / Swagger schema, called through
the HttpClient port (so the SSRF guard applies to every call)."""

import contextlib
import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain.tools.api_requests import build_request
from domain.tools.entities import ProviderType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError, ToolNotFound, ToolProviderNotFound, ToolSchemaInvalid
from domain.tools.naming import as_uuid
from domain.tools.openapi import ApiSchema, parse_schema
from domain.tools.stored import ApiToolProviderRecord
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory
from domain.workflows.http import HttpClient, HttpRequestFailed, HttpRequestRefused
from domain.workflows.ports import DslCodec


def load_schema(codec: DslCodec, text: str) -> ApiSchema:
    """The schema text (JSON or YAML: YAML reads both) as operations; ToolSchemaInvalid when it does not parse."""
    try:
        document = codec.load(text or "")
    except ValueError as error:
        raise ToolSchemaInvalid(f"Invalid schema, the schema does not parse: {error}", param="schema") from None
    return parse_schema(document)


def provider_info(record: ApiToolProviderRecord, schema: ApiSchema) -> ToolProviderInfo:
    return ToolProviderInfo(
        id=str(record.id),
        type=ProviderType.API,
        name=record.name,
        label=record.name,
        description=record.description or schema.description,
        icon=json.dumps(dict(record.icon)),
        author="",
        tools=tuple(op.tool() for op in schema.operations),
    )


class ApiToolProvider:
    def __init__(self, record: ApiToolProviderRecord, schema: ApiSchema, http: HttpClient) -> None:
        self._record = record
        self._schema = schema
        self._operations = {op.name: op for op in schema.operations}
        self._http = http

    def info(self) -> ToolProviderInfo:
        return provider_info(self._record, self._schema)

    async def tools(self) -> list[Tool]:
        return [op.tool() for op in self._schema.operations]

    async def invoke(
        self, tool_name: str, parameters: Mapping[str, Any], invocation: ToolInvocation
    ) -> list[ToolMessage]:
        operation = self._operations.get(tool_name)
        if operation is None:
            raise ToolNotFound(f"Tool {tool_name} not found in provider {self._record.name}.")
        credentials = invocation.credentials or self._record.credentials
        request = build_request(operation, parameters, credentials)
        try:
            response = await self._http.send(request)
        except (HttpRequestRefused, HttpRequestFailed) as error:
            raise ToolInvokeError(f"Request to {operation.name} failed: {error.message}") from None
        text = response.text()
        if response.status_code >= 400:
            raise ToolInvokeError(f"Request failed with status code {response.status_code} and {text}")
        messages = [ToolMessage.of_text(text)]
        if "json" in response.headers.get("content-type", ""):
            with contextlib.suppress(ValueError):  # a body that is not JSON after all stays text only
                messages.append(ToolMessage.of_json(json.loads(text)))
        return messages


class ApiToolFinder:
    """Rules: a custom provider is named by its id (DSL files) or its name (the console); another workspace's
    provider is not found; a stored schema that no longer parses makes the provider unavailable, not a 500."""

    def __init__(self, uow: ToolsUnitOfWorkFactory, http: HttpClient, codec: DslCodec) -> None:
        self._uow = uow
        self._http = http
        self._codec = codec
        # Parsed schemas by (provider, last update): a tool node calling the same provider in every run
        # parses its YAML once.
        self._schemas: dict[tuple[UUID, object], ApiSchema] = {}

    def _schema(self, record: ApiToolProviderRecord) -> ApiSchema:
        key = (record.id, record.updated_at)
        schema = self._schemas.get(key)
        if schema is None:
            schema = load_schema(self._codec, record.schema)
            if len(self._schemas) >= 256:
                self._schemas.pop(next(iter(self._schemas)))
            self._schemas[key] = schema
        return schema

    async def record(self, tenant_id: UUID, provider_id: str) -> ApiToolProviderRecord:
        async with self._uow() as uow:
            provider_uuid = as_uuid(provider_id)
            record = await uow.api_providers.by_id(tenant_id, provider_uuid) if provider_uuid else None
            if record is None:
                record = await uow.api_providers.by_name(tenant_id, provider_id)
        if record is None:
            raise ToolProviderNotFound(f"API tool provider {provider_id} not found.")
        return record

    async def find(self, tenant_id: UUID, provider_id: str) -> ApiToolProvider:
        record = await self.record(tenant_id, provider_id)
        return ApiToolProvider(record, self._schema(record), self._http)

    async def credentials(self, tenant_id: UUID, provider_id: str) -> Mapping[str, Any]:
        return dict((await self.record(tenant_id, provider_id)).credentials)

    async def listed(self, tenant_id: UUID) -> list[ToolProviderInfo]:
        async with self._uow() as uow:
            records = await uow.api_providers.for_tenant(tenant_id)
        listed = []
        for record in records:
            try:
                listed.append(provider_info(record, self._schema(record)))
            except ToolSchemaInvalid:
                continue
        return listed
