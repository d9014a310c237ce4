"""The `searxng` builtin (Dify's plugin `langgenius/searxng`): a search on the workspace's own SearXNG
instance (its base URL is the provider's credential; JSON output must be enabled there). A SearXNG on a
private address is reached only when HTTP_REQUEST_ALLOWED_HOSTS allows its host, like every outgoing call."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from adapters.tools.builtin.web_calls import call_json, number
from domain.tools.entities import (
    CredentialField,
    ParameterForm,
    ParameterType,
    Tool,
    ToolInvocation,
    ToolMessage,
    ToolProviderInfo,
)
from domain.tools.errors import ToolInvokeError
from domain.workflows.http import HttpClient

# The search_type options of Dify's tool → SearXNG categories.
CATEGORIES = {"page": "general", "general": "general", "news": "news", "image": "images", "images": "images",
              "video": "videos", "videos": "videos", "file": "files", "files": "files", "music": "music",
              "science": "science", "it": "it", "map": "map", "social media": "social media"}


def searxng_provider(http: HttpClient) -> BuiltinProvider:
    async def search(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        base = str(invocation.credentials.get("searxng_base_url") or "").strip().rstrip("/")
        if not base or urlsplit(base).scheme not in ("http", "https"):
            raise ToolInvokeError("SearXNG's base URL is not set: add it to the SearXNG provider under Tools.")
        query = str(parameters.get("query") or "").strip()
        if not query:
            raise ToolInvokeError("query is required")
        kind = str(parameters.get("search_type") or "general").strip().lower()
        found = await call_json(http, "SearXNG", "GET", f"{base}/search", query={
            "q": query, "format": "json", "categories": CATEGORIES.get(kind, kind),
            "language": parameters.get("language") or None, "time_range": parameters.get("time_range") or None,
        }, headers={"Accept": "application/json"})
        results = (found.get("results") or [])[: number(parameters.get("num_results"), 5, highest=50)]
        if str(parameters.get("result_type") or "").lower() == "link":
            return [ToolMessage.of_text("\n".join(f"[{r.get('title', '')}]({r.get('url', '')})" for r in results))]
        return [ToolMessage.of_json(result) for result in results]

    return BuiltinProvider(
        ToolProviderInfo(
            id="searxng",
            type="builtin",
            name="searxng",
            label="SearXNG",
            plugin_id="langgenius/searxng",
            description="A free internet metasearch engine, self-hosted.",
            credentials_schema=(
                CredentialField("searxng_base_url", type="text-input", required=True, label="SearXNG base URL",
                                placeholder="http://searxng:8080"),
            ),
        ),
        [
            BuiltinTool(
                Tool("searxng_search", "SearXNG Search", "Search the web with SearXNG.", (
                    param("query", required=True, description="Key words for searching"),
                    param("search_type", form=ParameterForm.FORM, default="general",
                          description="general (Page), images, videos, news, files, music, science, it"),
                    param("num_results", ParameterType.NUMBER, form=ParameterForm.FORM, default=5,
                          description="How many results to answer"),
                    param("result_type", form=ParameterForm.FORM, default="text",
                          description="text (JSON results) or link (markdown links)"),
                    param("language", form=ParameterForm.FORM, description="A language code, e.g. en"),
                    param("time_range", form=ParameterForm.FORM, description="day, week, month or year"),
                )),
                search,
            )
        ],
    )
