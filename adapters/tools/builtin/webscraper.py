"""The `webscraper` builtin: a page fetched through the SSRF guard (the HttpClient port), its readable text
(beautifulsoup4), and, when asked, a summary written by the workspace's default LLM."""

from collections.abc import Mapping
from typing import Any

from bs4 import BeautifulSoup

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from adapters.tools.builtin.web_calls import Summarizer, page_url
from application.models.resolve_model import ResolveModel
from domain.tools.entities import ParameterForm, ParameterType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError
from domain.workflows.http import HttpClient, HttpRequestFailed, HttpRequestRefused, HttpTimeouts, OutgoingRequest

DEFAULT_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
_SKIP = ("script", "style", "noscript", "template", "svg", "head", "iframe")


def readable(html: str) -> tuple[str, str]:
    """(title, text) of a page: scripts, styles and markup dropped, one line per block, blank runs folded."""
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else ""
    for tag in soup(_SKIP):
        tag.decompose()
    lines = [line.strip() for line in soup.get_text("\n").splitlines()]
    return title, "\n".join(line for line in lines if line)


def webscraper_provider(http: HttpClient, models: ResolveModel) -> BuiltinProvider:
    summary = Summarizer(models)

    async def scrape(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        url = page_url(parameters)
        headers = (("User-Agent", str(parameters.get("user_agent") or DEFAULT_AGENT)), ("Accept", "text/html,*/*"))
        try:
            response = await http.send(OutgoingRequest("GET", url, headers, timeouts=HttpTimeouts(10, 30, 10)))
        except (HttpRequestRefused, HttpRequestFailed) as error:
            raise ToolInvokeError(f"Could not fetch {url}: {error.message}") from None
        if response.status_code >= 400:
            raise ToolInvokeError(f"Could not fetch {url}: status {response.status_code}")
        body = response.text()
        is_html = "html" in response.headers.get("content-type", "html") or body.lstrip().startswith("<")
        title, text = readable(body) if is_html else ("", body)
        if parameters.get("generate_summary"):
            return [ToolMessage.of_text(await summary(invocation.tenant_id, text))]
        return [ToolMessage.of_text(f"TITLE: {title}\nURL: {url}\nTEXT:\n{text}" if title else text)]

    return BuiltinProvider(
        ToolProviderInfo(
            id="webscraper",
            type="builtin",
            name="webscraper",
            label="Web Scraper",
            plugin_id="langgenius/webscraper",
            description="Web Scrapper tool kit is used to scrape web",
        ),
        [
            BuiltinTool(
                Tool(
                    "webscraper",
                    "Web Scraper",
                    "A tool for scraping webpages.",
                    (
                        param("url", required=True, description="The URL of the page to scrape"),
                        param("user_agent", form=ParameterForm.FORM, description="The User-Agent header to send"),
                        param(
                            "generate_summary",
                            ParameterType.BOOLEAN,
                            form=ParameterForm.FORM,
                            default=False,
                            description="Answer with a summary instead of the full text",
                        ),
                    ),
                ),
                scrape,
            )
        ],
    )
