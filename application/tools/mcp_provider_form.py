"""What the console sends to create or update a workspace MCP server, checked once for both."""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from domain.shared.errors import InvalidParam
from domain.tools.mcp import DEFAULT_SSE_READ_TIMEOUT, DEFAULT_TIMEOUT, HIDDEN_URL_MARK

_IDENTIFIER = re.compile(r"^[a-z0-9_-]{1,24}$")
MAX_NAME = 40
MAX_TIMEOUT = 3600.0


@dataclass(frozen=True, slots=True)
class McpProviderForm:
    name: str
    server_url: str
    server_identifier: str
    icon: str = ""
    icon_type: str = "emoji"
    icon_background: str = ""
    timeout: float | None = None
    sse_read_timeout: float | None = None
    headers: dict[str, str] | None = None
    keeps_url: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > MAX_NAME:
            raise InvalidParam(f"name must be 1 to {MAX_NAME} characters.", param="name")
        if not _IDENTIFIER.match(self.server_identifier):
            raise InvalidParam(
                "server_identifier must be 1 to 24 lowercase letters, digits, '_' or '-'.", param="server_identifier"
            )
        # On update, Dify's console sends the masked URL back to mean "unchanged".
        object.__setattr__(self, "keeps_url", HIDDEN_URL_MARK in self.server_url)
        if not self.keeps_url and not valid_url(self.server_url):
            raise InvalidParam("Server URL is not valid.", param="server_url")
        for name in ("timeout", "sse_read_timeout"):
            value = getattr(self, name)
            if value is not None and not 0 < value <= MAX_TIMEOUT:
                raise InvalidParam(f"{name} must be more than 0 and at most {MAX_TIMEOUT:g} seconds.", param=name)
        for key, value in (self.headers or {}).items():
            if not isinstance(key, str) or not isinstance(value, str) or not key.strip():
                raise InvalidParam("headers must map header names to text values.", param="headers")

    def stored_icon(self) -> str:
        """An emoji icon is kept as Dify keeps it: JSON with its background; an image icon as its URL."""
        if self.icon_type == "emoji":
            return json.dumps({"content": self.icon, "background": self.icon_background or ""}, ensure_ascii=False)
        return self.icon

    def timeouts(self) -> tuple[float, float]:
        return self.timeout or DEFAULT_TIMEOUT, self.sse_read_timeout or DEFAULT_SSE_READ_TIMEOUT


def valid_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)
