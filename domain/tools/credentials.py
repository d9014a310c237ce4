"""Tool provider credentials as the console shows and sends them: secrets masked on the way out, a masked
value on the way in keeps the stored secret."""

from collections.abc import Iterable, Mapping
from typing import Any

from domain.models.providers import mask
from domain.models.specs import HIDDEN_VALUE
from domain.tools.api_requests import AUTH_TYPES
from domain.tools.errors import ToolParameterError

# The fields of a custom (api) provider's credentials that are secret.
API_SECRETS = ("api_key_value",)


def masked(credentials: Mapping[str, Any], secrets: Iterable[str]) -> dict[str, Any]:
    hidden = set(secrets)
    return {k: (mask(str(v)) if k in hidden and v else v) for k, v in credentials.items()}


def _is_masked(value: Any) -> bool:
    return isinstance(value, str) and (value == HIDDEN_VALUE or "*" in value)


def merged(new: Mapping[str, Any], old: Mapping[str, Any], secrets: Iterable[str]) -> dict[str, Any]:
    """The credentials to store: `new`, except a secret sent back masked keeps the `old` one."""
    result = dict(new)
    for name in secrets:
        if _is_masked(result.get(name)) and name in old:
            result[name] = old[name]
    return result


def checked_api_credentials(credentials: Mapping[str, Any]) -> dict[str, Any]:
    """A custom provider's auth as Dify's console sends it; unknown auth types and a key-less api_key refused."""
    auth = str(credentials.get("auth_type") or "none")
    if auth not in AUTH_TYPES:
        raise ToolParameterError(f"auth_type must be one of {', '.join(AUTH_TYPES)}.", param="credentials")
    if auth != "none" and not str(credentials.get("api_key_value") or "").strip():
        raise ToolParameterError("api_key_value is required for this auth_type.", param="credentials")
    prefix = credentials.get("api_key_header_prefix")
    if prefix and prefix not in ("basic", "bearer", "custom"):
        raise ToolParameterError("api_key_header_prefix must be basic, bearer or custom.", param="credentials")
    return {**credentials, "auth_type": auth}
