"""The `tavily` builtin (Dify's plugin `langgenius/tavily`): Tavily's search and extract APIs with the
workspace's API key. Answers the API's JSON, and a text digest of it for the nodes that read `text`."""

from collections.abc import Mapping
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from adapters.tools.builtin.web_calls import call_json, flag, number
from domain.tools.entities import (
    CredentialField,
    MessageType,
    ParameterForm,
    ParameterType,
    Tool,
    ToolInvocation,
    ToolMessage,
    ToolProviderInfo,
)
from domain.tools.errors import ToolInvokeError
from domain.workflows.http import HttpClient

API = "https://api.tavily.com"


def _domains(value: Any) -> list[str] | None:
    items = [d.strip() for d in str(value or "").replace(";", ",").replace(" ", ",").split(",") if d.strip()]
    return items or None


def search_body(parameters: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "query": str(parameters.get("query") or "").strip(),
        "search_depth": parameters.get("search_depth") or "basic",
        "topic": parameters.get("topic") or "general",
        "max_results": number(parameters.get("max_results"), 5, highest=20),
        "include_answer": flag(parameters.get("include_answer")),
        "include_images": flag(parameters.get("include_images")),
        "include_raw_content": flag(parameters.get("include_raw_content")),
        "include_domains": _domains(parameters.get("include_domains")),
        "exclude_domains": _domains(parameters.get("exclude_domains")),
    }
    if parameters.get("time_range") not in (None, "", "none"):
        body["time_range"] = parameters["time_range"]
    if not body["query"]:
        raise ToolInvokeError("query is required")
    return {key: value for key, value in body.items() if value is not None}


def digest(found: Mapping[str, Any]) -> str:
    parts = [f"Answer: {found['answer']}\n"] if found.get("answer") else []
    for result in found.get("results") or []:
        parts.append(f"Title: {result.get('title', '')}\nURL: {result.get('url', '')}\n"
                     f"Content: {result.get('content', '')}\n")
        if result.get("raw_content"):
            parts.append(f"Raw Content: {result['raw_content']}\n")
    return "\n".join(parts) or "No results found."


def tavily_provider(http: HttpClient) -> BuiltinProvider:
    def key(invocation: ToolInvocation) -> dict[str, str]:
        api_key = str(invocation.credentials.get("tavily_api_key") or "")
        if not api_key:
            raise ToolInvokeError("Tavily's API key is not set: add it to the Tavily provider under Tools.")
        return {"Authorization": f"Bearer {api_key}"}

    async def search(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        found = await call_json(http, "Tavily", "POST", f"{API}/search", body=search_body(parameters),
                                headers=key(invocation))
        images = [i if isinstance(i, str) else i.get("url", "") for i in found.get("images") or []]
        return [ToolMessage.of_text(digest(found)), ToolMessage.of_json(found),
                *(ToolMessage(MessageType.IMAGE_LINK, text=url) for url in images if url)]

    async def extract(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        urls = [u.strip() for u in str(parameters.get("urls") or "").replace(",", " ").split() if u.strip()]
        if not urls:
            raise ToolInvokeError("urls is required")
        body = {"urls": urls, "include_images": flag(parameters.get("include_images")),
                "extract_depth": parameters.get("extract_depth") or "basic"}
        found = await call_json(http, "Tavily", "POST", f"{API}/extract", body=body, headers=key(invocation))
        text = "\n\n".join(f"URL: {r.get('url', '')}\n{r.get('raw_content', '')}" for r in found.get("results") or [])
        return [ToolMessage.of_text(text or "Nothing could be extracted."), ToolMessage.of_json(found)]

    def setting(name: str, kind: ParameterType, description: str, default: Any = None, options=()):
        return param(name, kind, form=ParameterForm.FORM, description=description, default=default,
                     options=options)

    return BuiltinProvider(
        ToolProviderInfo(
            id="tavily",
            type="builtin",
            name="tavily",
            label="Tavily",
            plugin_id="langgenius/tavily",
            description="Tavily's search engine, built for AI agents.",
            credentials_schema=(
                CredentialField("tavily_api_key", required=True, label="Tavily API key",
                                help="Get one at https://app.tavily.com"),
            ),
        ),
        [
            BuiltinTool(
                Tool("tavily_search", "Tavily Search", "Search the web with Tavily.", (
                    param("query", required=True, description="The search query"),
                    setting("search_depth", ParameterType.SELECT, "basic or advanced", "basic", ("basic", "advanced")),
                    setting("topic", ParameterType.SELECT, "general, news or finance", "general",
                            ("general", "news", "finance")),
                    setting("time_range", ParameterType.STRING, "day, week, month or year"),
                    setting("max_results", ParameterType.NUMBER, "The number of results (1-20)", 5),
                    setting("include_answer", ParameterType.BOOLEAN, "Include a short answer", False),
                    setting("include_images", ParameterType.BOOLEAN, "Include image URLs", False),
                    setting("include_raw_content", ParameterType.BOOLEAN, "Include each page's text", False),
                    setting("include_domains", ParameterType.STRING, "Only these domains (comma-separated)"),
                    setting("exclude_domains", ParameterType.STRING, "Never these domains (comma-separated)"),
                )),
                search,
            ),
            BuiltinTool(
                Tool("tavily_extract", "Tavily Extract", "Extract the content of web pages with Tavily.", (
                    param("urls", required=True, description="The URLs, separated by commas or spaces"),
                    setting("include_images", ParameterType.BOOLEAN, "Include image URLs", False),
                    setting("extract_depth", ParameterType.SELECT, "basic or advanced", "basic",
                            ("basic", "advanced")),
                )),
                extract,
            ),
        ],
    )
