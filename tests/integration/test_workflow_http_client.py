"""HttpxHttpClient and the http-request node against a real HTTP server on loopback, and the SSRF guard."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.workflow.httpx_client import HttpxHttpClient
from application.workflows.nodes.http_request import HttpRequestExecutor
from domain.workflows.http import HttpRequestFailed, HttpRequestRefused, OutgoingRequest
from domain.workflows.nodes import NodeFailed
from domain.workflows.variables import VariablePool
from tests.workflow_node_helpers import context, node


class Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list] = []

    def _handle(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        Recorder.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
        query = parse_qs(urlsplit(self.path).query)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", query["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        payload = b"x" * int(query["size"][0]) if "size" in query else json.dumps({"path": self.path}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Reply", "yes")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def allowed():
    Recorder.seen.clear()
    return HttpxHttpClient(allowed_hosts=["127.0.0.1"])


def pool():
    p = VariablePool()
    p.add_outputs("s", {"name": "Ann", "key": "k-1"})
    return p


async def run(client, **data):
    return await HttpRequestExecutor(client).run(node("http-request", **data), context(pool()))


BODIES = [
    (
        {"type": "json", "data": [{"type": "text", "value": '{"n": "{{#s.name#}}"}'}]},
        "application/json",
        b'{"n": "Ann"}',
    ),
    ({"type": "raw-text", "data": [{"type": "text", "value": "hi {{#s.name#}}"}]}, "text/plain", b"hi Ann"),
    (
        {"type": "x-www-form-urlencoded", "data": [{"key": "a", "type": "text", "value": "{{#s.name#}}"}]},
        "application/x-www-form-urlencoded",
        b"a=Ann",
    ),
]


@pytest.mark.parametrize(("body", "content_type", "raw"), BODIES)
async def test_each_body_type_arrives_as_sent(server, allowed, body, content_type, raw):
    result = await run(allowed, method="post", url=server + "/in", body=body)
    (seen,) = Recorder.seen
    assert seen["headers"]["Content-Type"] == content_type and seen["body"] == raw
    assert result.outputs["status_code"] == 201 and result.outputs["headers"]["x-reply"] == "yes"
    assert json.loads(result.outputs["body"]) == {"path": "/in"} and result.outputs["files"] == []


async def test_form_data_is_multipart(server, allowed):
    await run(
        allowed,
        method="post",
        url=server + "/form",
        body={"type": "form-data", "data": [{"key": "who", "type": "text", "value": "{{#s.name#}}"}]},
    )
    (seen,) = Recorder.seen
    assert seen["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="who"\r\n\r\nAnn\r\n' in seen["body"]


async def test_auth_headers_params_and_host_header(server, allowed):
    await run(
        allowed,
        method="get",
        url=server + "/p",
        params="q:{{#s.name#}}",
        headers="X-Trace: 1",
        authorization={
            "type": "api-key",
            "config": {"type": "custom", "header": "X-Api-Key", "api_key": "{{#s.key#}}"},
        },
    )
    (seen,) = Recorder.seen
    assert seen["path"] == "/p?q=Ann" and seen["headers"]["X-Api-Key"] == "k-1" and seen["headers"]["X-Trace"] == "1"
    assert seen["headers"]["Host"] == server.removeprefix("http://")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:9/",
        "http://localhost:9/",
        "http://[::ffff:127.0.0.1]:9/",
        "http://0.0.0.0:9/",
    ],
)
async def test_private_targets_are_refused_by_default(url):
    with pytest.raises(HttpRequestRefused, match="Refused to connect"):
        await HttpxHttpClient().send(OutgoingRequest("GET", url))


async def test_a_redirect_to_a_private_address_is_refused(server):
    client = HttpxHttpClient(allowed_hosts=["127.0.0.1"])  # the first hop is allowed, its target is not
    with pytest.raises(HttpRequestRefused, match=r"10\.0\.0\.1"):
        await client.send(OutgoingRequest("GET", server + "/redirect?to=http://10.0.0.1/admin"))


async def test_an_allowed_redirect_is_followed(server, allowed):
    response = await allowed.send(OutgoingRequest("GET", server + "/redirect?to=/landed"))
    assert response.status_code == 201 and json.loads(response.body) == {"path": "/landed"}


async def test_the_node_fails_clearly_on_a_refusal(server):
    with pytest.raises(NodeFailed, match="loopback"):
        await run(HttpxHttpClient(), url=server + "/x")


async def test_a_body_over_the_cap_fails(server):
    client = HttpxHttpClient(allowed_hosts=["127.0.0.1"], max_body_bytes=1024)
    with pytest.raises(HttpRequestFailed, match="larger than"):
        await client.send(OutgoingRequest("GET", server + "/big?size=5000"))


async def test_allow_listing_a_network_or_a_host_name(server):
    port = server.rsplit(":", 1)[1]
    assert (
        await HttpxHttpClient(allowed_hosts=["127.0.0.0/8"]).send(OutgoingRequest("GET", server + "/a"))
    ).status_code == 201
    response = await HttpxHttpClient(allowed_hosts=["localhost"]).send(
        OutgoingRequest("GET", f"http://localhost:{port}/b")
    )
    assert response.status_code == 201
