"""The `jina` builtin (Dify's plugin `langgenius/jina`): Jina Reader turns a page into LLM-ready text
(`https://r.jina.ai/<url>`). It works without a key at a low rate; a saved API key raises the limit."""

import json
from collections.abc import Mapping
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from adapters.tools.builtin.web_calls import Summarizer, call, flag, page_url
from application.models.resolve_model import ResolveModel
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

READER = "https://r.jina.ai/"
# Form settings → the Reader's request headers (a true flag sends "true"; text settings their value).
FLAG_HEADERS = {
    "image_caption": "X-With-Generated-Alt",
    "gather_all_links_at_the_end": "X-With-Links-Summary",
    "gather_all_images_at_the_end": "X-With-Images-Summary",
    "no_cache": "X-No-Cache",
    "with_iframe": "X-With-Iframe",
    "with_shadow_dom": "X-With-Shadow-Dom",
}
TEXT_HEADERS = {
    "target_selector": "X-Target-Selector",
    "wait_for_selector": "X-Wait-For-Selector",
    "remove_selector": "X-Remove-Selector",
    "proxy_server": "X-Proxy-Url",
}


def reader_headers(parameters: Mapping[str, Any], api_key: str) -> dict[str, str]:
    headers = {"Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    for name, header in TEXT_HEADERS.items():
        if str(parameters.get(name) or "").strip():
            headers[header] = str(parameters[name]).strip()
    for name, header in FLAG_HEADERS.items():
        if flag(parameters.get(name)):
            headers[header] = "true"
    content_format = str(parameters.get("content_format") or "default")
    if content_format != "default":
        headers["X-Return-Format"] = content_format
    if ("retain_images" in parameters and not flag(parameters.get("retain_images"))) or flag(
        parameters.get("remove_images")
    ):
        headers["X-Retain-Images"] = "none"
    if flag(parameters.get("no_cache_track")):
        headers["DNT"] = "1"
    return headers


def _request_params(raw: Any) -> dict[str, Any] | None:
    if raw in (None, ""):
        return None
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as error:
        raise ToolInvokeError(f"Invalid request_params: {error}") from None
    if not isinstance(value, dict):
        raise ToolInvokeError("Invalid request_params: it must be a JSON object")
    return value


def jina_provider(http: HttpClient, models: ResolveModel) -> BuiltinProvider:
    summarize = Summarizer(models)

    async def read(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        url = page_url(parameters)
        headers = reader_headers(parameters, str(invocation.credentials.get("api_key") or ""))
        response = await call(http, "Jina Reader", "GET", READER + url, headers=headers,
                              query=_request_params(parameters.get("request_params")))
        text = response.text()
        if flag(parameters.get("summary")):
            return [ToolMessage.of_text(await summarize(invocation.tenant_id, text))]
        return [ToolMessage.of_text(text)]

    def setting(name: str, description: str, kind: ParameterType = ParameterType.BOOLEAN):
        return param(name, kind, form=ParameterForm.FORM, description=description,
                     default=False if kind == ParameterType.BOOLEAN else None)

    return BuiltinProvider(
        ToolProviderInfo(
            id="jina",
            type="builtin",
            name="jina",
            label="Jina AI",
            plugin_id="langgenius/jina",
            description="Jina Reader: any URL as LLM-friendly text.",
            credentials_schema=(
                CredentialField("api_key", required=False, label="API Key (optional)",
                                help="Raises the Reader's rate limit: https://jina.ai/reader"),
            ),
        ),
        [
            BuiltinTool(
                Tool(
                    "jina_reader",
                    "JinaReader",
                    "Read a web page and answer its content as text an LLM can use.",
                    (
                        param("url", required=True, description="The URL of the page to read"),
                        param("request_params", description="Query parameters for the page, as a JSON object"),
                        setting("target_selector", "CSS selectors of the parts to keep", ParameterType.STRING),
                        setting("wait_for_selector", "CSS selectors to wait for", ParameterType.STRING),
                        setting("remove_selector", "CSS selectors of the parts to drop", ParameterType.STRING),
                        setting("content_format", "default, markdown, html, text or screenshot",
                                ParameterType.STRING),
                        setting("retain_images", "Keep the page's images"),
                        setting("image_caption", "Caption the images"),
                        setting("gather_all_links_at_the_end", "List the links at the end"),
                        setting("gather_all_images_at_the_end", "List the images at the end"),
                        setting("proxy_server", "A proxy for the Reader to use", ParameterType.STRING),
                        setting("no_cache", "Bypass the Reader's cache"),
                        setting("with_iframe", "Include iframes"),
                        setting("with_shadow_dom", "Include shadow DOM content"),
                        setting("max_retries", "How many times to retry", ParameterType.NUMBER),
                        setting("summary", "Answer with a summary by the default LLM"),
                    ),
                ),
                read,
            )
        ],
    )
