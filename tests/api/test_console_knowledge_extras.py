"""More of Dify's knowledge pages against weir over real HTTP with a cookie session: a dataset's Knowledge API
access switched off and on (what a dataset key then meets), chunks imported from a CSV in the background, and
the pages' calls for what weir has none of (data-source integrations, website crawlers, pipeline templates);
none of it for another workspace, nor without the CSRF header."""

from uuid import uuid4

import httpx
import psycopg
import pytest
from psycopg.types.json import Jsonb

from tests.api.console_web import serve_console, set_up_console
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


def _chunks(browser, knowledge: dict) -> list[str]:
    base = f"/datasets/{knowledge['dataset']}/documents/{knowledge['document']}/segments"
    return [s["content"] for s in ok(browser.get(base, params={"limit": 100}))["data"]]


def _finished(browser, job_id: str) -> dict:
    def done():
        status = ok(browser.get(f"/datasets/batch_import_status/{job_id}"))
        return status if status["job_status"] in ("completed", "error") else None

    return eventually_sync(done, timeout=60, interval=0.05, what="the chunk import to end")


def test_chunks_are_imported_from_a_csv_in_the_background(admin, other, knowledge):
    base = f"/datasets/{knowledge['dataset']}/documents/{knowledge['document']}/segments"
    before = _chunks(admin, knowledge)
    rows = "content\nGift cards never expire.\n,\n\"Store credit, once given, lasts a year.\"\n"
    started = ok(admin.post(f"{base}/batch_import", json={"upload_file_id": upload(admin, "chunks.csv", rows.encode())}))
    assert started["job_status"] == "waiting" and started["total"] == 2
    finished = _finished(admin, started["job_id"])
    assert (finished["job_status"], finished["imported"], finished["error"]) == ("completed", 2, None)
    assert ok(admin.get(f"{base}/batch_import/{started['job_id']}")) == finished
    after = _chunks(admin, knowledge)
    assert after[: len(before)] == before
    assert after[len(before) :] == ["Gift cards never expire.", "Store credit, once given, lasts a year."]
    # Unknown, another workspace's, or under another document: no such job.
    assert admin.get("/datasets/batch_import_status/00000000-0000-0000-0000-000000000000").status_code == 404
    assert admin.get("/datasets/batch_import_status/nope").status_code == 404
    assert other.get(f"/datasets/batch_import_status/{started['job_id']}").status_code == 404
    elsewhere = f"/datasets/{knowledge['dataset']}/documents/{knowledge['dataset']}/segments/batch_import"
    assert admin.get(f"{elsewhere}/{started['job_id']}").status_code == 404


def test_an_import_whose_process_stopped_goes_on_after_a_restart(web, admin, knowledge, tmp_path):
    # What a process that stopped mid-import leaves: the job stored, one of its rows already added.
    job_id, rows = uuid4(), [{"content": "Added before the stop."}, {"content": "Added after the restart."}]
    with psycopg.connect(web.database_url) as conn:
        tenant = conn.execute("SELECT tenant_id FROM datasets WHERE id = %s", (knowledge["dataset"],)).fetchone()[0]
        conn.execute(
            "INSERT INTO segment_import_jobs (id, tenant_id, dataset_id, document_id, status, total, imported, rows)"
            " VALUES (%s, %s, %s, %s, 'processing', 2, 1, %s)",
            (job_id, tenant, knowledge["dataset"], knowledge["document"], Jsonb(rows)),
        )
    with serve_console(web.database_url, tmp_path / "storage") as restarted:
        browser = restarted.signed_in()
        finished = _finished(browser, str(job_id))
        assert (finished["job_status"], finished["imported"], finished["total"]) == ("completed", 2, 2)
        assert _chunks(browser, knowledge)[-1] == "Added after the restart."
        assert "Added before the stop." not in _chunks(browser, knowledge)


def test_a_bad_csv_starts_nothing(admin, other, knowledge):
    base = f"/datasets/{knowledge['dataset']}/documents/{knowledge['document']}/segments/batch_import"
    before = _chunks(admin, knowledge)
    for body, status in [
        ({"upload_file_id": upload(admin, "chunks.txt", b"content\nA chunk.\n")}, 400),
        ({"upload_file_id": upload(admin, "empty.csv", b"content\n\n")}, 400),
        ({"upload_file_id": upload(admin, "holes.csv", b"content,note\nA chunk.,x\n,only a note\n")}, 400),
        ({"upload_file_id": upload(admin, "latin.csv", "content\ncaf\u00e9\n".encode("latin-1"))}, 400),
        ({}, 400),
        ({"upload_file_id": 7}, 400),
        ({"upload_file_id": "00000000-0000-0000-0000-000000000000"}, 404),
        ({"upload_file_id": upload(other, "theirs.csv", b"content\nTheirs.\n")}, 404),
    ]:
        refused = admin.post(base, json=body)
        assert refused.status_code == status, (body, refused.text)
        assert refused.json()["status"] == status and refused.json()["code"]
    assert _chunks(admin, knowledge) == before
    theirs = upload(other, "mine.csv", b"content\nMine.\n")
    assert other.post(base, json={"upload_file_id": theirs}).status_code == 404
    assert _chunks(admin, knowledge) == before


def test_the_create_page_s_sources_weir_lacks_answer_truthfully(admin, knowledge):
    assert ok(admin.get("/data-source/integrates")) == {"data": []}
    assert ok(admin.get("/auth/plugin/datasource/default-list")) == {"result": []}
    missing = admin.get("/notion/pre-import/pages", params={"dataset_id": "", "credential_id": "c1"})
    assert missing.status_code == 404 and missing.json()["message"] == "Credential not found."
    assert admin.get("/notion/pre-import/pages").json()["code"] == "invalid_param"
    assert admin.get("/notion/pages/p1/page/preview", params={"credential_id": "c1"}).status_code == 404
    crawl = admin.post("/website/crawl", json={"provider": "firecrawl", "url": "https://example.com", "options": {}})
    assert crawl.status_code == 400 and crawl.json()["code"] == "crawl_failed"
    assert "No website crawler is configured" in crawl.json()["message"]
    assert admin.post("/website/crawl", json={"provider": "mine", "url": "x"}).json()["code"] == "invalid_param"
    status = admin.get("/website/crawl/status/job-1", params={"provider": "firecrawl"})
    assert status.status_code == 400 and status.json()["code"] == "crawl_failed"
    for kind in ("built-in", "customized"):
        listed = admin.get("/rag/pipeline/templates", params={"type": kind, "language": "en-US"})
        assert ok(listed) == {"pipeline_templates": []}
    assert admin.get("/rag/pipeline/templates", params={"type": "other"}).status_code == 400
    assert admin.get("/rag/pipeline/templates/t1", params={"type": "built-in"}).status_code == 404
    assert ok(admin.get("/rag/pipelines/datasource-plugins")) == []
    refused = admin.post("/rag/pipeline/empty-dataset")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_param"
    assert ok(admin.get("/datasets", params={"page": 1, "limit": 100}))["total"] == 1  # nothing was made


def _routes(knowledge: dict) -> list[tuple[str, str, dict | None]]:
    d, x = knowledge["dataset"], knowledge["document"]
    return [
        ("POST", f"/datasets/{d}/api-keys/disable", None),
        ("POST", f"/datasets/{d}/documents/{x}/segments/batch_import", {"upload_file_id": d}),
        ("GET", f"/datasets/batch_import_status/{d}", None),
        ("GET", f"/datasets/{d}/documents/{x}/segments/batch_import/{d}", None),
    ]


SOURCES = [
    ("GET", "/notion/pre-import/pages", None),
    ("GET", "/notion/pages/p1/page/preview", None),
    ("POST", "/website/crawl", {"provider": "firecrawl", "url": "https://example.com", "options": {}}),
    ("GET", "/website/crawl/status/job-1", None),
    ("GET", "/rag/pipeline/templates", None),
    ("GET", "/rag/pipeline/templates/t1", None),
    ("GET", "/rag/pipelines/datasource-plugins", None),
    ("POST", "/rag/pipeline/empty-dataset", None),
]


def test_another_workspace_sees_none_of_it(other, admin, knowledge):
    for method, path, body in _routes(knowledge):
        response = other.request(method, path, json=body)
        assert response.status_code == 404, (path, response.text)
    assert ok(admin.get(f"/datasets/{knowledge['dataset']}"))["enable_api"] is True


def test_no_csrf_header_no_access(admin, knowledge):
    for method, path, body in _routes(knowledge) + SOURCES:
        response = admin.bare(method, path, json=body)
        assert response.status_code == 401, (path, response.text)
    assert ok(admin.get(f"/datasets/{knowledge['dataset']}"))["enable_api"] is True


def test_a_document_s_settings_show_the_rule_it_was_cut_with(admin, other, knowledge):
    default = ok(admin.get("/datasets/process-rule"))
    assert default["mode"] == "automatic" and default["limits"]["indexing_max_segmentation_tokens_length"] > 0
    mine = ok(admin.get("/datasets/process-rule", params={"document_id": knowledge["document"]}))
    assert (mine["mode"], mine["rules"]["segmentation"]) == ("custom", RULE["rules"]["segmentation"])
    assert mine["limits"] == default["limits"]
    assert other.get("/datasets/process-rule", params={"document_id": knowledge["document"]}).status_code == 404
    assert admin.get("/datasets/process-rule", params={"document_id": str(uuid4())}).status_code == 404
    assert admin.get("/datasets/process-rule", params={"document_id": "nope"}).status_code == 404


def test_a_document_s_average_chunk_length_is_a_whole_number(admin, knowledge):
    detail = ok(admin.get(f"/datasets/{knowledge['dataset']}/documents/{knowledge['document']}"))
    assert detail["segment_count"] > 0
    assert detail["average_segment_length"] == detail["word_count"] // detail["segment_count"]  # Dify's: floor
    assert isinstance(detail["average_segment_length"], int)
