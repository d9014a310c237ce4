"""What the web-facing builtins share: a call through the SSRF-guarded HttpClient port that answers JSON or
text or a tool error the user can read, and a summary written by the workspace's default LLM."""

import json
from collections.abc import Mapping
from contextlib import aclosing
from typing import Any
from urllib.parse import urlencode, urlsplit
from uuid import UUID

from application.models.resolve_model import ResolveModel
from domain.models.entities import ChatMessage, ChatRequest
from domain.shared.errors import DomainError
from domain.tools.errors import ToolInvokeError
from domain.workflows.http import (
    HttpClient,
    HttpRequestFailed,
    HttpRequestRefused,
    HttpTimeouts,
    IncomingResponse,
    OutgoingRequest,
)

SUMMARY_INPUT = 12_000
TIMEOUTS = HttpTimeouts(connect=10, read=60, write=10)


async def call(
    http: HttpClient,
    service: str,
    method: str,
    url: str,
    *,
    query: Mapping[str, Any] | None = None,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
) -> IncomingResponse:
    """One request; a refused address, a transport failure or an error status becomes a ToolInvokeError
    naming the service and what it answered."""
    if query:
        url = f"{url}?{urlencode({k: v for k, v in query.items() if v is not None})}"
    sent = dict(headers or {})
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    try:
        response = await http.send(OutgoingRequest(method, url, tuple(sent.items()), payload, TIMEOUTS))
    except (HttpRequestRefused, HttpRequestFailed) as error:
        raise ToolInvokeError(f"{service} could not be reached: {error.message}") from None
    if response.status_code >= 400:
        raise ToolInvokeError(f"{service} answered {response.status_code}: {response.text()[:500]}")
    return response


async def call_json(http: HttpClient, service: str, method: str, url: str, **kwargs: Any) -> Any:
    response = await call(http, service, method, url, **kwargs)
    try:
        return json.loads(response.body)
    except ValueError:
        raise ToolInvokeError(f"{service} answered something that is not JSON: {response.text()[:200]}") from None


def page_url(parameters: Mapping[str, Any]) -> str:
    """The `url` parameter of a tool that reads a page: an absolute http(s) URL, or a ToolInvokeError."""
    url = str(parameters.get("url") or "").strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise ToolInvokeError(f"Invalid URL: {url!r}")
    return url


class Summarizer:
    """Dify's `session.model.summary`: the workspace's default LLM condenses a tool's text."""

    def __init__(self, models: ResolveModel) -> None:
        self._models = models

    async def __call__(self, tenant_id: UUID, text: str, instruction: str = "") -> str:
        prompt = "Summarize the text below in a few sentences, in its own language."
        if instruction:
            prompt += f" Keep what answers this: {instruction}"
        try:
            settings = await self._models.default_settings(tenant_id)
            resolved = await self._models.execute(tenant_id, settings)
            request = ChatRequest(
                model=settings.name,
                params={"temperature": 0.2, "max_tokens": 512},
                messages=(ChatMessage.system(prompt), ChatMessage.user(text[:SUMMARY_INPUT])),
            )
            async with aclosing(resolved.model.stream(request)) as chunks:
                return "".join([chunk.delta async for chunk in chunks])
        except DomainError as error:
            raise ToolInvokeError(f"Could not summarize: {error.message}") from None


def flag(value: Any) -> bool:
    """A form boolean as DSL files store it: true/false, 1/0, "true"/"1"."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def number(value: Any, default: int, lowest: int = 1, highest: int = 100) -> int:
    try:
        return max(lowest, min(highest, int(float(value))))
    except (TypeError, ValueError):
        return default
