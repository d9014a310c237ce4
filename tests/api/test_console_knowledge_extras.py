"""More of Dify's knowledge pages against weir over real HTTP with a cookie session: a dataset's Knowledge API
access switched off and on (what a dataset key then meets), chunks imported from a CSV in the background, and
the pages' calls for what weir has none of (data-source integrations, website crawlers, pipeline templates);
none of it for another workspace, nor without the CSRF header."""

import httpx
import pytest

from tests.api.console_web import set_up_console
from tests.polling import eventually_sync

HANDBOOK = "Refund policy\n\nReturns within 30 days.\n\nShipping\n\nOrders ship within two business days."
RULE = {
    "mode": "custom",
    "rules": {
        "pre_processing_rules": [],
        "segmentation": {"separator": "\\n\\n", "max_tokens": 200, "chunk_overlap": 0},
    },
}


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with set_up_console(database_url, tmp_path_factory.mktemp("knowledge-extras") / "storage") as server:
        yield server


@pytest.fixture(scope="module")
def admin(web):
    return web.signed_in()


@pytest.fixture(scope="module")
def other(web):
    return web.signed_in_as("other@example.com", "other-pass-123")


def ok(response: httpx.Response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def upload(browser, name: str, data: bytes, mime: str = "text/plain") -> str:
    return ok(browser.post("/files/upload", files={"file": (name, data, mime)}), 201)["id"]


def create(browser, file_id: str, doc_form: str = "text_model") -> dict:
    body = {
        "data_source": {
            "type": "upload_file",
            "info_list": {"data_source_type": "upload_file", "file_info_list": {"file_ids": [file_id]}},
        },
        "indexing_technique": "economy",
        "process_rule": RULE,
        "doc_form": doc_form,
        "doc_language": "English",
        "retrieval_model": {"search_method": "keyword_search", "reranking_enable": False, "top_k": 3},
    }
    made = ok(browser.post("/datasets/init", json=body))
    dataset_id = made["dataset"]["id"]

    def done():
        data = ok(browser.get(f"/datasets/{dataset_id}/batch/{made['batch']}/indexing-status"))["data"]
        return all(d["indexing_status"] == "completed" for d in data)

    eventually_sync(done, timeout=60, interval=0.05, what="the upload to be indexed")
    return {"dataset": dataset_id, "document": made["documents"][0]["id"]}


@pytest.fixture(scope="module")
def knowledge(admin) -> dict:
    return create(admin, upload(admin, "handbook.txt", HANDBOOK.encode()))


def test_a_dataset_s_api_access_is_switched_off_and_on(web, admin, knowledge):
    dataset_id = knowledge["dataset"]
    assert ok(admin.get(f"/datasets/{dataset_id}"))["enable_api"] is True
    token = ok(admin.post("/datasets/api-keys"), 201)["token"]
    with httpx.Client(base_url=web.base_url + "/v1", headers={"Authorization": f"Bearer {token}"}) as api:
        assert api.get(f"/datasets/{dataset_id}/documents").status_code == 200
        assert ok(admin.post(f"/datasets/{dataset_id}/api-keys/disable")) == {"result": "success"}
        assert ok(admin.get(f"/datasets/{dataset_id}"))["enable_api"] is False
        refused = api.get(f"/datasets/{dataset_id}/documents")
        assert refused.status_code == 403
        assert refused.json() == {"code": "forbidden", "message": "Dataset api access is not enabled.", "status": 403}
        assert api.get(f"/datasets/{dataset_id}").status_code == 403
        assert api.post(f"/datasets/{dataset_id}/retrieve", json={"query": "refund"}).status_code == 403
        assert api.get(f"/datasets/{'0' * 8}-0000-0000-0000-{'0' * 12}/documents").status_code == 404
        assert api.get("/datasets").status_code == 200  # the list names no one dataset
        # The console keeps its access.
        assert ok(admin.get(f"/datasets/{dataset_id}/documents"))["total"] == 1
        bad = admin.post(f"/datasets/{dataset_id}/api-keys/sometimes")
        assert bad.status_code == 400 and bad.json()["code"] == "invalid_param"
        assert ok(admin.get(f"/datasets/{dataset_id}"))["enable_api"] is False
        assert ok(admin.post(f"/datasets/{dataset_id}/api-keys/enable")) == {"result": "success"}
        assert ok(admin.get(f"/datasets/{dataset_id}"))["enable_api"] is True
        assert api.get(f"/datasets/{dataset_id}/documents").status_code == 200
    keys = ok(admin.get("/datasets/api-keys"))["data"]
    [key] = [k for k in keys if k["token"] == token]
    assert admin.delete(f"/datasets/api-keys/{key['id']}").status_code == 204


def _routes(knowledge: dict) -> list[tuple[str, str, dict | None]]:
    d = knowledge["dataset"]
    return [
        ("POST", f"/datasets/{d}/api-keys/disable", None),
    ]


def test_another_workspace_sees_none_of_it(other, admin, knowledge):
    for method, path, body in _routes(knowledge):
        response = other.request(method, path, json=body)
        assert response.status_code == 404, (path, response.text)
    assert ok(admin.get(f"/datasets/{knowledge['dataset']}"))["enable_api"] is True


def test_no_csrf_header_no_access(admin, knowledge):
    for method, path, body in _routes(knowledge):
        response = admin.bare(method, path, json=body)
        assert response.status_code == 401, (path, response.text)
    assert ok(admin.get(f"/datasets/{knowledge['dataset']}"))["enable_api"] is True
