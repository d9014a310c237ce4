"""http-request request building (fake client) and the model answers' parsing."""

import base64
import json

import pytest

from adapters.workflow.json_repair import repair_json_text
from application.workflows.nodes.http_request import HttpRequestExecutor
from application.workflows.nodes.parameter_extractor import extract
from application.workflows.nodes.question_classifier import pick_class
from domain.workflows.http import HttpRequestRefused, IncomingResponse
from domain.workflows.nodes import NodeFailed
from domain.workflows.variables import VariablePool
from tests.workflow_node_helpers import context, node


class FakeHttpClient:
    def __init__(self, response=None, error=None):
        self.sent, self.response, self.error = [], response, error

    async def send(self, request):
        self.sent.append(request)
        if self.error:
            raise self.error
        return self.response or IncomingResponse(200, {"content-type": "text/plain; charset=utf-8"}, "ok é".encode())


def pool():
    p = VariablePool()
    p.add_outputs("s", {"id": "42", "token": "tok", "name": "Ann"})
    return p


async def test_strings_are_rendered_and_the_answer_is_text_status_and_headers():
    client = FakeHttpClient()
    data = {
        "method": "post",
        "url": "https://api.example.com/items/{{#s.id#}}?x=1",
        "headers": "X-A: {{#s.name#}}\n",
        "params": "q:{{#s.name#}}",
        "body": {"type": "json", "data": [{"type": "text", "value": '{"id": "{{#s.id#}}"}'}]},
        "authorization": {"type": "api-key", "config": {"type": "bearer", "api_key": "{{#s.token#}}"}},
    }
    result = await HttpRequestExecutor(client).run(node("http-request", **data), context(pool()))
    (sent,) = client.sent
    assert (sent.method, sent.url) == ("POST", "https://api.example.com/items/42?x=1&q=Ann")
    assert ("X-A", "Ann") in sent.headers and ("Authorization", "Bearer tok") in sent.headers
    assert ("Content-Type", "application/json") in sent.headers and json.loads(sent.body) == {"id": "42"}
    assert result.outputs == {
        "status_code": 200,
        "body": "ok é",
        "headers": {"content-type": "text/plain; charset=utf-8"},
        "files": [],
    }


async def _sent_json_body(template: str, p: VariablePool | None = None) -> bytes:
    client = FakeHttpClient()
    body = {"type": "json", "data": [{"type": "text", "value": template}]}
    await HttpRequestExecutor(client, repair_json=repair_json_text).run(
        node("http-request", method="post", url="https://e.com", body=body), context(p or pool())
    )
    return client.sent[0].body


async def test_a_valid_json_body_is_sent_as_written():
    assert await _sent_json_body('{"id":  "{{#s.id#}}"}') == b'{"id":  "42"}'


async def test_a_model_answer_with_newlines_inside_a_json_string_is_sent_escaped():
    p = pool()
    p.add_outputs("llm", {"text": "line one\nline two"})
    body = await _sent_json_body('{"prompt": "{{#llm.text#}}"}', p)
    assert b"\\n" in body and json.loads(body) == {"prompt": "line one\nline two"}


async def test_a_body_missing_a_comma_or_with_an_unquoted_id_is_repaired_as_dify_does():
    broken = '{\n"model":"{{#s.name#}}",\n"prompt":"{{#s.id#}}"\n"width":1536 ,\n}'
    assert json.loads(await _sent_json_body(broken)) == {"model": "Ann", "prompt": "42", "width": 1536}
    p = pool()
    p.add_outputs("row", {"uuid": "57eeeeb1-450b-482c-81b9-4be77e95dee2"})
    unquoted = await _sent_json_body('{"rowId": {{#row.uuid#}}}', p)
    assert json.loads(unquoted) == {"rowId": "57eeeeb1-450b-482c-81b9-4be77e95dee2"}


async def test_a_json_body_that_is_prose_fails_the_node_before_sending():
    client = FakeHttpClient()
    body = {"type": "json", "data": [{"type": "text", "value": "hello {{#s.name#}}"}]}
    with pytest.raises(NodeFailed, match="Invalid JSON body"):
        await HttpRequestExecutor(client).run(
            node("http-request", method="post", url="https://e.com", body=body), context(pool())
        )
    assert client.sent == []


@pytest.mark.parametrize(
    ("config", "header"),
    [
        (
            {"type": "basic", "api_key": "user:pass"},
            ("Authorization", "Basic " + base64.b64encode(b"user:pass").decode()),
        ),
        ({"type": "custom", "header": "X-Key", "api_key": "k"}, ("X-Key", "k")),
    ],
)
async def test_api_key_authorization(config, header):
    client = FakeHttpClient()
    data = {"url": "https://e.com", "authorization": {"type": "api-key", "config": config}}
    await HttpRequestExecutor(client).run(node("http-request", **data), context(pool()))
    assert header in client.sent[0].headers


async def test_form_bodies_and_timeouts_are_capped():
    client = FakeHttpClient()
    data = {
        "method": "post",
        "url": "https://e.com",
        "timeout": {"connect": 99, "read": 5},
        "body": {"type": "x-www-form-urlencoded", "data": [{"key": "a", "value": "{{#s.name#}} x"}]},
    }
    await HttpRequestExecutor(client).run(node("http-request", **data), context(pool()))
    assert (
        client.sent[0].body == b"a=Ann+x"
        and client.sent[0].timeouts.connect == 10
        and client.sent[0].timeouts.read == 5
    )


async def test_refusals_and_bad_urls_fail_the_node():
    with pytest.raises(NodeFailed, match="loopback"):
        await HttpRequestExecutor(FakeHttpClient(error=HttpRequestRefused("address is loopback"))).run(
            node("http-request", url="http://127.0.0.1"), context(pool())
        )
    with pytest.raises(NodeFailed, match="Invalid URL"):
        await HttpRequestExecutor(FakeHttpClient()).run(node("http-request", url="file:///etc/passwd"), context(pool()))


CLASSES = [{"id": "c1", "name": "Billing"}, {"id": "c2", "name": "Support"}]


@pytest.mark.parametrize(
    ("answer", "chosen"),
    [
        ('{"category_id": "c2", "category_name": "Support"}', "c2"),
        ('```json\n{"category_name": "support"}\n```', "c2"),
        ("I think this is about Support.", "c2"),
        ("no idea", "c1"),
    ],
)
def test_the_class_is_found_in_any_answer_shape(answer, chosen):
    assert pick_class(answer, CLASSES)["id"] == chosen


def test_extracted_parameters_are_coerced_and_checked():
    parameters = [
        {"name": "city", "type": "string", "required": True},
        {"name": "days", "type": "number"},
        {"name": "unit", "type": "select", "options": ["C", "F"]},
        {"name": "tags", "type": "array[string]"},
    ]
    values, reason = extract('Sure: {"city": "Oslo", "days": "3", "unit": "C", "tags": ["a"]}', parameters)
    assert values == {"city": "Oslo", "days": 3, "unit": "C", "tags": ["a"]} and reason is None
    values, reason = extract('{"days": "many", "unit": "K"}', parameters)
    assert values == {"city": "", "days": 0, "unit": "", "tags": []}
    assert "Missing required parameter: city" in reason and "days" in reason and "unit" in reason


def test_form_data_sends_each_file_of_a_file_field_and_a_binary_body_is_the_files_bytes():
    from application.workflows.nodes.http_body import encode_body, file_selectors

    body = {
        "type": "form-data",
        "data": [
            {"key": "caption", "type": "text", "value": "{{#s.name#}}"},
            {"key": "image", "type": "file", "file": ["s", "pics"], "value": ""},
        ],
    }
    assert file_selectors(body) == {1: ["s", "pics"]}
    files = {1: [("a.png", b"\x89PNG-a", "image/png"), ('b"x.png', b"\x89PNG-b", "image/png")]}
    raw, content_type = encode_body(body, pool(), files)
    boundary = content_type.split("boundary=")[1]
    parts = raw.split(f"--{boundary}".encode())
    assert b'name="caption"\r\n\r\nAnn\r\n' in parts[1]
    assert b'name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG-a\r\n' in parts[2]
    assert b'filename="b%22x.png"' in parts[3] and parts[-1] == b"--\r\n"
    binary = {"type": "binary", "data": [{"type": "binary", "file": ["s", "doc"]}]}
    assert encode_body(binary, pool(), {0: [("r.pdf", b"%PDF", "application/pdf")]}) == (b"%PDF", "application/pdf")
    with pytest.raises(NodeFailed, match="names no file"):
        encode_body(binary, pool(), {})


async def test_a_body_with_files_fails_the_node_clearly_without_a_file_store():
    p = pool()
    p.add("s", "pic", {"dify_model_identity": "__dify__file__", "filename": "a.png", "related_id": "x"})
    data = {
        "method": "post",
        "url": "https://api.example.com/up",
        "body": {"type": "form-data", "data": [{"key": "f", "type": "file", "file": ["s", "pic"]}]},
    }
    client = FakeHttpClient()
    with pytest.raises(NodeFailed, match="file store"):
        await HttpRequestExecutor(client).run(node("http-request", **data), context(p))
    assert client.sent == []


async def test_a_remote_file_that_never_finishes_arriving_fails_within_the_fetch_deadline():
    import asyncio

    from application.files.file_content import FileUnavailable, LoadFileContent
    from domain.files.entities import UploadLimits

    class Dripping:  # a server that keeps the connection alive with a byte now and then: no timeout ever fires
        async def send(self, request):
            await asyncio.Event().wait()

    files = LoadFileContent(None, None, Dripping(), UploadLimits(), fetch_deadline=0.05)
    link = {"transfer_method": "remote_url", "remote_url": "https://files.example.com/a.pdf", "extension": ".pdf"}
    with pytest.raises(FileUnavailable, match=r"Could not fetch https://files.example.com/a.pdf: no full answer"):
        await files.load(link, None)


def test_a_json_body_takes_multi_line_text_inside_its_strings_and_is_sent_valid():
    from application.workflows.nodes.http_body import encode_body

    p = pool()
    p.add("llm", "text", "Line one\n\tLine two — ü")
    body = {"type": "json", "data": [{"type": "text", "value": '{\n"prompt": "{{#llm.text#}}", "n": 1\n}'}]}
    raw, content_type = encode_body(body, p)
    # The text put a raw line break and tab inside the string (Dify reads that leniently); what is sent is JSON.
    assert content_type == "application/json"
    assert raw == '{"prompt":"Line one\\n\\tLine two — ü","n":1}'.encode()
    assert json.loads(raw) == {"prompt": "Line one\n\tLine two — ü", "n": 1}
    # A missing comma is repaired, as Dify repairs JSON bodies (json_repair).
    assert (
        encode_body(
            {"type": "json", "data": [{"type": "text", "value": '{"a": 1\n"b": 2}'}]}, p, repair=repair_json_text
        )[0]
        == b'{"a":1,"b":2}'
    )
    with pytest.raises(NodeFailed, match="Invalid JSON body"):  # no repairer given: only strict and lenient parsing
        encode_body({"type": "json", "data": [{"type": "text", "value": '{"a": 1\n"b": 2}'}]}, p)


@pytest.mark.parametrize(
    ("headers", "body", "url", "expected"),
    [
        ({"content-type": "image/png"}, b"\x89PNG", "https://x.example/a/cat.png?s=1", ("image/png", "cat.png")),
        ({"content-type": "application/pdf"}, b"%PDF-1", "https://x.example/report", ("application/pdf", "")),
        (
            {"Content-Type": "application/octet-stream", "Content-Disposition": 'attachment; filename="q 1.xlsx"'},
            b"PK\x03\x04",
            "https://x.example/dl",
            ("application/octet-stream", "q 1.xlsx"),
        ),
        (
            {"content-type": "text/csv", "content-disposition": "attachment; filename*=UTF-8''%E6%8A%A5.csv"},
            b"a,b\n",
            "https://x.example/dl",
            ("text/csv", "报.csv"),
        ),
        ({"content-type": "application/json; charset=utf-8"}, b'{"a": 1}', "https://x.example/a.json", None),
        ({"content-type": "text/html"}, b"<p>hi</p>", "https://x.example/", None),
        ({"content-type": "application/octet-stream"}, "plain words é".encode(), "https://x.example/t", None),
        (
            {"content-type": "application/octet-stream"},
            b"\x00\x01\xff",
            "https://x.example/b",
            ("application/octet-stream", ""),
        ),
        ({}, b"", "https://x.example/empty.png", None),
    ],
)
def test_an_answer_is_a_file_when_its_type_or_disposition_says_so(headers, body, url, expected):
    from application.workflows.nodes.http_answer import answer_file

    assert answer_file(IncomingResponse(200, headers, body, url)) == expected
