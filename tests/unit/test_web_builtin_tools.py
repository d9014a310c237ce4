"""The web-facing builtins (DuckDuckGo, Jina Reader, Wikipedia, Tavily, SearXNG) and ECharts, as a tool node
sees them: Dify's tool names and parameters, the request each sends (a fake HTTP client or search answers),
what it answers, and a tool error a user can read for bad input or a missing key."""

import json
from types import SimpleNamespace
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.tools.builtin.duckduckgo import duckduckgo_provider
from adapters.tools.builtin.echarts import echarts_provider
from adapters.tools.builtin.jina import jina_provider
from adapters.tools.builtin.searxng import searxng_provider
from adapters.tools.builtin.tavily import tavily_provider
from adapters.tools.builtin.wikipedia import wikipedia_provider
from domain.tools.entities import MessageType, ToolInvocation
from domain.tools.errors import ToolInvokeError
from domain.tools.parameters import check
from domain.workflows.http import HttpRequestFailed, IncomingResponse


class FakeHttp:
    """Answers queued responses in order and keeps what was sent."""

    def __init__(self, *answers):
        self.sent, self.answers = [], list(answers)

    async def send(self, request):
        self.sent.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        raw = body if isinstance(body, str) else json.dumps(body)
        return IncomingResponse(status, {"content-type": "application/json"}, raw.encode())


class FakeModels:
    """The workspace's default LLM: answers 'summary of <n> chars' and keeps the prompts."""

    def __init__(self):
        self.prompts = []

    async def default_settings(self, tenant_id):
        return SimpleNamespace(name="stub")

    async def execute(self, tenant_id, settings):
        async def stream(request):
            self.prompts.append(request.messages)
            yield SimpleNamespace(delta=f"summary of {len(request.messages[-1].content)} chars")

        return SimpleNamespace(model=SimpleNamespace(stream=stream))


def invocation(**credentials):
    return ToolInvocation(tenant_id=uuid4(), user_id="alice", credentials=credentials)


async def call(provider, tool_name, credentials=None, **parameters):
    [tool] = [t for t in await provider.tools() if t.name == tool_name]
    return await provider.invoke(tool_name, check(tool, parameters), invocation(**(credentials or {})))


# ECharts


async def test_a_bar_chart_is_an_echarts_block_of_the_numbers_and_labels():
    [message] = await call(echarts_provider(), "bar_chart", title="Sales", data="1;2.5;3", x_axis="a;b；c")
    assert message.text.startswith("```echarts\n") and message.text.endswith("\n```")
    option = json.loads(message.text.removeprefix("```echarts\n").removesuffix("\n```"))
    assert option["title"]["text"] == "Sales" and option["xAxis"]["data"] == ["a", "b", "c"]
    assert option["series"] == [{"type": "bar", "data": [1, 2.5, 3]}]


async def test_a_pie_chart_names_each_slice_and_mismatched_counts_are_a_tool_error():
    [message] = await call(echarts_provider(), "pie_chart", title="Share", data="30;70", categories="x;y")
    option = json.loads(message.text.split("\n", 1)[1].rsplit("\n", 1)[0])
    assert option["series"][0]["data"] == [{"name": "x", "value": 30}, {"name": "y", "value": 70}]
    with pytest.raises(ToolInvokeError, match="2 names for 3 values"):
        await call(echarts_provider(), "pie_chart", title="t", data="1;2;3", categories="x;y")
    with pytest.raises(ToolInvokeError, match="numbers"):
        await call(echarts_provider(), "line_chart", title="t", data="1;two", x_axis="a;b")


@given(st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=30))
def test_chart_data_reads_back_the_numbers_written(values):
    from adapters.tools.builtin.echarts import axis_chart

    option = axis_chart("line", {"data": ";".join(map(str, values)), "x_axis": ""})
    assert option["series"][0]["data"] == values and len(option["xAxis"]["data"]) == len(values)


# DuckDuckGo


async def test_duckduckgo_search_answers_a_json_message_per_result_with_the_form_settings_passed_on():
    asked = []

    async def search(category, query, options):
        asked.append((category, query, dict(options)))
        return [{"title": "A", "href": "https://a", "body": "first"}, {"title": "B", "href": "https://b", "body": "x"}]

    provider = duckduckgo_provider(FakeModels(), search)
    messages = await call(provider, "ddgo_search", query="dify", max_results=2, backend="brave")
    assert [m.json["href"] for m in messages] == ["https://a", "https://b"]
    assert asked == [("text", "dify", {"max_results": 2, "backend": "brave", "proxy": None})]


async def test_duckduckgo_summary_comes_first_and_images_are_image_links():
    async def search(category, query, options):
        if category == "images":
            return [{"image": "https://img/1.png", "title": "one"}, {"title": "no image"}]
        return [{"title": "A", "href": "https://a", "body": "hello world"}]

    models = FakeModels()
    provider = duckduckgo_provider(models, search)
    messages = await call(provider, "ddgo_search", query="dify", require_summary=True)
    assert messages[0].type == MessageType.TEXT and messages[0].text == "summary of 11 chars"
    assert messages[1].json["body"] == "hello world"
    images = await call(provider, "ddgo_img", query="cats", timelimit="Week")
    assert [(m.type, m.text) for m in images] == [(MessageType.IMAGE_LINK, "https://img/1.png")]
    with pytest.raises(ToolInvokeError, match="no longer offered"):
        await call(provider, "ddgo_translate", query="hola", translate_to="en")


# Jina Reader


async def test_jina_reader_sends_the_url_with_the_settings_as_headers_and_answers_the_page():
    http = FakeHttp('{"code":200,"data":{"content":"# Title"}}')
    provider = jina_provider(http, FakeModels())
    [message] = await call(provider, "jina_reader", {"api_key": "jina_k"}, url="https://example.com/a",
                           target_selector="main", gather_all_links_at_the_end=1, no_cache=0,
                           request_params='{"lang": "en"}')
    (sent,) = http.sent
    headers = dict(sent.headers)
    assert sent.url == "https://r.jina.ai/https://example.com/a?lang=en"
    assert headers["Authorization"] == "Bearer jina_k" and headers["X-Target-Selector"] == "main"
    assert headers["X-With-Links-Summary"] == "true" and "X-No-Cache" not in headers
    assert json.loads(message.text)["data"]["content"] == "# Title"


async def test_jina_reader_refuses_a_non_url_and_reports_the_readers_error():
    with pytest.raises(ToolInvokeError, match="Invalid URL"):
        await call(jina_provider(FakeHttp(), FakeModels()), "jina_reader", url="not a url")
    with pytest.raises(ToolInvokeError, match="Jina Reader answered 429"):
        await call(jina_provider(FakeHttp((429, "slow down")), FakeModels()), "jina_reader", url="https://x.org")
    with pytest.raises(ToolInvokeError, match="could not be reached"):
        await call(jina_provider(FakeHttp(HttpRequestFailed("timed out")), FakeModels()), "jina_reader",
                   url="https://x.org")


# Wikipedia


async def test_wikipedia_answers_each_articles_introduction_in_the_language_asked():
    http = FakeHttp(
        {"query": {"search": [{"title": "Dify"}, {"title": "LLM"}]}},
        {"query": {"pages": {"1": {"title": "Dify", "extract": "Dify is a platform."},
                             "2": {"title": "LLM", "extract": "A large language model."}}}},
    )
    [message] = await call(wikipedia_provider(http), "wikipedia_search", query="dify", language="Chinese")
    assert all(sent.url.startswith("https://zh.wikipedia.org/w/api.php?") for sent in http.sent)
    assert "srsearch=dify" in http.sent[0].url
    assert message.text == "Page: Dify\nSummary: Dify is a platform.\n\nPage: LLM\nSummary: A large language model."


async def test_wikipedia_without_a_match_says_so_and_a_bad_language_is_a_tool_error():
    [message] = await call(wikipedia_provider(FakeHttp({"query": {"search": []}})), "wikipedia_search", query="zz")
    assert message.text == "No good Wikipedia Search Result was found"
    with pytest.raises(ToolInvokeError, match="language"):
        await call(wikipedia_provider(FakeHttp()), "wikipedia_search", query="x", language="en/../evil")


# Tavily


async def test_tavily_search_posts_the_query_with_the_key_and_answers_a_digest_and_the_json():
    found = {"answer": "42", "results": [{"title": "T", "url": "https://t", "content": "c"}], "images": []}
    http = FakeHttp(found)
    messages = await call(tavily_provider(http), "tavily_search", {"tavily_api_key": "tvly-1"}, query="q",
                          include_answer=1, max_results=3, include_domains="a.com, b.com")
    (sent,) = http.sent
    assert (sent.method, sent.url) == ("POST", "https://api.tavily.com/search")
    assert dict(sent.headers)["Authorization"] == "Bearer tvly-1"
    body = json.loads(sent.body)
    assert (body["query"], body["max_results"], body["include_answer"]) == ("q", 3, True)
    assert body["include_domains"] == ["a.com", "b.com"] and "exclude_domains" not in body
    assert messages[0].text.startswith("Answer: 42") and "URL: https://t" in messages[0].text
    assert messages[1].json == found


async def test_tavily_without_a_key_is_a_tool_error_that_names_where_to_set_it():
    http = FakeHttp()
    with pytest.raises(ToolInvokeError, match="API key is not set"):
        await call(tavily_provider(http), "tavily_search", query="q")
    assert http.sent == []


# SearXNG


async def test_searxng_searches_the_workspaces_instance_and_answers_links_or_json():
    results = {"results": [{"title": f"R{i}", "url": f"https://r/{i}", "content": "c"} for i in range(5)]}
    http = FakeHttp(results, results)
    credentials = {"searxng_base_url": "https://searx.example.org/"}
    [links] = await call(searxng_provider(http), "searxng_search", credentials, query="q", search_type="Page",
                         num_results=2, result_type="link")
    assert http.sent[0].url.startswith("https://searx.example.org/search?q=q&format=json&categories=general")
    assert links.text == "[R0](https://r/0)\n[R1](https://r/1)"
    answers = await call(searxng_provider(http), "searxng_search", credentials, query="q", num_results=3)
    assert [m.json["url"] for m in answers] == ["https://r/0", "https://r/1", "https://r/2"]
    with pytest.raises(ToolInvokeError, match="base URL is not set"):
        await call(searxng_provider(FakeHttp()), "searxng_search", query="q")
