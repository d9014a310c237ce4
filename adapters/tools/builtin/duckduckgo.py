"""The `duckduckgo` builtin (Dify's official plugin `langgenius/duckduckgo`, by its tool names): web, news,
image and video search through the `ddgs` metasearch library, which needs no API key.

ddgs answers "No results found." when every engine it tried refused the request (a 403, a captcha page), far
more often than for a query without matches, so each search is spaced from the last one this process made
and retried with a fresh client (a new browser fingerprint, engines reshuffled) before weir gives up with a
message that says so. ddgs is synchronous: it runs on a worker thread."""

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from adapters.tools.builtin.web_calls import Summarizer, flag, number
from application.models.resolve_model import ResolveModel
from domain.tools.entities import (
    MessageType,
    ParameterForm,
    ParameterType,
    Tool,
    ToolInvocation,
    ToolMessage,
    ToolProviderInfo,
)
from domain.tools.errors import ToolInvokeError

# (category, query, options) -> results: ddgs in production, a fake in tests.
Search = Callable[[str, str, Mapping[str, Any]], Awaitable[list[dict]]]

ATTEMPTS = 3
SPACING = 2.0  # seconds between two searches of this process: parallel nodes must not burst the engines
TIMEOUT = 10  # ddgs' own 5 s gives up on the slower engines, leaving those most likely to block
NO_RESULTS = "No results found."
# ddgs' image engines name time ranges as Bing does.
TIME_LIMITS = {"Day": "day", "Week": "week", "Month": "month", "Year": "year"}


class DdgsSearch:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._next_slot = 0.0

    async def __call__(self, category: str, query: str, options: Mapping[str, Any]) -> list[dict]:
        from ddgs import DDGS  # imported on first use: most processes never search
        from ddgs.exceptions import DDGSException

        kwargs = {k: v for k, v in options.items() if k != "proxy" and v not in (None, "")}
        last: Exception | None = None
        for attempt in range(ATTEMPTS):
            await self._wait_for_slot()
            try:
                client = DDGS(proxy=options.get("proxy") or None, timeout=TIMEOUT)
                return await asyncio.to_thread(getattr(client, category), query, **kwargs)
            except DDGSException as error:
                last = error
                if attempt + 1 < ATTEMPTS:
                    await asyncio.sleep(2.0 * 2**attempt + random.uniform(0, 1))
        if str(last) == NO_RESULTS:
            raise ToolInvokeError(
                f"DuckDuckGo {category} search found nothing for {query!r} after {ATTEMPTS} attempts: the search "
                "engines most likely refused this server's requests. Retry later, run fewer searches at once, or "
                "set a proxy server or other engines (backend) on the tool."
            )
        raise ToolInvokeError(f"DuckDuckGo {category} search failed after {ATTEMPTS} attempts: {last}")

    async def _wait_for_slot(self) -> None:
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + SPACING
        if slot > now:
            await asyncio.sleep(slot - now)


def _common(parameters: Mapping[str, Any], default_results: int) -> dict[str, Any]:
    return {
        "max_results": number(parameters.get("max_results"), default_results, highest=50),
        "backend": str(parameters.get("backend") or "").strip() or None,
        "proxy": str(parameters.get("proxy_server") or "").strip() or None,
    }


def _query(parameters: Mapping[str, Any]) -> str:
    query = str(parameters.get("query") or "").strip()
    if not query:
        raise ToolInvokeError("query is required")
    return query


def duckduckgo_provider(models: ResolveModel, search: Search | None = None) -> BuiltinProvider:
    find: Search = search or DdgsSearch()
    summarize = Summarizer(models)

    async def text_search(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        query = _query(parameters)
        results = await find("text", query, _common(parameters, 5))
        messages = [ToolMessage.of_json(result) for result in results]
        if flag(parameters.get("require_summary")):
            bodies = "\n".join(str(result.get("body") or "") for result in results)
            messages.insert(0, ToolMessage.of_text(await summarize(invocation.tenant_id, bodies, query)))
        return messages

    async def news_search(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        query = _query(parameters)
        results = await find("news", query, _common(parameters, 5) | {"timelimit": _news_time(parameters)})
        if flag(parameters.get("require_summary")):
            bodies = "\n".join(str(result.get("body") or "") for result in results)
            return [ToolMessage.of_text(await summarize(invocation.tenant_id, bodies, query))]
        return [ToolMessage.of_json(result) for result in results]

    async def image_search(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        limit = parameters.get("timelimit")
        options = _common(parameters, 3) | {"timelimit": TIME_LIMITS.get(limit, limit), "size": parameters.get("size")}
        results = await find("images", _query(parameters), options)
        return [ToolMessage(MessageType.IMAGE_LINK, text=str(r["image"])) for r in results if r.get("image")]

    async def video_search(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        results = await find("videos", _query(parameters), _common(parameters, 3))
        return [ToolMessage.of_json(result) for result in results]

    async def translate(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        raise ToolInvokeError(
            "DuckDuckGo Translate is no longer offered by DuckDuckGo (Dify's plugin dropped it too): use an LLM "
            "node or another translation tool."
        )

    def tool(name: str, label: str, description: str, *extra, results: int = 5) -> tuple:
        return (
            name,
            label,
            description,
            (
                param("query", required=True, description="Key words for searching"),
                param("max_results", ParameterType.NUMBER, form=ParameterForm.FORM, default=results,
                      description="The maximum number of results"),
                *extra,
                param("proxy_server", form=ParameterForm.FORM,
                      description="An http/https/socks proxy, e.g. http://user:pass@example.com:3128"),
                param("backend", form=ParameterForm.FORM,
                      description="Comma-separated engines to query in order (empty: rotate through all)"),
            ),
        )

    summary = param("require_summary", ParameterType.BOOLEAN, form=ParameterForm.FORM, default=False,
                    description="Pass the results to the default LLM for a summary")
    return BuiltinProvider(
        ToolProviderInfo(
            id="duckduckgo",
            type="builtin",
            name="duckduckgo",
            label="DuckDuckGo",
            plugin_id="langgenius/duckduckgo",
            description="A privacy-focused search engine.",
        ),
        [
            BuiltinTool(Tool(*tool("ddgo_search", "DuckDuckGo Search", "Perform searches on DuckDuckGo.", summary)),
                        text_search),
            BuiltinTool(Tool(*tool("ddgo_news", "DuckDuckGo News Search", "Search news on DuckDuckGo.", summary,
                                   param("timelimit", ParameterType.SELECT, form=ParameterForm.FORM,
                                         options=("Day", "Week", "Month", "Year"),
                                         description="Only results within this time range")
                                   )), news_search),
            BuiltinTool(Tool(*tool("ddgo_img", "DuckDuckGo Image Search", "Search images on DuckDuckGo.",
                                   param("timelimit", ParameterType.SELECT, form=ParameterForm.FORM,
                                         options=("Day", "Week", "Month", "Year"),
                                         description="Only results within this time range"),
                                   param("size", ParameterType.SELECT, form=ParameterForm.FORM,
                                         options=("Small", "Medium", "Large", "Wallpaper"),
                                         description="The size of the images"),
                                   results=3)), image_search),
            BuiltinTool(Tool(*tool("ddgo_video", "DuckDuckGo Video Search", "Search videos on DuckDuckGo.",
                                   results=3)), video_search),
            BuiltinTool(Tool("ddgo_translate", "DuckDuckGo Translate", "No longer offered by DuckDuckGo.", (
                param("query", required=True, description="The text to translate"),
                param("translate_to", form=ParameterForm.FORM, description="The target language code"),
            )), translate),
        ],
    )


def _news_time(parameters: Mapping[str, Any]) -> str | None:
    limit = parameters.get("timelimit")
    return {"Day": "d", "Week": "w", "Month": "m", "Year": "y"}.get(limit, limit) or None
