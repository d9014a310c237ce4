"""What the provider catalogue is made of: a provider's wire, endpoint, credential forms and models.

The entries themselves are data, in `domain.models.catalogue`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from domain.shared.errors import InvalidParam


class Wire(StrEnum):
    """The HTTP API weir speaks to a provider."""

    # POST {base}/chat/completions with `Authorization: Bearer <key>`: OpenAI and every compatible server.
    OPENAI = "openai"
    # POST {base}/openai/deployments/{deployment}/chat/completions?api-version=… with an `api-key` header.
    AZURE_OPENAI = "azure_openai"
    # POST {base}/messages with `x-api-key` and `anthropic-version`: Anthropic's Messages API.
    ANTHROPIC = "anthropic"


class ModelType(StrEnum):
    LLM = "llm"
    TEXT_EMBEDDING = "text-embedding"
    RERANK = "rerank"
    SPEECH2TEXT = "speech2text"
    TTS = "tts"
    MODERATION = "moderation"


SECRET = "secret-input"
TEXT = "text-input"
SELECT = "select"
RADIO = "radio"

# The generic names weir accepts for every provider, beside the provider's own Dify field names.
GENERIC_KEY_FIELD = "api_key"
GENERIC_URL_FIELD = "endpoint_url"
# What Dify's console sends back for a secret it showed masked; the stored secret is kept.
HIDDEN_VALUE = "[__HIDDEN__]"


@dataclass(frozen=True, slots=True)
class CredentialField:
    """One field of a credential form, in Dify's `credential_form_schemas` terms.

    `show_on` lists (variable, value) pairs that must all hold for the field to apply: Dify hides the
    field otherwise (`__model_type` is the model type of a model-level form).
    """

    variable: str
    label: str
    type: str = TEXT
    required: bool = False
    default: str | None = None
    placeholder: str = ""
    options: tuple[str, ...] = ()
    show_on: tuple[tuple[str, str], ...] = ()
    # A closed choice is one weir acts on (an authentication method, a platform switch): another value
    # is refused. Open choices (a base model, an API version) only suggest values.
    closed: bool = False

    @property
    def secret(self) -> bool:
        return self.type == SECRET

    def applies(self, values: Mapping[str, object]) -> bool:
        return all(str(values.get(name, "")) == value for name, value in self.show_on if name != "__model_type")


@dataclass(frozen=True, slots=True)
class PredefinedModel:
    """A model the provider is known to serve; any other name it serves works too, with default limits."""

    name: str
    context_size: int
    max_tokens: int = 4096
    model_type: ModelType = ModelType.LLM
    mode: str = "chat"
    features: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UrlVariant:
    """Another default endpoint, chosen by a credential value (a region, an international platform)."""

    field: str
    value: str
    base_url: str


@dataclass(frozen=True, slots=True)
class ParameterRule:
    """A completion parameter as Dify's console offers it for a model (its `parameter-rules`)."""

    name: str
    label: str
    type: str  # "float", "int", "string", "boolean"
    help: str = ""
    required: bool = False
    default: float | int | str | bool | None = None
    min: float | int | None = None
    max: float | int | None = None
    precision: int | None = None
    options: tuple[str, ...] = ()
    use_template: str | None = None


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """One provider of the catalogue.

    `base_url` is the endpoint weir calls by default ("" when the user must give one); it may name
    credential fields in braces (`{aws_region}`). A user-given endpoint wins: `endpoint_url` (weir's
    generic name, taken as the complete base URL) or one of `url_fields` (the provider's Dify field),
    to which `url_suffix` is appended when missing, because Dify's forms ask there for the host root
    (`openai_api_base = https://api.openai.com`, Ollama's `base_url = http://host:11434`).

    `model_types` are the types the provider offers (Dify's `supported_model_types`); weir runs the
    ones in `served_model_types`. `remote_name_field` is the model-level field naming the model on the
    wire when it differs from the name the user gave it (Volcengine's endpoint id, Xinference's uid).
    """

    name: str
    label: str
    plugin: str  # the "organisation/plugin" part of the plugin id; the provider name completes it
    wire: Wire
    base_url: str
    model_types: tuple[ModelType, ...] = (ModelType.LLM,)
    configurate_methods: tuple[str, ...] = ("predefined-model",)
    key_fields: tuple[str, ...] = (GENERIC_KEY_FIELD,)
    key_required: bool = True
    url_fields: tuple[str, ...] = ()
    url_suffix: str = ""
    variants: tuple[UrlVariant, ...] = ()
    provider_form: tuple[CredentialField, ...] = ()
    model_form: tuple[CredentialField, ...] = ()
    model_label: str = "Model Name"
    remote_name_field: str | None = None
    headers: tuple[tuple[str, str], ...] = ()  # (credential field, HTTP header) sent when the field is set
    models: tuple[PredefinedModel, ...] = ()
    aliases: tuple[str, ...] = ()
    description: str = ""
    help_url: str = ""
    background: str = "#F9FAFB"

    @property
    def plugin_id(self) -> str:
        return f"{self.plugin}/{self.name}"

    @property
    def served_model_types(self) -> tuple[ModelType, ...]:
        """Chat for every provider; text embeddings where the OpenAI wire has `/embeddings`."""
        served = [ModelType.LLM]
        if self.wire is Wire.OPENAI and ModelType.TEXT_EMBEDDING in self.model_types:
            served.append(ModelType.TEXT_EMBEDDING)
        return tuple(served)

    @property
    def fields(self) -> tuple[CredentialField, ...]:
        """Every field of both forms, once each (the provider form's wins)."""
        seen: dict[str, CredentialField] = {}
        for form_field in (*self.provider_form, *self.model_form):
            seen.setdefault(form_field.variable, form_field)
        return tuple(seen.values())

    def field(self, variable: str) -> CredentialField | None:
        return next((f for f in self.fields if f.variable == variable), None)

    def is_secret(self, variable: str) -> bool:
        found = self.field(variable)
        return variable in self.key_fields or variable == GENERIC_KEY_FIELD or bool(found and found.secret)

    def with_defaults(self, values: Mapping[str, object]) -> dict[str, object]:
        defaults = {f.variable: f.default for f in self.fields if f.default is not None}
        return defaults | {k: v for k, v in values.items() if v not in (None, "")}

    def endpoint(self, values: Mapping[str, object]) -> str:
        """The base URL calls go to, from the credential values; InvalidParam when none can be found."""
        given = str(values.get(GENERIC_URL_FIELD) or "").strip()
        if given:
            return _http_url(given.rstrip("/"), GENERIC_URL_FIELD)
        for name in self.url_fields:
            given = str(values.get(name) or "").strip().rstrip("/")
            if given:
                if self.url_suffix and not given.endswith(self.url_suffix):
                    given += self.url_suffix
                return _http_url(given, name)
        filled = self.with_defaults(values)
        for variant in self.variants:
            if str(filled.get(variant.field, "")).lower() == variant.value:
                return variant.base_url
        if not self.base_url:
            field_name = self.url_fields[0] if self.url_fields else GENERIC_URL_FIELD
            raise InvalidParam(f"{field_name} is required for {self.label}", param=field_name)
        try:
            return self.base_url.format_map({k: str(v) for k, v in filled.items()})
        except KeyError as missing:
            raise InvalidParam(f"{missing.args[0]} is required for {self.label}", param=str(missing.args[0])) from None

    def predefined(self, model: str) -> PredefinedModel | None:
        return next((m for m in self.models if m.name == model), None)


def _http_url(url: str, field_name: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise InvalidParam(f"{field_name} must be an http(s) URL", param=field_name)
    return url
