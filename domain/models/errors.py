"""Why a model call failed. The HTTP layer answers each with Dify's code: `provider_not_initialize` 400,
`completion_request_error` 400, `provider_quota_exceeded` 400, `rate_limit_error` 429.
"""

from domain.shared.errors import DomainError


class ModelProviderError(DomainError):
    """Base of the errors a chat model or its provider set-up raises."""


class ProviderNotInitialized(ModelProviderError):
    default_message = (
        "No valid model provider credentials found. "
        "Please go to Settings -> Model Provider to complete your provider credentials."
    )


class CompletionRequestError(ModelProviderError):
    """The provider refused or failed the request; the message is the provider's own description."""

    default_message = "Completion request failed."


class ProviderQuotaExceeded(ModelProviderError):
    default_message = (
        "Your quota for Dify Hosted Model Provider has been exhausted. "
        "Please go to Settings -> Model Provider to complete your own provider credentials."
    )


class RateLimitError(ModelProviderError):
    default_message = "Rate Limit Error"


class PromptTooLong(CompletionRequestError):
    """The system prompt and the query alone exceed the model's context once max_tokens is reserved."""

    default_message = (
        "Query or prefix prompt is too long, you can reduce the prefix prompt, "
        "or shrink the max token, or switch to a llm with a larger token limit size."
    )
