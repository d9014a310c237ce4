"""Code nodes reach the network only through weir's egress proxy, which refuses what http-request nodes
refuse (HTTP_REQUEST_ALLOWED_HOSTS); a socket that bypasses it gets nowhere. Real sandboxes, real `requests`
(from a packages environment holding just it), a real HTTP server on the host's loopback."""

import asyncio
import http.server
import socket
import threading
from pathlib import Path

import pytest

from adapters.workflow.egress_proxy import EgressProxy
from adapters.workflow.sandbox_env import SandboxEnvironment
from adapters.workflow.subprocess_code_runner import NAMESPACED, SubprocessCodeRunner
from domain.workflows.sandbox import CodeExecutionFailed
from entrypoints.containers.workflows import egress_proxy
from entrypoints.settings import Settings
from tests.polling import eventually


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"hello from the host"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def servers():
    """The same server on 127.0.0.1 and 127.0.0.2 (both the host's loopback): one allowed, one not."""
    started = []
    for host in ("127.0.0.1", "127.0.0.2"):
        server = http.server.ThreadingHTTPServer((host, 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
    yield {
        host: f"http://{host}:{s.server_address[1]}"
        for host, s in zip(("127.0.0.1", "127.0.0.2"), started, strict=True)
    }
    for server in started:
        server.shutdown()


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    folder: Path = tmp_path_factory.mktemp("net-packages")
    (folder / "requirements.txt").write_text("requests\n")
    environment = SandboxEnvironment(folder / "requirements.txt", folder / "sandbox-env")
    return environment, folder


def runner(packages, allowed=(), network=True) -> SubprocessCodeRunner:
    environment, folder = packages
    built = SubprocessCodeRunner(
        environment=environment,
        egress=EgressProxy(allowed) if network else None,
        hidden_paths=(str(folder),),
        wall_seconds=10,
    )
    if built.isolation not in NAMESPACED:
        pytest.skip("the egress proxy is the network of namespaced sandboxes only")
    environment.start(built._python_level()[1])
    assert environment.wait(120) and environment.state == "ready", environment.error
    return built


GET = (
    "import requests\n"
    "def main(url: str) -> dict:\n"
    "    r = requests.get(url, timeout=5)\n"
    "    return {'status': r.status_code, 'body': r.text, 'egress': r.headers.get('X-Weir-Egress', '')}\n"
)


async def test_an_allowed_loopback_server_answers_through_the_proxy(packages, servers):
    code_runner = await asyncio.to_thread(runner, packages, ["127.0.0.1"])
    answer = await code_runner.run("python3", GET, {"url": servers["127.0.0.1"] + "/hello"})
    assert answer == {"status": 200, "body": "hello from the host", "egress": ""}


@pytest.mark.parametrize("target", ["127.0.0.1", "169.254.169.254"])
async def test_loopback_when_not_allowed_and_the_metadata_address_are_refused(packages, servers, target):
    code_runner = await asyncio.to_thread(runner, packages)
    url = servers["127.0.0.1"] + "/hello" if target == "127.0.0.1" else "http://169.254.169.254/latest/meta-data/"
    answer = await code_runner.run("python3", GET, {"url": url})
    assert answer["status"] == 403 and answer["egress"] == "refused", answer
    assert "loopback" in answer["body"] or "link-local" in answer["body"]


async def test_https_to_a_refused_address_fails_at_the_tunnel(packages):
    code_runner = await asyncio.to_thread(runner, packages)
    with pytest.raises(CodeExecutionFailed, match="ProxyError"):
        await code_runner.run("python3", GET, {"url": "https://169.254.169.254/"})


async def test_a_redirect_from_an_allowed_server_to_loopback_is_refused(packages, servers):
    code_runner = await asyncio.to_thread(runner, packages, ["127.0.0.2"])
    assert (await code_runner.run("python3", GET, {"url": servers["127.0.0.2"] + "/hello"}))["status"] == 200
    url = f"{servers['127.0.0.2']}/redirect?to={servers['127.0.0.1']}/hello"
    answer = await code_runner.run("python3", GET, {"url": url})
    assert answer["status"] == 403 and answer["egress"] == "refused", answer


async def test_a_connect_tunnel_to_an_allowed_server_carries_bytes(packages, servers):
    code_runner = await asyncio.to_thread(runner, packages, ["127.0.0.1"])
    port = servers["127.0.0.1"].rsplit(":", 1)[1]
    code = (
        "import os, socket\n"
        "def main() -> dict:\n"
        "    proxy = os.environ['HTTPS_PROXY'].rsplit(':', 1)\n"
        "    s = socket.create_connection(('127.0.0.1', int(proxy[1])), timeout=5)\n"
        f"    s.sendall(b'CONNECT 127.0.0.1:{port} HTTP/1.1\\r\\n\\r\\n')\n"
        "    established = s.recv(4096)\n"
        "    s.sendall(b'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n')\n"
        "    data = b''\n"
        "    while chunk := s.recv(4096):\n"
        "        data += chunk\n"
        "    return {'established': established.split(b'\\r\\n')[0].decode(), 'body': data.split(b'\\r\\n\\r\\n')[1].decode()}\n"
    )
    answer = await code_runner.run("python3", code, {})
    assert answer == {"established": "HTTP/1.1 200 Connection established", "body": "hello from the host"}


async def test_a_socket_that_bypasses_the_proxy_gets_nowhere(packages, servers):
    code_runner = await asyncio.to_thread(runner, packages, ["127.0.0.1"])
    port = int(servers["127.0.0.1"].rsplit(":", 1)[1])
    code = (
        "import socket\n"
        "def main(port: int) -> dict:\n"
        "    found = {}\n"
        "    for host in ('127.0.0.1', '1.1.1.1', '169.254.169.254'):\n"
        "        try:\n"
        "            socket.create_connection((host, port), timeout=2).close()\n"
        "            found[host] = 'connected'\n"
        "        except OSError as error:\n"
        "            found[host] = type(error).__name__\n"
        "    return found\n"
    )
    answer = await code_runner.run("python3", code, {"port": port})
    # The sandbox's own loopback has nothing on the host server's port; no route leaves the namespace.
    assert answer == {"127.0.0.1": "ConnectionRefusedError", "1.1.1.1": "OSError", "169.254.169.254": "OSError"}


async def test_with_network_disabled_code_has_none(packages, servers):
    code_runner = await asyncio.to_thread(runner, packages, ["127.0.0.1"], False)
    code = "import os\n" + GET.replace(
        "    r = requests", "    assert 'HTTP_PROXY' not in os.environ\n    r = requests"
    )
    with pytest.raises(CodeExecutionFailed, match="ConnectionError"):
        await code_runner.run("python3", code, {"url": servers["127.0.0.1"] + "/hello"})


def test_the_setting_turns_the_proxy_off():
    settings = Settings(CODE_EXECUTION_ENABLE_NETWORK=False, _env_file=None).container_config("", False)["workflow"]
    assert egress_proxy(settings["code"]["enable_network"], ()) is None
    assert isinstance(egress_proxy(True, ("127.0.0.1",)), EgressProxy)


async def test_a_tunnel_to_a_server_that_never_closes_ends_with_the_run(packages):
    """The upstream connection of a run's tunnel is closed once the run is over, not left to the server."""
    listener = socket.create_server(("127.0.0.1", 0))
    closed = threading.Event()

    def hold():
        connection, _ = listener.accept()
        while connection.recv(4096):  # never answers, never closes: only the proxy can end this
            pass
        closed.set()

    threading.Thread(target=hold, daemon=True).start()
    code_runner = await asyncio.to_thread(runner, packages, ["127.0.0.1"])
    code = (
        "import os, socket\n"
        "def main(port: int) -> dict:\n"
        "    s = socket.create_connection(('127.0.0.1', int(os.environ['HTTPS_PROXY'].rsplit(':', 1)[1])))\n"
        "    s.sendall(f'CONNECT 127.0.0.1:{port} HTTP/1.1\\r\\n\\r\\n'.encode())\n"
        "    return {'established': s.recv(4096).split(b'\\r\\n')[0].decode()}\n"
    )
    try:
        answer = await code_runner.run("python3", code, {"port": listener.getsockname()[1]})
        assert answer == {"established": "HTTP/1.1 200 Connection established"}
        await eventually(closed.is_set, what="the proxy closing the upstream side of a finished run's tunnel")
    finally:
        listener.close()
