"""The URL an import by URL fetches: GitHub pages of YAML files become their raw files, as Dify rewrites them."""

import asyncio
from uuid import uuid4

from application.workflows.app_dsl import ImportResult
from application.workflows.import_dsl_from_url import ImportAppDslFromUrl, raw_url
from domain.workflows.http import IncomingResponse


def test_github_blob_pages_of_yaml_files_become_raw_files():
    page = "https://github.com/acme/flows/blob/main/apps/support.yml"
    assert raw_url(page) == "https://raw.githubusercontent.com/acme/flows/main/apps/support.yml"
    assert raw_url(page.replace(".yml", ".yaml")).endswith("/acme/flows/main/apps/support.yaml")
    for kept in (
        "https://github.com/acme/flows/blob/main/README.md",  # not a YAML file
        "http://github.com/acme/flows/blob/main/a.yml",  # not https
        "https://example.com/acme/blob/main/a.yml",  # not GitHub
        "https://raw.githubusercontent.com/acme/flows/main/a.yml",
    ):
        assert raw_url(kept) == kept


class Recorder:
    def __init__(self):
        self.urls = []

    async def send(self, request):
        self.urls.append(request.url)
        return IncomingResponse(200, {}, b"kind: app\n", request.url)


class Importer:
    def __init__(self):
        self.contents = []

    async def execute(self, tenant_id, account_id, content, publish=False, overrides=None, app_id=None):
        self.contents.append(content)
        return ImportResult(uuid4(), "completed", uuid4(), "chat")


class Ids:
    def new_id(self):
        return uuid4()


def test_the_raw_file_is_fetched_and_its_text_imported():
    http, importer = Recorder(), Importer()
    use_case = ImportAppDslFromUrl(http, importer, Ids())  # type: ignore[arg-type]
    result = asyncio.run(use_case.execute(uuid4(), uuid4(), " https://github.com/a/b/blob/main/x.yml "))
    assert result.status == "completed"
    assert http.urls == ["https://raw.githubusercontent.com/a/b/main/x.yml"]
    assert importer.contents == ["kind: app\n"]
