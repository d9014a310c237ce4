"""What a workspace stores about its tools: builtin credentials, custom (OpenAPI) providers and workflow
providers. Credentials are plain here; the repositories encrypt them at rest."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True, slots=True)
class BuiltinCredentials:
    tenant_id: UUID
    provider: str
    credentials: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ApiToolProviderRecord:
    """A custom tool provider: an OpenAPI 3 / Swagger 2 schema as the author wrote it, and its auth
    (`credentials`: auth_type none | api_key_header | api_key_query | bearer, api_key_header, api_key_value,
    api_key_header_prefix basic | bearer | custom, api_key_query_param)."""

    id: UUID
    tenant_id: UUID
    name: str
    schema: str
    schema_type: str
    credentials: Mapping[str, Any]
    icon: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    privacy_policy: str = ""
    custom_disclaimer: str = ""
    labels: tuple[str, ...] = ()
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WorkflowToolParameter:
    """How a start variable of the workflow is offered: its description and who fills it (llm | form)."""

    name: str
    description: str = ""
    form: str = "llm"


@dataclass(frozen=True, slots=True)
class WorkflowToolProviderRecord:
    id: UUID
    tenant_id: UUID
    app_id: UUID
    name: str
    label: str
    icon: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    parameters: tuple[WorkflowToolParameter, ...] = ()
    privacy_policy: str = ""
    labels: tuple[str, ...] = ()
    version: str = ""
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
