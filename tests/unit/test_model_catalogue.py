"""The provider catalogue: names, endpoints, credential forms, as data every entry obeys."""

from datetime import UTC, datetime
from uuid import UUID

import pytest

from domain.models.catalogue import (
    BY_NAME,
    PROVIDERS,
    find_provider,
    parameter_rules,
    provider_name,
    provider_spec,
    same_provider,
)
from domain.models.providers import ProviderCredentials, parse_credentials
from domain.models.specs import GENERIC_KEY_FIELD, ModelType, ProviderSpec, Wire
from domain.shared.errors import InvalidParam

TENANT = UUID(int=1)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
CORPUS = (
    "openai_api_compatible", "volcengine_maas", "siliconflow", "openai", "deepseek", "tongyi", "google",
    "modelscope", "bedrock", "moonshot", "groq", "zhipuai", "ollama", "anthropic", "azure_openai", "yi",
)
ALSO = ("openrouter", "mistralai", "x", "togetherai", "fireworks", "perplexity", "vllm", "xinference", "localai",
        "lm_studio")
BY_ID = {"ids": lambda s: s.name}


def test_the_catalogue_has_the_corpus_providers_and_the_others():
    assert set(CORPUS + ALSO) <= {s.name for s in PROVIDERS}
    assert len({s.name for s in PROVIDERS}) == len(PROVIDERS)
    assert len(BY_NAME) == sum(1 + len(s.aliases) for s in PROVIDERS)  # no alias shadows another name


@pytest.mark.parametrize("spec", PROVIDERS, **BY_ID)
def test_plugin_id_bare_name_and_aliases_name_one_provider(spec):
    for reference in (spec.plugin_id, spec.name, f"someone/fork/{spec.name}", *spec.aliases, spec.name.upper()):
        assert find_provider(reference) is spec and provider_name(reference) == spec.name
    assert same_provider(spec.plugin_id, spec.name)


def test_unknown_providers_are_named_in_the_error():
    assert find_provider("org/plugin/nothing") is None and provider_name("org/plugin/nothing") == "nothing"
    with pytest.raises(InvalidParam, match="nothing does not exist") as raised:
        provider_spec("org/plugin/nothing")
    assert raised.value.param == "provider"


@pytest.mark.parametrize("spec", PROVIDERS, **BY_ID)
def test_every_entry_is_complete_data(spec):
    assert spec.label and spec.plugin.count("/") == 1 and spec.key_fields
    assert ModelType.LLM in spec.model_types and set(spec.served_model_types) <= set(spec.model_types)
    assert spec.configurate_methods and (spec.provider_form or spec.model_form)
    assert spec.base_url.startswith(("http://", "https://")) or spec.wire is Wire.AZURE_OPENAI or not spec.base_url
    for form_field in spec.fields:
        assert form_field.type in ("secret-input", "text-input", "select", "radio")
        assert not form_field.closed or form_field.options
    for model in spec.models:
        assert model.model_type in spec.served_model_types and model.context_size >= 2048


@pytest.mark.parametrize("spec", PROVIDERS, **BY_ID)
def test_endpoint_url_overrides_every_provider_verbatim(spec):
    values = {"endpoint_url": "https://gateway.example/v9/"}
    assert spec.endpoint(values) == "https://gateway.example/v9"


@pytest.mark.parametrize("spec", [s for s in PROVIDERS if s.url_fields], **BY_ID)
def test_difys_url_field_overrides_with_the_providers_path(spec):
    endpoint = spec.endpoint({spec.url_fields[0]: "https://proxy.example/"})
    assert endpoint == "https://proxy.example" + spec.url_suffix
    # A URL already carrying the path is left alone.
    assert spec.endpoint({spec.url_fields[0]: endpoint}) == endpoint


@pytest.mark.parametrize(("name", "values", "endpoint"), [
    ("tongyi", {"use_international_endpoint": "true"}, "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"),
    ("siliconflow", {"use_international_endpoint": "true"}, "https://api.siliconflow.com/v1"),
    ("bedrock", {"aws_region": "eu-west-3"}, "https://bedrock-runtime.eu-west-3.amazonaws.com/openai/v1"),
    ("bedrock", {}, "https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1"),
    ("google", {}, "https://generativelanguage.googleapis.com/v1beta/openai"),
    ("volcengine_maas", {}, "https://ark.cn-beijing.volces.com/api/v3"),
    ("zhipuai", {"base_url": "https://open.bigmodel.cn/api/paas/v4/"}, "https://open.bigmodel.cn/api/paas/v4"),
    ("ollama", {"base_url": "http://gpu:11434"}, "http://gpu:11434/v1"),
    ("openai", {"openai_api_base": "https://api.openai.com"}, "https://api.openai.com/v1"),
    ("anthropic", {"anthropic_api_url": "https://api.anthropic.com"}, "https://api.anthropic.com/v1"),
])
def test_endpoints_follow_the_credential_values(name, values, endpoint):
    assert provider_spec(name).endpoint(values) == endpoint


def test_providers_without_a_default_endpoint_ask_for_one():
    with pytest.raises(InvalidParam) as raised:
        provider_spec("azure_openai").endpoint({})
    assert raised.value.param == "openai_api_base"
    with pytest.raises(InvalidParam, match="http"):
        provider_spec("openai_api_compatible").endpoint({"endpoint_url": "ftp://x"})


def _body(spec: ProviderSpec, **extra):
    body = {spec.key_fields[0]: "sk-0123456789abcdef"}
    if not spec.base_url:
        body[spec.url_fields[0] if spec.url_fields else "endpoint_url"] = "https://host.example"
    return body | extra


@pytest.mark.parametrize("spec", PROVIDERS, **BY_ID)
def test_credentials_in_difys_field_names_parse_and_mask(spec):
    parsed = parse_credentials(TENANT, spec.plugin_id, _body(spec, note="kept"), None, NOW)
    assert parsed.provider == spec.name and parsed.api_key == "sk-0123456789abcdef"
    form = parsed.form()
    assert form[spec.key_fields[0]] == "sk-012" + "*" * 12 + "ef" and form["note"] == "kept"
    assert "sk-0123456789abcdef" not in str(form)
    # The masked key sent back keeps the stored one; Dify's hidden marker does too.
    for masked in (form[spec.key_fields[0]], "[__HIDDEN__]"):
        again = parse_credentials(TENANT, spec.name, _body(spec) | {spec.key_fields[0]: masked}, parsed, NOW)
        assert again.api_key == "sk-0123456789abcdef"


@pytest.mark.parametrize("spec", [s for s in PROVIDERS if s.key_fields[0] != GENERIC_KEY_FIELD], **BY_ID)
def test_the_generic_api_key_is_accepted_too(spec):
    body = _body(spec)
    body[GENERIC_KEY_FIELD] = body.pop(spec.key_fields[0])
    assert parse_credentials(TENANT, spec.name, body, None, NOW).api_key == "sk-0123456789abcdef"


@pytest.mark.parametrize("spec", [s for s in PROVIDERS if s.key_required], **BY_ID)
def test_a_provider_that_needs_a_key_refuses_none(spec):
    with pytest.raises(InvalidParam) as raised:
        parse_credentials(TENANT, spec.name, _body(spec) | {spec.key_fields[0]: ""}, None, NOW)
    assert raised.value.param == spec.key_fields[0]


def test_authentication_methods_weir_cannot_speak_are_refused():
    with pytest.raises(InvalidParam, match="auth_method must be one of api_key"):
        parse_credentials(TENANT, "volcengine_maas", {"volc_api_key": "k", "auth_method": "aksk"}, None, NOW)
    with pytest.raises(InvalidParam, match="API_Key"):
        parse_credentials(TENANT, "bedrock", {"bedrock_api_key": "k", "auth_method": "IAM_Role"}, None, NOW)


def test_a_secret_field_weir_does_not_use_is_not_kept_in_clear():
    parsed = parse_credentials(TENANT, "openai", {"openai_api_key": "sk-1", "api_key": "other"}, None, NOW)
    assert parsed.api_key == "sk-1" and "api_key" not in parsed.settings


def test_credentials_without_models_keep_the_stored_models():
    first = parse_credentials(TENANT, "ollama", {"base_url": "http://h:11434", "models": ["llama3"]}, None, NOW)
    second = parse_credentials(TENANT, "ollama", {"base_url": "http://other:11434"}, first, NOW)
    assert [m.name for m in second.models] == ["llama3"] and second.endpoint_url == "http://other:11434/v1"


def test_a_predefined_model_brings_its_limits_and_an_unknown_one_the_defaults():
    credentials = ProviderCredentials(TENANT, "anthropic", "https://api.anthropic.com/v1", "k")
    assert credentials.model("claude-3-5-sonnet-20241022").context_size == 200000
    assert credentials.model("claude-3-5-sonnet-20241022").max_tokens == 8192
    assert credentials.model("claude-next").context_size == 16384


def test_parameter_rules_bound_max_tokens_by_the_model():
    rules = {r.name: r for r in parameter_rules(provider_spec("deepseek"), "deepseek-chat")}
    assert rules["max_tokens"].max == 8192 and "presence_penalty" in rules
    anthropic = {r.name: r for r in parameter_rules(provider_spec("anthropic"), "claude-3-haiku-20240307")}
    assert anthropic["max_tokens"].required and anthropic["max_tokens"].max == 4096 and "top_k" in anthropic
