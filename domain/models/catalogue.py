"""The model providers weir knows, as data: who they are, what they serve, how they are reached.

A provider is named as Dify names it. DSL files exported from Dify ≥ 1.0 name it by plugin id
(`langgenius/deepseek/deepseek`, `langgenius/gemini/google`), older ones by the bare name (`deepseek`,
`google`); the last segment of a plugin id is the provider name, so both resolve to one entry.

Each entry gives the wire weir speaks, the default endpoint (from the provider's own documentation),
and the credential forms with the field names of Dify's provider plugins, so that a credential body
written for Dify (`openai_api_key`, `dashscope_api_key`, `anthropic_api_url` …) means the same here.
Forms list only what weir honours: an option weir cannot serve (request signing with AWS or Volcengine
access keys, Entra ID) is left out rather than offered and refused later.

Predefined models are a starting list with their limits (context size, longest answer); any other
model name the provider serves works as well, with weir's default limits.
"""

from domain.models.specs import (
    RADIO,
    SECRET,
    SELECT,
    CredentialField,
    ModelType,
    ParameterRule,
    PredefinedModel,
    ProviderSpec,
    UrlVariant,
    Wire,
)
from domain.shared.errors import InvalidParam

LLM, EMBEDDING = ModelType.LLM, ModelType.TEXT_EMBEDDING
RERANK, SPEECH2TEXT, TTS, MODERATION = ModelType.RERANK, ModelType.SPEECH2TEXT, ModelType.TTS, ModelType.MODERATION
PREDEFINED, CUSTOMIZABLE = "predefined-model", "customizable-model"

TOOLS = ("tool-call", "multi-tool-call", "stream-tool-call", "agent-thought")
VISION_TOOLS = ("vision", *TOOLS)


def _key(variable: str = "api_key", required: bool = True) -> CredentialField:
    return CredentialField(variable, "API Key", SECRET, required, placeholder="Enter your API Key")


def _url(variable: str, label: str = "API endpoint URL", default: str | None = None,
         required: bool = False) -> CredentialField:
    return CredentialField(variable, label, required=required, default=default, placeholder=f"Enter your {label}")


def _llm_only(variable: str, label: str, default: str, options: tuple[str, ...] = (), kind: str = "text-input",
              required: bool = False) -> CredentialField:
    return CredentialField(variable, label, kind, required, default, options=options,
                           show_on=(("__model_type", "llm"),))


MODE = _llm_only("mode", "Completion mode", "chat", ("chat", "completion"), SELECT)
CONTEXT_SIZE = CredentialField("context_size", "Model context size", required=True, default="4096")
MAX_TOKENS = _llm_only("max_tokens", "Upper bound for max tokens", "4096")
MAX_TOKENS_TO_SAMPLE = _llm_only("max_tokens_to_sample", "Maximum tokens to sample", "4096")
FUNCTION_CALLING = _llm_only("function_calling_type", "Function calling", "no_call",
                             ("no_call", "function_call", "tool_call"), SELECT)
INTERNATIONAL = CredentialField("use_international_endpoint", "Use international endpoint", RADIO, False, "false",
                                options=("true", "false"), closed=True)
# A customizable provider's per-model limits, in the shape most Dify model forms share.
CUSTOM_MODEL = (CONTEXT_SIZE, MAX_TOKENS, FUNCTION_CALLING)


def _auth(default: str) -> CredentialField:
    """The authentication choice, reduced to the one method weir speaks for that provider."""
    return CredentialField("auth_method", "Authentication Method", SELECT, True, default, options=(default,),
                           closed=True)


def _m(name: str, context: int, max_tokens: int = 4096, *features: str, model_type: ModelType = LLM) -> PredefinedModel:
    return PredefinedModel(name, context, max_tokens, model_type, "chat", tuple(features))


def _embedding(name: str, context: int = 8192) -> PredefinedModel:
    return PredefinedModel(name, context, 0, EMBEDDING, "embedding")


AZURE_API_VERSIONS = (
    "2024-10-21", "2024-06-01", "2024-02-01", "2025-04-01-preview", "2025-03-01-preview", "2025-01-01-preview",
    "2024-12-01-preview", "2024-10-01-preview", "2024-08-01-preview", "2024-05-01-preview",
)
AWS_REGIONS = (
    "us-east-1", "us-east-2", "us-west-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
    "ap-northeast-2", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
    "us-gov-west-1",
)

PROVIDERS: tuple[ProviderSpec, ...] = (
    ProviderSpec(
        name="openai_api_compatible", label="OpenAI-API-compatible", plugin="langgenius/openai_api_compatible",
        wire=Wire.OPENAI, base_url="", model_types=(LLM, EMBEDDING, RERANK, SPEECH2TEXT, TTS),
        configurate_methods=(CUSTOMIZABLE,), key_required=False, remote_name_field="endpoint_model_name",
        description="All model providers compatible with OpenAI's API standard, such as Together.ai.",
        model_form=(
            _key(required=False), _url("endpoint_url", required=True),
            CredentialField("endpoint_model_name", "Model name for API endpoint"),
            MODE, CONTEXT_SIZE, MAX_TOKENS_TO_SAMPLE, FUNCTION_CALLING,
            _llm_only("vision_support", "Vision support", "no_support", ("support", "no_support"), SELECT),
        ),
    ),
    ProviderSpec(
        name="openai", label="OpenAI", plugin="langgenius/openai", wire=Wire.OPENAI,
        base_url="https://api.openai.com/v1", model_types=(LLM, EMBEDDING, SPEECH2TEXT, MODERATION, TTS),
        configurate_methods=(PREDEFINED, CUSTOMIZABLE), key_fields=("openai_api_key",),
        url_fields=("openai_api_base",), url_suffix="/v1",
        headers=(("openai_organization", "OpenAI-Organization"),),
        provider_form=(
            _key("openai_api_key"), CredentialField("openai_organization", "Organization"),
            _url("openai_api_base", "API Base"), CredentialField("validate_model", "Model used to validate"),
        ),
        model_form=(_key("openai_api_key"), CredentialField("openai_organization", "Organization"),
                    _url("openai_api_base", "API Base")),
        models=(
            _m("gpt-4o", 128000, 16384, *VISION_TOOLS), _m("gpt-4o-mini", 128000, 16384, *VISION_TOOLS),
            _m("gpt-4.1", 1047576, 32768, *VISION_TOOLS), _m("gpt-4.1-mini", 1047576, 32768, *VISION_TOOLS),
            _m("gpt-4.1-nano", 1047576, 32768, *VISION_TOOLS), _m("o3-mini", 200000, 100000, *TOOLS),
            _m("gpt-4-turbo", 128000, 4096, *VISION_TOOLS), _m("gpt-3.5-turbo", 16385, 4096, *TOOLS),
            _embedding("text-embedding-3-small", 8191), _embedding("text-embedding-3-large", 8191),
            _embedding("text-embedding-ada-002", 8191),
        ),
        help_url="https://platform.openai.com/account/api-keys", background="#E5E7EB",
    ),
    ProviderSpec(
        name="volcengine_maas", label="Volcengine", plugin="langgenius/volcengine_maas", wire=Wire.OPENAI,
        base_url="https://ark.cn-beijing.volces.com/api/v3", model_types=(LLM, EMBEDDING, SPEECH2TEXT),
        configurate_methods=(CUSTOMIZABLE,), key_fields=("volc_api_key",), url_fields=("api_endpoint_host",),
        remote_name_field="endpoint_id",
        description="Volcengine Ark models (Doubao and others) through Ark's OpenAI-compatible v3 API.",
        model_form=(
            # Ark's v3 API takes an API key as a bearer token; access-key signing is not offered.
            _auth("api_key"),
            CredentialField("volc_api_key", "API Key", SECRET, True, show_on=(("auth_method", "api_key"),)),
            CredentialField("volc_region", "Volcengine Region", default="cn-beijing"),
            _url("api_endpoint_host", "API Endpoint Host", "https://ark.cn-beijing.volces.com/api/v3", True),
            CredentialField("endpoint_id", "Endpoint ID", required=True, placeholder="ep-…"),
            CredentialField("base_model_name", "Base Model", SELECT, True, "Custom", options=(
                "Doubao-1.5-pro-32k", "Doubao-1.5-pro-256k", "Doubao-1.5-lite-32k", "Doubao-1.5-vision-pro-32k",
                "Doubao-pro-32k", "Doubao-pro-128k", "Doubao-lite-32k", "Doubao-embedding", "Custom",
            )),
            MODE, CONTEXT_SIZE, MAX_TOKENS,
        ),
        help_url="https://console.volcengine.com/ark/region:ark+cn-beijing/apiKey",
    ),
    ProviderSpec(
        name="volcengine", label="Volcengine Ark", plugin="langgenius/volcengine", wire=Wire.OPENAI,
        base_url="https://ark.cn-beijing.volces.com/api/v3", configurate_methods=(PREDEFINED, CUSTOMIZABLE),
        key_fields=("ark_api_key",), url_fields=("api_endpoint_host",),
        provider_form=(_key("ark_api_key"), _url("api_endpoint_host", "API Base URL",
                                                 "https://ark.cn-beijing.volces.com/api/v3")),
        model_form=(_key("ark_api_key"), *CUSTOM_MODEL),
    ),
    ProviderSpec(
        name="siliconflow", label="SiliconFlow", plugin="langgenius/siliconflow", wire=Wire.OPENAI,
        base_url="https://api.siliconflow.cn/v1", model_types=(LLM, EMBEDDING, RERANK, SPEECH2TEXT, TTS),
        configurate_methods=(PREDEFINED, CUSTOMIZABLE),
        variants=(UrlVariant("use_international_endpoint", "true", "https://api.siliconflow.com/v1"),),
        provider_form=(_key(), INTERNATIONAL), model_form=(_key(), *CUSTOM_MODEL),
        models=(
            _m("deepseek-ai/DeepSeek-V3", 65536, 8192, *TOOLS), _m("deepseek-ai/DeepSeek-R1", 65536, 16384),
            _m("Qwen/Qwen2.5-72B-Instruct", 32768, 4096, *TOOLS), _m("Qwen/Qwen2.5-7B-Instruct", 32768, 4096, *TOOLS),
            _embedding("BAAI/bge-m3", 8192),
        ),
        help_url="https://cloud.siliconflow.cn/account/ak", background="#ffecff",
    ),
    ProviderSpec(
        name="deepseek", label="deepseek", plugin="langgenius/deepseek", wire=Wire.OPENAI,
        base_url="https://api.deepseek.com",
        provider_form=(_key(), _url("endpoint_url", "Custom API endpoint URL")),
        models=(_m("deepseek-chat", 65536, 8192, *TOOLS), _m("deepseek-reasoner", 65536, 8192, "agent-thought")),
        help_url="https://platform.deepseek.com/api_keys", background="#c0cdff",
    ),
    ProviderSpec(
        name="tongyi", label="Tongyi", plugin="langgenius/tongyi", wire=Wire.OPENAI,
        # DashScope's OpenAI-compatible mode (its native API is /api/v1).
        base_url="https://dashscope.aliyuncs.com/compatible-mode/v1",
        variants=(UrlVariant("use_international_endpoint", "true",
                             "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"),),
        model_types=(LLM, EMBEDDING, RERANK, SPEECH2TEXT, TTS), configurate_methods=(PREDEFINED, CUSTOMIZABLE),
        key_fields=("dashscope_api_key",), aliases=("dashscope", "qwen"),
        provider_form=(_key("dashscope_api_key"), INTERNATIONAL),
        model_form=(_key("dashscope_api_key"), *CUSTOM_MODEL),
        models=(
            _m("qwen-max", 32768, 8192, *TOOLS), _m("qwen-plus", 131072, 8192, *TOOLS),
            _m("qwen-turbo", 1000000, 8192, *TOOLS), _m("qwen-long", 10000000, 8192),
            _m("qwen-vl-max", 32768, 2048, "vision"), _embedding("text-embedding-v3", 8192),
        ),
        help_url="https://dashscope.console.aliyun.com/api-key_management", background="#EFF1FE",
    ),
    ProviderSpec(
        name="google", label="Gemini", plugin="langgenius/gemini", wire=Wire.OPENAI,
        # Gemini's OpenAI-compatible endpoint; Dify's google_base_url names the API host.
        base_url="https://generativelanguage.googleapis.com/v1beta/openai", model_types=(LLM, EMBEDDING),
        key_fields=("google_api_key",), url_fields=("google_base_url",), url_suffix="/v1beta/openai",
        aliases=("gemini",),
        provider_form=(_key("google_api_key"), _url("google_base_url", "API Base URL")),
        models=(
            _m("gemini-2.5-pro", 1048576, 65536, *VISION_TOOLS), _m("gemini-2.5-flash", 1048576, 65536, *VISION_TOOLS),
            _m("gemini-2.0-flash", 1048576, 8192, *VISION_TOOLS), _m("gemini-2.0-flash-lite", 1048576, 8192, "vision"),
            _m("gemini-1.5-pro", 2097152, 8192, *VISION_TOOLS), _m("gemini-1.5-flash", 1048576, 8192, *VISION_TOOLS),
            _embedding("text-embedding-004", 2048), _embedding("gemini-embedding-001", 2048),
        ),
        help_url="https://aistudio.google.com/app/apikey", background="#FCFDFF",
    ),
    ProviderSpec(
        name="modelscope", label="ModelScope", plugin="langgenius/modelscope", wire=Wire.OPENAI,
        base_url="https://api-inference.modelscope.cn/v1", configurate_methods=(PREDEFINED, CUSTOMIZABLE),
        provider_form=(_key(), _url("endpoint_url")), model_form=(_key(), *CUSTOM_MODEL),
        models=(
            _m("Qwen/Qwen2.5-72B-Instruct", 32768, 8192, *TOOLS), _m("Qwen/Qwen2.5-Coder-32B-Instruct", 32768, 8192),
            _m("Qwen/QwQ-32B", 32768, 16384), _m("deepseek-ai/DeepSeek-V3", 65536, 8192),
        ),
        help_url="https://modelscope.cn/my/myaccesstoken",
    ),
    ProviderSpec(
        name="bedrock", label="Amazon Bedrock", plugin="langgenius/bedrock", wire=Wire.OPENAI,
        # Bedrock's OpenAI-compatible Chat Completions endpoint. It takes a Bedrock API key as a bearer
        # token (IAM access keys need SigV4 signing, not offered) and serves the models Bedrock exposes
        # there (OpenAI's gpt-oss and other open-weight models; not Claude, Nova or Llama, which only the
        # Converse / InvokeModel APIs reach). Chat only: it has no /embeddings.
        base_url="https://bedrock-runtime.{aws_region}.amazonaws.com/openai/v1",
        configurate_methods=(PREDEFINED, CUSTOMIZABLE), key_fields=("bedrock_api_key",),
        url_fields=("bedrock_endpoint_url",), url_suffix="/openai/v1",
        provider_form=(
            _auth("API_Key"),
            CredentialField("bedrock_api_key", "Bedrock API Key", SECRET, True, show_on=(("auth_method", "API_Key"),)),
            CredentialField("aws_region", "AWS Region", SELECT, True, "us-east-1", options=AWS_REGIONS),
            _url("bedrock_endpoint_url", "Bedrock Endpoint URL"),
        ),
        model_form=(CredentialField("bedrock_api_key", "Bedrock API Key", SECRET, True), CONTEXT_SIZE),
        models=(_m("openai.gpt-oss-120b-1:0", 128000, 32768, *TOOLS),
                _m("openai.gpt-oss-20b-1:0", 128000, 32768, *TOOLS)),
        help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html", background="#FCFDFF",
    ),
    ProviderSpec(
        name="moonshot", label="Moonshot", plugin="langgenius/moonshot", wire=Wire.OPENAI,
        base_url="https://api.moonshot.cn/v1", configurate_methods=(PREDEFINED, CUSTOMIZABLE), aliases=("kimi",),
        # The international platform (https://api.moonshot.ai/v1) is reached by setting endpoint_url.
        provider_form=(_key(), _url("endpoint_url")), model_form=(_key(), *CUSTOM_MODEL),
        models=(
            _m("moonshot-v1-8k", 8192, 8192, *TOOLS), _m("moonshot-v1-32k", 32000, 32000, *TOOLS),
            _m("moonshot-v1-128k", 128000, 128000, *TOOLS), _m("kimi-k2-0905-preview", 256000, 32768, *TOOLS),
            _m("kimi-k2-turbo-preview", 256000, 32768, *TOOLS),
        ),
        help_url="https://platform.moonshot.cn/console/api-keys", background="#FFFFFF",
    ),
    ProviderSpec(
        name="groq", label="GroqCloud", plugin="langgenius/groq", wire=Wire.OPENAI,
        base_url="https://api.groq.com/openai/v1", model_types=(LLM, SPEECH2TEXT), provider_form=(_key(),),
        models=(
            _m("llama-3.3-70b-versatile", 131072, 32768, *TOOLS), _m("llama-3.1-8b-instant", 131072, 8192, *TOOLS),
            _m("gemma2-9b-it", 8192, 8192), _m("deepseek-r1-distill-llama-70b", 131072, 16000, "agent-thought"),
        ),
        help_url="https://console.groq.com/keys", background="#F5F5F4",
    ),
    ProviderSpec(
        name="zhipuai", label="ZHIPU AI", plugin="langgenius/zhipuai", wire=Wire.OPENAI,
        base_url="https://open.bigmodel.cn/api/paas/v4", model_types=(LLM, EMBEDDING), url_fields=("base_url",),
        aliases=("zhipu", "bigmodel", "glm"),
        provider_form=(_key(), _url("base_url", "API Base URL", "https://open.bigmodel.cn/api/paas/v4/")),
        models=(
            _m("glm-4-plus", 128000, 4095, *TOOLS), _m("glm-4-air", 128000, 4095, *TOOLS),
            _m("glm-4-flash", 128000, 4095, *TOOLS), _m("glm-4-long", 1000000, 4095),
            _m("glm-4.5", 128000, 98304, *TOOLS), _m("glm-4v-plus", 8192, 1024, "vision"),
            _embedding("embedding-3", 8192),
        ),
        help_url="https://open.bigmodel.cn/usercenter/apikeys", background="#EFF1FE",
    ),
    ProviderSpec(
        name="ollama", label="Ollama", plugin="langgenius/ollama", wire=Wire.OPENAI,
        # Ollama's OpenAI-compatible API lives under /v1 of the server Dify's base_url names.
        base_url="http://localhost:11434/v1", model_types=(LLM, EMBEDDING, RERANK),
        configurate_methods=(CUSTOMIZABLE,), key_required=False, url_fields=("base_url",), url_suffix="/v1",
        model_form=(
            _url("base_url", "Base URL", required=True), _key(required=False), MODE, CONTEXT_SIZE, MAX_TOKENS,
            _llm_only("vision_support", "Vision support", "false", ("true", "false"), RADIO),
            _llm_only("function_call_support", "Function call support", "false", ("true", "false"), RADIO),
        ),
        help_url="https://github.com/ollama/ollama", background="#F9FAFB",
    ),
    ProviderSpec(
        name="anthropic", label="Anthropic", plugin="langgenius/anthropic", wire=Wire.ANTHROPIC,
        # The Messages API is {base}/messages; Dify's anthropic_api_url names the host, as Anthropic's SDK does.
        base_url="https://api.anthropic.com/v1", configurate_methods=(PREDEFINED, CUSTOMIZABLE),
        key_fields=("anthropic_api_key",), url_fields=("anthropic_api_url",), url_suffix="/v1", aliases=("claude",),
        provider_form=(_key("anthropic_api_key"), _url("anthropic_api_url", "API URL")),
        model_form=(_key("anthropic_api_key"), _url("anthropic_api_url", "API URL"), CONTEXT_SIZE, MAX_TOKENS),
        models=(
            _m("claude-sonnet-4-20250514", 200000, 64000, *VISION_TOOLS),
            _m("claude-opus-4-20250514", 200000, 32000, *VISION_TOOLS),
            _m("claude-3-7-sonnet-20250219", 200000, 64000, *VISION_TOOLS),
            _m("claude-3-5-sonnet-20241022", 200000, 8192, *VISION_TOOLS),
            _m("claude-3-5-sonnet-20240620", 200000, 8192, *VISION_TOOLS),
            _m("claude-3-5-haiku-20241022", 200000, 8192, *TOOLS),
            _m("claude-3-opus-20240229", 200000, 4096, *VISION_TOOLS),
            _m("claude-3-haiku-20240307", 200000, 4096, *VISION_TOOLS),
        ),
        help_url="https://console.anthropic.com/account/keys", background="#F0F0EB",
    ),
    ProviderSpec(
        name="azure_openai", label="Azure OpenAI Service Model", plugin="langgenius/azure_openai",
        wire=Wire.AZURE_OPENAI, base_url="", model_types=(LLM, EMBEDDING, SPEECH2TEXT, TTS),
        configurate_methods=(CUSTOMIZABLE,), key_fields=("openai_api_key",), url_fields=("openai_api_base",),
        model_label="Deployment Name", aliases=("azure",),
        model_form=(
            _url("openai_api_base", "API Endpoint URL", required=True),
            _auth("api_key"),
            CredentialField("openai_api_key", "API Key", SECRET, True, show_on=(("auth_method", "api_key"),)),
            CredentialField("openai_api_version", "API Version", SELECT, True, "2024-10-21",
                            options=AZURE_API_VERSIONS),
            CredentialField("base_model_name", "Base Model", SELECT, True, options=(
                "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4", "gpt-4-32k", "gpt-35-turbo",
                "gpt-35-turbo-16k", "o3-mini", "text-embedding-3-small", "text-embedding-3-large",
                "text-embedding-ada-002",
            )),
        ),
        help_url="https://azure.microsoft.com/en-us/products/ai-services/openai-service", background="#E3F0FF",
    ),
    ProviderSpec(
        name="yi", label="01.AI", plugin="langgenius/yi", wire=Wire.OPENAI, base_url="https://api.lingyiwanwu.com/v1",
        configurate_methods=(PREDEFINED, CUSTOMIZABLE), aliases=("01ai", "lingyiwanwu"),
        # The international platform (https://api.01.ai/v1) is reached by setting endpoint_url.
        provider_form=(_key(), _url("endpoint_url")), model_form=(_key(), *CUSTOM_MODEL),
        models=(
            _m("yi-lightning", 16384, 16384, *TOOLS), _m("yi-large", 16384, 16384, "agent-thought"),
            _m("yi-medium", 16384, 16384, "agent-thought"), _m("yi-vision", 4096, 4096, "vision"),
        ),
        help_url="https://platform.lingyiwanwu.com/apikeys", background="#E9F1EC",
    ),
    ProviderSpec(
        name="openrouter", label="OpenRouter", plugin="langgenius/openrouter", wire=Wire.OPENAI,
        base_url="https://openrouter.ai/api/v1", model_types=(LLM, EMBEDDING),
        configurate_methods=(PREDEFINED, CUSTOMIZABLE),
        provider_form=(_key(), _url("endpoint_url")),
        model_form=(_key(), _url("endpoint_url"), MODE, CONTEXT_SIZE, MAX_TOKENS_TO_SAMPLE, FUNCTION_CALLING),
        models=(
            _m("openai/gpt-4o", 128000, 16384, *VISION_TOOLS), _m("openai/gpt-4o-mini", 128000, 16384, *VISION_TOOLS),
            _m("anthropic/claude-3.5-sonnet", 200000, 8192, *VISION_TOOLS),
            _m("google/gemini-2.0-flash-001", 1048576, 8192, *VISION_TOOLS),
            _m("deepseek/deepseek-chat", 65536, 8192, *TOOLS),
        ),
        help_url="https://openrouter.ai/keys",
    ),
    ProviderSpec(
        name="mistralai", label="MistralAI", plugin="langgenius/mistralai", wire=Wire.OPENAI,
        base_url="https://api.mistral.ai/v1", model_types=(LLM, EMBEDDING, MODERATION), aliases=("mistral",),
        provider_form=(_key(),),
        models=(
            _m("mistral-large-latest", 131072, 8192, *TOOLS), _m("mistral-medium-latest", 131072, 8192, *TOOLS),
            _m("mistral-small-latest", 131072, 8192, *TOOLS), _m("open-mistral-nemo", 131072, 8192, *TOOLS),
            _m("codestral-latest", 256000, 8192), _embedding("mistral-embed", 8192),
        ),
        help_url="https://console.mistral.ai/api-keys/", background="#FFFFFF",
    ),
    ProviderSpec(
        name="x", label="xAI", plugin="langgenius/x", wire=Wire.OPENAI, base_url="https://api.x.ai/v1",
        aliases=("xai", "grok"), provider_form=(_key(), _url("endpoint_url", default="https://api.x.ai/v1")),
        models=(
            _m("grok-4", 256000, 32768, *VISION_TOOLS), _m("grok-3", 131072, 8192, *TOOLS),
            _m("grok-3-mini", 131072, 8192, *TOOLS), _m("grok-2-1212", 131072, 8192, *TOOLS),
        ),
        help_url="https://console.x.ai/",
    ),
    ProviderSpec(
        name="togetherai", label="together.ai", plugin="langgenius/togetherai", wire=Wire.OPENAI,
        base_url="https://api.together.xyz/v1", configurate_methods=(CUSTOMIZABLE,), aliases=("together",),
        model_form=(_key(), MODE, CONTEXT_SIZE, MAX_TOKENS_TO_SAMPLE),
        help_url="https://api.together.xyz/settings/api-keys",
    ),
    ProviderSpec(
        name="fireworks", label="Fireworks AI", plugin="langgenius/fireworks", wire=Wire.OPENAI,
        base_url="https://api.fireworks.ai/inference/v1", model_types=(LLM, EMBEDDING),
        configurate_methods=(PREDEFINED, CUSTOMIZABLE), key_fields=("fireworks_api_key",),
        provider_form=(_key("fireworks_api_key"),), model_form=(_key("fireworks_api_key"), *CUSTOM_MODEL),
        models=(
            _m("accounts/fireworks/models/llama-v3p1-405b-instruct", 131072, 16384, *TOOLS),
            _m("accounts/fireworks/models/llama-v3p1-70b-instruct", 131072, 16384, *TOOLS),
            _m("accounts/fireworks/models/llama-v3p1-8b-instruct", 131072, 16384, *TOOLS),
            _m("accounts/fireworks/models/mixtral-8x22b-instruct", 65536, 16384, *TOOLS),
        ),
        help_url="https://fireworks.ai/account/api-keys",
    ),
    ProviderSpec(
        name="perplexity", label="Perplexity", plugin="langgenius/perplexity", wire=Wire.OPENAI,
        base_url="https://api.perplexity.ai", provider_form=(_key(), _url("endpoint_url")),
        models=(
            _m("sonar", 127072, 8192), _m("sonar-pro", 200000, 8192), _m("sonar-reasoning", 127072, 8192),
            _m("sonar-reasoning-pro", 127072, 8192), _m("sonar-deep-research", 127072, 8192),
        ),
        help_url="https://www.perplexity.ai/settings/api",
    ),
    ProviderSpec(
        name="vllm", label="vLLM", plugin="langgenius/vllm", wire=Wire.OPENAI, base_url="http://localhost:8000/v1",
        model_types=(LLM, EMBEDDING), configurate_methods=(CUSTOMIZABLE,), key_required=False,
        model_form=(_key(required=False), _url("endpoint_url", required=True), MODE, CONTEXT_SIZE,
                    MAX_TOKENS_TO_SAMPLE, FUNCTION_CALLING),
        help_url="https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
    ),
    ProviderSpec(
        name="xinference", label="Xorbits Inference", plugin="langgenius/xinference", wire=Wire.OPENAI,
        # Xinference serves OpenAI's API under /v1 of its server, naming models by their uid.
        base_url="http://127.0.0.1:9997/v1", model_types=(LLM, EMBEDDING, RERANK, SPEECH2TEXT, TTS),
        configurate_methods=(CUSTOMIZABLE,), key_required=False, url_fields=("server_url",), url_suffix="/v1",
        remote_name_field="model_uid",
        model_form=(_url("server_url", "Server URL", required=True),
                    CredentialField("model_uid", "Model UID", required=True), _key(required=False)),
        help_url="https://github.com/xorbitsai/inference",
    ),
    ProviderSpec(
        name="localai", label="LocalAI", plugin="langgenius/localai", wire=Wire.OPENAI,
        base_url="http://localhost:8080/v1", model_types=(LLM, EMBEDDING, RERANK, SPEECH2TEXT),
        configurate_methods=(CUSTOMIZABLE,), key_required=False, url_fields=("server_url",), url_suffix="/v1",
        model_form=(
            _llm_only("completion_type", "Completion type", "chat_completion", ("completion", "chat_completion"),
                      SELECT),
            _url("server_url", "Server URL", required=True), CredentialField("context_size", "Context size"),
        ),
        help_url="https://github.com/go-skynet/LocalAI",
    ),
    ProviderSpec(
        name="lm_studio", label="LM Studio", plugin="langgenius/lm_studio", wire=Wire.OPENAI,
        base_url="http://localhost:1234/v1", model_types=(LLM, EMBEDDING), configurate_methods=(CUSTOMIZABLE,),
        key_required=False, url_fields=("base_url",), url_suffix="/v1", aliases=("lmstudio",),
        model_form=(_url("base_url", "Base URL", required=True), _key(required=False), MODE, CONTEXT_SIZE, MAX_TOKENS),
        help_url="https://lmstudio.ai/docs/app/api/endpoints/openai",
    ),
)


def _float(name: str, label: str, default: float, low: float, high: float, help_text: str) -> ParameterRule:
    return ParameterRule(name, label, "float", help_text, False, default, low, high, 2, use_template=name)


_TEMPERATURE = _float("temperature", "Temperature", 0.7, 0.0, 2.0,
                      "Higher values make the output more random, lower values more focused and deterministic.")
_TOP_P = _float("top_p", "Top P", 1.0, 0.0, 1.0, "Sample only from the tokens making up the top P probability mass.")
_PRESENCE = _float("presence_penalty", "Presence Penalty", 0.0, -2.0, 2.0, "Penalises tokens that already appeared.")
_FREQUENCY = _float("frequency_penalty", "Frequency Penalty", 0.0, -2.0, 2.0,
                    "Penalises tokens by how often they appeared.")
_MAX_TOKENS = ParameterRule("max_tokens", "Max Tokens", "int", "The longest answer the model may write, in tokens.",
                            False, 512, 1, 4096, 0, use_template="max_tokens")

PARAMETER_RULES: dict[Wire, tuple[ParameterRule, ...]] = {
    Wire.OPENAI: (
        _TEMPERATURE, _TOP_P,
        _PRESENCE, _FREQUENCY,
        _MAX_TOKENS,
        ParameterRule("seed", "Seed", "int", "Makes sampling repeatable where the provider supports it."),
        ParameterRule("response_format", "Response Format", "string", "Ask for JSON output.",
                      options=("text", "json_object"), use_template="response_format"),
    ),
    Wire.AZURE_OPENAI: (
        _TEMPERATURE, _TOP_P,
        _PRESENCE, _FREQUENCY,
        _MAX_TOKENS,
        ParameterRule("response_format", "Response Format", "string", "Ask for JSON output.",
                      options=("text", "json_object"), use_template="response_format"),
    ),
    Wire.ANTHROPIC: (
        _float("temperature", "Temperature", 1.0, 0.0, 1.0, "Higher values make the output more random."),
        _TOP_P,
        ParameterRule("top_k", "Top K", "int", "Sample only from the K most likely tokens.", False, None, 1, 500, 0),
        # Anthropic requires max_tokens on every request.
        ParameterRule("max_tokens", "Max Tokens", "int", "The longest answer the model may write, in tokens.",
                      True, 4096, 1, 8192, 0, use_template="max_tokens"),
    ),
}

BY_NAME: dict[str, ProviderSpec] = {}
for _spec in PROVIDERS:
    for _name in (_spec.name, *_spec.aliases):
        BY_NAME[_name] = _spec


def provider_name(reference: str) -> str:
    """The bare provider name of a reference: `langgenius/openai/openai` → `openai`, `openai` → `openai`,
    an alias (`gemini`, `xai`) → the provider it names. An unknown name comes back as its last segment."""
    name = str(reference or "").strip().strip("/").rsplit("/", 1)[-1]
    found = BY_NAME.get(name) or BY_NAME.get(name.lower())
    return found.name if found else name


def find_provider(reference: str) -> ProviderSpec | None:
    return BY_NAME.get(provider_name(reference))


def provider_spec(reference: str) -> ProviderSpec:
    """The catalogue entry a reference names; InvalidParam (param `provider`) when weir has none."""
    spec = find_provider(reference)
    if spec is None:
        raise InvalidParam(f"Provider {reference} does not exist.", param="provider")
    return spec


def same_provider(a: str | None, b: str | None) -> bool:
    """Whether two references (plugin ids, bare names, aliases) name one provider."""
    return bool(a) and bool(b) and provider_name(str(a)) == provider_name(str(b))


def parameter_rules(spec: ProviderSpec, model: str, max_tokens: int | None = None) -> tuple[ParameterRule, ...]:
    """The completion parameters of a model: its wire's rules, max_tokens bounded by the model's limit."""
    predefined = spec.predefined(model)
    ceiling = max_tokens or (predefined.max_tokens if predefined else None)
    rules = []
    for rule in PARAMETER_RULES[spec.wire]:
        if rule.name == "max_tokens" and ceiling:
            rule = ParameterRule(
                rule.name, rule.label, rule.type, rule.help, rule.required, min(int(rule.default or 0), ceiling),
                rule.min, ceiling, rule.precision, rule.options, rule.use_template,
            )
        rules.append(rule)
    return tuple(rules)
