"""The MCP servers configs that MCP plugins take, as their users write them."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.tools.mcp import DEFAULT_SSE_READ_TIMEOUT, DEFAULT_TIMEOUT
from domain.tools.mcp_servers import McpServersConfigInvalid, arguments_of, parse_servers

names = st.text(st.characters(categories=("L", "N"), include_characters="-_"), min_size=1, max_size=12)
urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https"]),
    st.sampled_from(["mcp.example.com", "127.0.0.1:8000", "host.internal"]),
    st.sampled_from(["sse", "mcp", "sse/abc123", "events"]),
)
servers = st.dictionaries(names, st.fixed_dictionaries({"url": urls}), min_size=1, max_size=5)


@given(servers)
def test_every_named_server_is_kept_in_order_with_or_without_the_mcpservers_wrapper(config):
    parsed = parse_servers(json.dumps(config))
    assert [(name, c.url) for name, c in parsed] == [(name, entry["url"]) for name, entry in config.items()]
    assert parse_servers({"mcpServers": config}) == parsed
    assert all(c.timeout == DEFAULT_TIMEOUT and c.sse_read_timeout == DEFAULT_SSE_READ_TIMEOUT for _, c in parsed)


@given(urls)
def test_a_bare_url_is_one_server(url):
    ((_, connection),) = parse_servers(f"  {url} ")
    assert connection.url == url and connection.headers == {}


def test_headers_and_timeouts_are_read_from_objects_or_json_text():
    config = {
        "a": {"url": "https://x/sse", "headers": '{"Authorization": "Bearer t"}', "timeout": "5", "sse_read_timeout": 9}
    }
    ((name, connection),) = parse_servers(config)
    assert name == "a" and connection.headers == {"Authorization": "Bearer t"}
    assert (connection.timeout, connection.sse_read_timeout) == (5.0, 9.0)
    listed = parse_servers([{"name": "b", "url": "http://y/mcp"}, {"url": "http://z/mcp"}])
    assert [n for n, _ in listed] == ["b", "server_2"]


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ("not json, not a url", "neither a URL nor JSON"),
        ({"a": {"headers": {}}}, "no url"),
        ({"a": {"url": "ftp://x"}}, "http:// or https://"),
        ({"a": {"url": "http://x", "timeout": "soon"}}, "number of seconds"),
        ({"a": {"url": "http://x", "timeout": 0}}, "more than 0"),
        ({"a": {"url": "http://x", "headers": "Bearer x"}}, "JSON object"),
        (42, "a URL, an object or a list"),
    ],
)
def test_a_bad_config_is_refused_saying_what_is_wrong(config, says):
    with pytest.raises(McpServersConfigInvalid, match=says):
        parse_servers(config)


def test_empty_configs_name_no_server_and_arguments_come_as_objects():
    assert parse_servers(None) == parse_servers("") == parse_servers("  ") == []
    assert arguments_of('{"a": 1}') == {"a": 1} and arguments_of("") == {} and arguments_of({"b": 2}) == {"b": 2}
    with pytest.raises(McpServersConfigInvalid):
        arguments_of("[1, 2]")
