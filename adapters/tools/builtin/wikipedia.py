"""The `wikipedia` builtin: the best matching articles' introductions, from the MediaWiki API of the
language asked for (Dify's answer shape: "Page: …\nSummary: …" per article)."""

from collections.abc import Mapping
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from adapters.tools.builtin.web_calls import call_json
from domain.tools.entities import ParameterForm, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError
from domain.workflows.http import HttpClient

ARTICLES = 3
EXTRACT = 4000  # characters of an introduction: Dify's wrapper cuts documents at 4000 too
LANGUAGES = {
    "english": "en", "chinese": "zh", "spanish": "es", "french": "fr", "german": "de", "japanese": "ja",
    "russian": "ru", "portuguese": "pt", "italian": "it", "korean": "ko", "arabic": "ar", "hindi": "hi",
    "dutch": "nl", "polish": "pl", "turkish": "tr", "vietnamese": "vi", "indonesian": "id", "swedish": "sv",
}


def language_code(value: Any) -> str:
    raw = str(value or "en").strip()
    code = LANGUAGES.get(raw.lower(), raw.lower())
    if not (code.replace("-", "").isalpha() and 2 <= len(code) <= 12):
        raise ToolInvokeError(f"Unknown Wikipedia language: {raw!r}")
    return code


def wikipedia_provider(http: HttpClient) -> BuiltinProvider:
    async def search(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        query = str(parameters.get("query") or "").strip()
        if not query:
            raise ToolInvokeError("query is required")
        api = f"https://{language_code(parameters.get('language'))}.wikipedia.org/w/api.php"
        found = await call_json(http, "Wikipedia", "GET", api, query={
            "action": "query", "list": "search", "srsearch": query, "srlimit": ARTICLES, "format": "json",
        })
        titles = [hit["title"] for hit in (found.get("query") or {}).get("search") or [] if hit.get("title")]
        if not titles:
            return [ToolMessage.of_text("No good Wikipedia Search Result was found")]
        pages = await call_json(http, "Wikipedia", "GET", api, query={
            "action": "query", "prop": "extracts", "exintro": 1, "explaintext": 1, "redirects": 1,
            "titles": "|".join(titles), "format": "json",
        })
        listed = ((pages.get("query") or {}).get("pages") or {}).values()
        intros = {page.get("title"): page.get("extract") or "" for page in listed}
        parts = [f"Page: {title}\nSummary: {intros.get(title, '')[:EXTRACT]}" for title in titles if title in intros]
        return [ToolMessage.of_text("\n\n".join(parts) or "No good Wikipedia Search Result was found")]

    return BuiltinProvider(
        ToolProviderInfo(
            id="wikipedia",
            type="builtin",
            name="wikipedia",
            label="Wikipedia",
            plugin_id="langgenius/wikipedia",
            description="Wikipedia is the largest and most-read reference work in history.",
        ),
        [
            BuiltinTool(
                Tool(
                    "wikipedia_search",
                    "WikipediaSearch",
                    "Search Wikipedia and answer the best matching articles' introductions.",
                    (
                        param("query", required=True, description="Key words for searching"),
                        param("language", required=True, default="en", form=ParameterForm.LLM,
                              description="The language code (en, zh, ...) or name of the Wikipedia to search"),
                    ),
                ),
                search,
            )
        ],
    )
