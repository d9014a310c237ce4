"""Whether a provider takes a key: `GET {endpoint}/models`, which OpenAI, every OpenAI-compatible server and
Anthropic answer for free (401 for a bad key). A chat completion, which is what Dify sends, would spend tokens
(and queue an answer at a scripted upstream) on every save."""

import httpx

from adapters.llm.anthropic_wire import API_VERSION
from adapters.llm.factory import provider_headers
from domain.models.catalogue import find_provider
from domain.models.providers import ProviderCredentials
from domain.models.specs import Wire

REFUSED = (401, 403)
# A model list answers at once; the console's modal waits for this, so a provider that hangs must not hold it.
TIMEOUT_SECONDS = 10.0


class HttpProviderKeyCheck:
    def __init__(self, timeout: float = TIMEOUT_SECONDS, enabled: bool = True) -> None:
        self._timeout = timeout
        self._enabled = enabled

    async def refusal(self, credentials: ProviderCredentials) -> str | None:
        if not self._enabled:
            return None
        spec = find_provider(credentials.provider)
        key = credentials.api_key
        # Azure OpenAI lists models per deployment API version, so a key is only tried by a chat there.
        if spec is None or not key or spec.wire is Wire.AZURE_OPENAI or not credentials.endpoint_url:
            return None
        if spec.wire is Wire.ANTHROPIC:
            headers = {"x-api-key": key, "anthropic-version": API_VERSION}
        else:
            headers = dict(provider_headers(spec, credentials) or {"Authorization": f"Bearer {key}"})
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(credentials.endpoint_url.rstrip("/") + "/models", headers=headers)
        except httpx.HTTPError:
            return None
        if response.status_code not in REFUSED:
            return None
        return _reason(response)


def _reason(response: httpx.Response) -> str:
    """The provider's message (OpenAI's and Anthropic's `error.message`), else its status."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else error if isinstance(error, str) else None
    return str(message)[:500] if message else f"the provider refused the key (HTTP {response.status_code})"
