"""What a tool is and what it answers, in Dify's vocabulary (provider types, parameter forms, messages)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID


class ProviderType(StrEnum):
    """Dify's `provider_type` of a tool node or an agent's tool. `plugin` is how Dify ≥ 1.0 names builtins
    installed from its marketplace; weir serves those it has built in under either name."""

    BUILTIN = "builtin"
    API = "api"
    WORKFLOW = "workflow"
    MCP = "mcp"
    PLUGIN = "plugin"


class ParameterType(StrEnum):
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    SELECT = "select"
    SECRET_INPUT = "secret-input"
    FILE = "file"
    FILES = "files"
    OBJECT = "object"
    ARRAY = "array"
    ANY = "any"


class ParameterForm(StrEnum):
    """Who fills a parameter: the model (`llm`), the app author in the node's form (`form`), or a schema."""

    LLM = "llm"
    FORM = "form"
    SCHEMA = "schema"


@dataclass(frozen=True, slots=True)
class ParameterOption:
    value: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class ToolParameter:
    name: str
    type: ParameterType = ParameterType.STRING
    form: ParameterForm = ParameterForm.LLM
    required: bool = False
    label: str = ""
    # What a person reads in the console (`human_description`) and what the model reads (`llm_description`).
    human_description: str = ""
    llm_description: str = ""
    default: Any = None
    options: tuple[ParameterOption, ...] = ()
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    label: str = ""
    description: str = ""
    parameters: tuple[ToolParameter, ...] = ()

    def parameter(self, name: str) -> ToolParameter | None:
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True, slots=True)
class CredentialField:
    """One field of a provider's credential form (Dify's `credentials_schema` / `credentials_for_provider`)."""

    name: str
    type: str = "secret-input"  # secret-input | text-input | select | boolean
    required: bool = False
    label: str = ""
    placeholder: str = ""
    help: str = ""
    default: Any = None
    options: tuple[ParameterOption, ...] = ()


@dataclass(frozen=True, slots=True)
class ToolProviderInfo:
    """A provider as the console lists it. `id` is what DSL files name (`time`, a custom tool's id, an MCP
    server's id); `plugin_id` the Dify ≥ 1.0 plugin name (`langgenius/time`) when it has one."""

    id: str
    type: ProviderType
    name: str
    label: str = ""
    description: str = ""
    icon: str = ""
    author: str = "weir"
    plugin_id: str = ""
    credentials_schema: tuple[CredentialField, ...] = ()
    tools: tuple[Tool, ...] = ()


class MessageType(StrEnum):
    """Dify's tool invoke message types."""

    TEXT = "text"
    JSON = "json"
    LINK = "link"
    IMAGE = "image"
    IMAGE_LINK = "image_link"
    BLOB = "blob"
    FILE = "file"
    VARIABLE = "variable"
    LOG = "log"


@dataclass(frozen=True, slots=True)
class ToolMessage:
    """One piece of a tool's answer. Which fields are set depends on `type`:
    text/link/image_link → `text` (the URL for links); json → `json`; blob → `blob`, `mime_type`, `filename`;
    file → `file` (a file mapping in Dify's shape, e.g. an upload); variable → `variable_name`, `variable_value`."""

    type: MessageType
    text: str = ""
    json: Any = None
    blob: bytes = b""
    mime_type: str = ""
    filename: str = ""
    file: Mapping[str, Any] | None = None
    variable_name: str = ""
    variable_value: Any = None

    @classmethod
    def of_text(cls, text: str) -> "ToolMessage":
        return cls(MessageType.TEXT, text=text)

    @classmethod
    def of_json(cls, value: Any) -> "ToolMessage":
        return cls(MessageType.JSON, json=value)

    @classmethod
    def of_link(cls, url: str) -> "ToolMessage":
        return cls(MessageType.LINK, text=url)

    @classmethod
    def of_blob(cls, blob: bytes, mime_type: str, filename: str = "") -> "ToolMessage":
        return cls(MessageType.BLOB, blob=blob, mime_type=mime_type, filename=filename)

    @classmethod
    def of_variable(cls, name: str, value: Any) -> "ToolMessage":
        return cls(MessageType.VARIABLE, variable_name=name, variable_value=value)


@dataclass(frozen=True, slots=True)
class ToolInvocation:
    """Who calls a tool and with what: the tenant and app (scoping, stored files), the end user, the
    provider's decrypted credentials, and the call depth (a workflow tool calling a workflow …)."""

    tenant_id: UUID
    user_id: str
    app_id: UUID | None = None
    credentials: Mapping[str, Any] = field(default_factory=dict)
    call_depth: int = 0
    # Settings of the node that are not parameters (Dify's `tool_configurations`).
    configurations: Mapping[str, Any] = field(default_factory=dict)
    # Where the call's span hangs: a workflow run's trace (its id) and the span of the node or message that
    # made the call; without a trace the call is a trace of its own.
    trace_id: UUID | None = None
    parent_span: str = ""


@dataclass(frozen=True, slots=True)
class ToolResult:
    messages: Sequence[ToolMessage]
    elapsed_seconds: float = 0.0
