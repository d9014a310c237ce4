"""Importing an app's DSL by URL from the console (`mode: yaml-url`), over real HTTP: the file served by a local
HTTP server, fetched through weir's SSRF guard (`localhost` allow-listed, as an operator would allow an
internal host; 127.0.0.1 stays refused), imported as pasted YAML is, and every fetch failure a `failed` import."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.api.console_web import ADMIN, serve_console
from tests.api.test_console_studio import DSL
from tests.databases import truncate_all
from tests.processes import free_port

FILES = {
    "/app.yml": DSL.encode(),
    "/not-yaml.yml": b"app: [unclosed",
    "/empty.yml": b"",
    "/binary.yml": b"\xff\xfe\x00garbage",
    "/huge.yml": b"#" * (11 * 1024 * 1024),
}


class Files(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/app.yml")
            self.end_headers()
            return
        body = FILES.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def files_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="module")
def browser(database_url, tmp_path_factory):
    truncate_all(database_url)
    with pytest.MonkeyPatch.context() as env:
        for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
            env.delenv(name, raising=False)
        env.setenv("HTTP_REQUEST_ALLOWED_HOSTS", "localhost")
        with serve_console(database_url, tmp_path_factory.mktemp("import-url") / "storage") as server:
            assert server.browser().post("/setup", json=ADMIN).status_code == 201
            browser = server.signed_in()
            yield browser
            browser.close()
    truncate_all(database_url)


def by_url(browser, url, **extra):
    return browser.post("/apps/imports", json={"mode": "yaml-url", "yaml_url": url, **extra})


def test_a_dsl_by_url_is_imported_as_pasted_yaml_is(browser, files_server):
    imported = by_url(browser, f"http://localhost:{files_server}/app.yml", name="From the web")
    assert imported.status_code == 200, imported.text
    body = imported.json()
    assert (body["status"], body["app_mode"], body["error"]) == ("completed", "chat", "")
    detail = browser.get(f"/apps/{body['app_id']}").json()
    assert (detail["name"], detail["model_config"]["pre_prompt"]) == ("From the web", "You are helpful.")
    moved = by_url(browser, f"http://localhost:{files_server}/moved").json()
    assert moved["status"] == "completed"
    assert browser.get(f"/apps/{moved['app_id']}").json()["name"] == "Imported bot"


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/missing.yml", "HTTP 404"),
        ("/not-yaml.yml", ""),
        ("/empty.yml", "Empty content from url"),
        ("/binary.yml", "not UTF-8"),
        ("/huge.yml", "larger than 10 MiB"),
    ],
)
def test_a_file_that_cannot_be_imported_is_a_failed_import(browser, files_server, path, error):
    before = len(browser.get("/apps", params={"page": 1, "limit": 100}).json()["data"])
    failed = by_url(browser, f"http://localhost:{files_server}{path}")
    assert failed.status_code == 400, failed.text
    body = failed.json()
    assert (body["status"], body["app_id"]) == ("failed", None)
    assert body["error"] and error in body["error"]
    assert len(browser.get("/apps", params={"page": 1, "limit": 100}).json()["data"]) == before


def test_private_unreachable_and_missing_urls_are_failed_imports(browser, files_server):
    private = by_url(browser, f"http://127.0.0.1:{files_server}/app.yml").json()
    assert private["status"] == "failed" and "Error fetching YAML from URL" in private["error"]
    closed = by_url(browser, f"http://localhost:{free_port()}/app.yml").json()
    assert closed["status"] == "failed" and "Error fetching YAML from URL" in closed["error"]
    not_http = by_url(browser, "file:///etc/passwd").json()
    assert not_http["status"] == "failed"
    missing = by_url(browser, "")
    assert (missing.status_code, missing.json()["error"]) == (400, "yaml_url is required when import_mode is yaml-url")
    wrong_mode = browser.post("/apps/imports", json={"mode": "yaml-file", "yaml_url": "x"})
    assert (wrong_mode.status_code, wrong_mode.json()["code"]) == (400, "invalid_param")


def test_an_import_by_url_needs_the_csrf_header(browser, files_server):
    response = browser.bare("POST", "/apps/imports", json={"mode": "yaml-url", "yaml_url": "http://localhost/"})
    assert response.status_code == 401
