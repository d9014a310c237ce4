"""Dify's knowledge pages in the web console against weir over real HTTP, as the browser calls them: files
uploaded, the chunk preview, the knowledge base created from the uploads and indexed, its documents and chunks
listed and acted on in batches, the error list, and another workspace kept out."""

import pytest

from tests.api.console_web import ADMIN, serve_console
from tests.databases import truncate_all
from tests.polling import eventually_sync

OTHER = {"email": "other@example.com", "password": "other-pass-123"}

HANDBOOK = (
    "Refund policy\n\nCustomers may return any product within 30 days of delivery for a full refund.\n\n"
    "Shipping\n\nOrders ship within two business days. International shipping takes up to three weeks.\n\n"
    "Warranty\n\nEvery laptop carries a two year warranty covering manufacturing defects."
)
CUSTOM_RULE = {
    "mode": "custom",
    "rules": {
        "pre_processing_rules": [{"id": "remove_extra_spaces", "enabled": True}],
        "segmentation": {"separator": "\\n\\n", "max_tokens": 200, "chunk_overlap": 0},
    },
}
PARENT_CHILD_RULE = {
    "mode": "hierarchical",
    "rules": {
        "pre_processing_rules": [],
        "segmentation": {"separator": "\\n\\n", "max_tokens": 500},
        "parent_mode": "paragraph",
        "subchunk_segmentation": {"separator": ". ", "max_tokens": 100},
    },
}


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    truncate_all(database_url)
    with pytest.MonkeyPatch.context() as env:
        for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY", "CONSOLE_WEB_URL", "COOKIE_DOMAIN"):
            env.delenv(name, raising=False)
        with serve_console(database_url, tmp_path_factory.mktemp("knowledge") / "storage") as server:
            assert server.browser().post("/setup", json=ADMIN).status_code == 201
            server.add_workspace(OTHER["email"], OTHER["password"])
            yield server
    truncate_all(database_url)


@pytest.fixture(scope="module")
def admin(web):
    browser = web.signed_in()
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def other(web):
    browser = web.signed_in_as(OTHER["email"], OTHER["password"])
    yield browser
    browser.close()


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def upload(browser, name: str = "handbook.txt", text: str = HANDBOOK) -> str:
    return ok(browser.post("/files/upload", files={"file": (name, text.encode(), "text/plain")}), 201)["id"]


def estimate(browser, file_ids, rule=CUSTOM_RULE, doc_form="text_model", **extra):
    body = {
        "info_list": {"data_source_type": "upload_file", "file_info_list": {"file_ids": file_ids}},
        "indexing_technique": "economy",
        "process_rule": rule,
        "doc_form": doc_form,
        "doc_language": "English",
        **extra,
    }
    return browser.post("/datasets/indexing-estimate", json=body)


def create(
    browser, file_ids, rule=CUSTOM_RULE, doc_form="text_model", path="/datasets/init", technique="economy"
) -> dict:
    body = {
        "data_source": {
            "type": "upload_file",
            "info_list": {"data_source_type": "upload_file", "file_info_list": {"file_ids": file_ids}},
        },
        "indexing_technique": technique,
        "process_rule": rule,
        "doc_form": doc_form,
        "doc_language": "English",
        "retrieval_model": {
            "search_method": "keyword_search" if technique == "economy" else "semantic_search",
            "reranking_enable": False,
            "top_k": 3,
            "score_threshold_enabled": False,
        },
    }
    return ok(browser.post(path, json=body))


def indexed(browser, dataset_id: str, batch: str) -> list[dict]:
    def done():
        data = ok(browser.get(f"/datasets/{dataset_id}/batch/{batch}/indexing-status"))["data"]
        return data if all(d["indexing_status"] in ("completed", "error") for d in data) else None

    return eventually_sync(done, timeout=60, interval=0.05, what="the upload to be indexed")


def all_segments(browser, dataset_id: str, document_id: str, **params) -> dict:
    return ok(browser.get(f"/datasets/{dataset_id}/documents/{document_id}/segments", params={"limit": 100, **params}))


@pytest.fixture(scope="module")
def knowledge(admin):
    """A knowledge base made by the creation flow from two uploads (one batch)."""
    file_ids = [upload(admin), upload(admin, "faq.txt", "Question one?\n\nAnswer two.")]
    made = create(admin, file_ids)
    progress = indexed(admin, made["dataset"]["id"], made["batch"])
    return {"file_ids": file_ids, "made": made, "progress": progress}


def test_the_preview_shows_the_chunks_indexing_then_stores(admin, knowledge):
    preview = ok(estimate(admin, knowledge["file_ids"][:1]))
    dataset_id = knowledge["made"]["dataset"]["id"]
    document_id = knowledge["made"]["documents"][0]["id"]
    stored = [s["content"] for s in all_segments(admin, dataset_id, document_id)["data"]]
    assert [p["content"] for p in preview["preview"]] == stored
    assert stored[0] == "Refund policy" and len(stored) == 6
    assert preview["total_segments"] == 6 and preview["qa_preview"] is None
    assert all(p["child_chunks"] is None for p in preview["preview"])
    assert preview["tokens"] > 0 and preview["currency"] == "USD"


def test_a_document_s_estimate_uses_the_rule_it_was_indexed_with(admin, other, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    faq = knowledge["made"]["documents"][1]["id"]
    estimate = ok(admin.get(f"/datasets/{dataset_id}/documents/{faq}/indexing-estimate"))
    stored = [s["content"] for s in all_segments(admin, dataset_id, faq)["data"]]
    assert [p["content"] for p in estimate["preview"]] == stored == ["Question one?", "Answer two."]
    assert estimate["total_segments"] == 2
    assert other.get(f"/datasets/{dataset_id}/documents/{faq}/indexing-estimate").status_code == 404


def test_the_preview_follows_the_rule_and_counts_every_file(admin, knowledge):
    automatic = ok(estimate(admin, knowledge["file_ids"], rule={"mode": "automatic", "rules": {}}))
    assert automatic["total_segments"] == 2  # each short file is one automatic chunk
    assert automatic["preview"][0]["content"].startswith("Refund policy")
    parents = ok(estimate(admin, knowledge["file_ids"][:1], rule=PARENT_CHILD_RULE, doc_form="hierarchical_model"))
    shipping = next(p for p in parents["preview"] if p["content"].startswith("Orders ship"))
    assert shipping["child_chunks"] == [
        "Orders ship within two business days",
        "International shipping takes up to three weeks.",
    ]


def test_a_parent_child_preview_matches_what_indexing_stores(admin):
    file_id = upload(admin)
    preview = ok(estimate(admin, [file_id], rule=PARENT_CHILD_RULE, doc_form="hierarchical_model"))
    made = create(admin, [file_id], rule=PARENT_CHILD_RULE, doc_form="hierarchical_model", technique="high_quality")
    [progress] = indexed(admin, made["dataset"]["id"], made["batch"])
    assert progress["indexing_status"] == "completed"
    stored = all_segments(admin, made["dataset"]["id"], made["documents"][0]["id"])
    assert stored["doc_form"] == "hierarchical_model"
    assert [(s["content"], [c["content"] for c in s["child_chunks"]]) for s in stored["data"]] == [
        (p["content"], p["child_chunks"]) for p in preview["preview"]
    ]


def test_bad_previews_are_refused_in_dify_s_shape(admin, other, knowledge):
    assert estimate(admin, []).json()["code"] == "invalid_param"
    assert estimate(admin, knowledge["file_ids"], indexing_technique="").status_code == 400
    assert estimate(admin, knowledge["file_ids"], rule={"mode": "custom"}).status_code == 400
    notion = admin.post(
        "/datasets/indexing-estimate",
        json={
            "info_list": {"data_source_type": "notion_import"},
            "indexing_technique": "economy",
            "process_rule": CUSTOM_RULE,
        },
    )
    assert notion.status_code == 400
    # Another workspace's files and datasets are not found.
    assert estimate(other, knowledge["file_ids"]).status_code == 404
    own = upload(other)
    assert estimate(other, [own], dataset_id=knowledge["made"]["dataset"]["id"]).status_code == 404


def test_one_upload_of_several_files_is_one_batch(admin, knowledge):
    made, progress = knowledge["made"], knowledge["progress"]
    assert made["dataset"]["name"] == "handbook.txt"
    assert {d["id"] for d in made["documents"]} == {p["id"] for p in progress}
    assert [p["indexing_status"] for p in progress] == ["completed", "completed"]
    assert progress[0]["total_segments"] == progress[0]["completed_segments"] == 6


def test_files_added_to_an_existing_knowledge_base(admin, other, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    made = create(
        admin, [upload(admin, "more.txt", "Extra\n\nMore words here.")], path=f"/datasets/{dataset_id}/documents"
    )
    assert made["dataset"]["id"] == dataset_id and made["documents"][0]["name"] == "more.txt"
    [progress] = indexed(admin, dataset_id, made["batch"])
    assert progress["total_segments"] == 2
    document = made["documents"][0]["id"]
    status = ok(admin.get(f"/datasets/{dataset_id}/documents/{document}/indexing-status"))
    assert status["id"] == document and status["indexing_status"] == "completed"
    assert status["completed_segments"] == status["total_segments"] == 2
    # The document's chunk settings changed from its settings page: re-indexed under the new rule.
    resplit = admin.post(
        f"/datasets/{dataset_id}/documents",
        json={
            "original_document_id": document,
            "process_rule": {"mode": "automatic", "rules": {}},
            "doc_form": "text_model",
            "doc_language": "English",
        },
    )
    batch = ok(resplit)["batch"]
    indexed(admin, dataset_id, batch)
    assert [s["content"] for s in all_segments(admin, dataset_id, document)["data"]] == ["Extra\n\nMore words here."]
    assert other.get(f"/datasets/{dataset_id}/documents/{document}/indexing-status").status_code == 404
    assert (
        other.post(
            f"/datasets/{dataset_id}/documents",
            json={"data_source": {"info_list": {"file_info_list": {"file_ids": [upload(other)]}}}},
        ).status_code
        == 404
    )


def test_chunks_are_listed_in_the_console_s_shape_and_filtered(admin, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    document_id = knowledge["made"]["documents"][0]["id"]
    page = all_segments(admin, dataset_id, document_id, limit=4, page=2)
    assert (page["total"], page["total_pages"], page["page"], page["limit"]) == (6, 2, 2, 4)
    assert [s["position"] for s in page["data"]] == [5, 6]
    assert page["data"][0]["child_chunks"] == [] and page["data"][0]["summary"] is None
    found = all_segments(admin, dataset_id, document_id, keyword="warranty")
    assert [s["content"] for s in found["data"]] == [
        "Warranty",
        "Every laptop carries a two year warranty covering manufacturing defects.",
    ]
    assert (
        admin.get(f"/datasets/{dataset_id}/documents/{document_id}/segments", params={"enabled": "maybe"}).status_code
        == 400
    )


def test_chunks_are_disabled_enabled_added_and_deleted_in_batches(admin, other, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    document_id = knowledge["made"]["documents"][0]["id"]
    base = f"/datasets/{dataset_id}/documents/{document_id}"
    first, second = [s["id"] for s in all_segments(admin, dataset_id, document_id)["data"][:2]]
    ok(admin.patch(f"{base}/segment/disable", params=[("segment_id", first), ("segment_id", second)]))
    disabled = all_segments(admin, dataset_id, document_id, enabled="false")["data"]
    assert {s["id"] for s in disabled} == {first, second}
    assert all(s["enabled"] is False for s in disabled)
    assert len(all_segments(admin, dataset_id, document_id, enabled="true")["data"]) == 4
    ok(admin.patch(f"{base}/segment/enable", params={"segment_id": first}))
    assert [s["id"] for s in all_segments(admin, dataset_id, document_id, enabled="false")["data"]] == [second]
    switched = next(s for s in all_segments(admin, dataset_id, document_id)["data"] if s["id"] == first)
    assert switched["updated_at"] == switched["created_at"]  # switched off and on: not EDITED in the console
    assert admin.patch(f"{base}/segment/archive", params={"segment_id": first}).status_code == 400
    # One unknown id: nothing changes.
    missing = admin.patch(
        f"{base}/segment/enable",
        params=[("segment_id", second), ("segment_id", "00000000-0000-0000-0000-000000000000")],
    )
    assert missing.status_code == 404
    assert [s["id"] for s in all_segments(admin, dataset_id, document_id, enabled="false")["data"]] == [second]

    added = ok(admin.post(f"{base}/segment", json={"content": "Gift cards never expire.", "keywords": ["gift"]}))
    assert added["doc_form"] == "text_model" and added["data"]["content"] == "Gift cards never expire."
    assert added["data"]["position"] == 7 and added["data"]["keywords"] == ["gift"]
    assert admin.post(f"{base}/segment", json={"content": "  "}).status_code == 400

    assert other.patch(f"{base}/segment/disable", params={"segment_id": first}).status_code == 404
    assert other.delete(f"{base}/segments", params={"segment_id": first}).status_code == 404
    assert (
        admin.delete(
            f"{base}/segments", params=[("segment_id", second), ("segment_id", added["data"]["id"])]
        ).status_code
        == 204
    )
    remaining = all_segments(admin, dataset_id, document_id)
    assert remaining["total"] == 5 and second not in {s["id"] for s in remaining["data"]}


def test_a_chunk_is_edited_with_the_console_s_flat_body(admin, other, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    document_id = knowledge["made"]["documents"][0]["id"]
    base = f"/datasets/{dataset_id}/documents/{document_id}"
    first = all_segments(admin, dataset_id, document_id)["data"][0]["id"]
    # What Dify's web sends from the chunk editor: the fields themselves, not wrapped in `segment`.
    body = {"content": "Returns are accepted within 30 days.", "attachment_ids": [], "summary": ""}
    edited = ok(admin.patch(f"{base}/segments/{first}", json=body))
    assert (edited["data"]["id"], edited["data"]["content"]) == (first, "Returns are accepted within 30 days.")
    found = all_segments(admin, dataset_id, document_id, keyword="30 days")["data"]
    assert [s["id"] for s in found] == [first]
    assert admin.patch(f"{base}/segments/{first}", json={"content": "  "}).status_code == 400
    assert other.patch(f"{base}/segments/{first}", json=body).status_code == 404


def test_a_document_is_renamed_without_reindexing(admin, other, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    document_id = knowledge["made"]["documents"][0]["id"]
    before = all_segments(admin, dataset_id, document_id)["data"]
    renamed = ok(admin.post(f"/datasets/{dataset_id}/documents/{document_id}/rename", json={"name": "Handbook v2"}))
    assert (renamed["id"], renamed["name"], renamed["indexing_status"]) == (document_id, "Handbook v2", "completed")
    assert ok(admin.get(f"/datasets/{dataset_id}/documents/{document_id}"))["name"] == "Handbook v2"
    assert all_segments(admin, dataset_id, document_id)["data"] == before
    assert admin.post(f"/datasets/{dataset_id}/documents/{document_id}/rename", json={"name": ""}).status_code == 400
    assert other.post(f"/datasets/{dataset_id}/documents/{document_id}/rename", json={"name": "x"}).status_code == 404


def test_documents_are_disabled_and_deleted_in_batches(admin, other, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    faq = knowledge["made"]["documents"][1]["id"]
    ok(admin.patch(f"/datasets/{dataset_id}/documents/status/disable/batch", params={"document_id": faq}))
    listed = {d["id"]: d for d in ok(admin.get(f"/datasets/{dataset_id}/documents"))["data"]}
    assert listed[faq]["enabled"] is False and listed[faq]["display_status"] == "disabled"
    ok(admin.patch(f"/datasets/{dataset_id}/documents/status/enable/batch", params={"document_id": faq}))
    listed = {d["id"]: d for d in ok(admin.get(f"/datasets/{dataset_id}/documents"))["data"]}
    assert listed[faq]["enabled"] is True
    assert (
        admin.patch(f"/datasets/{dataset_id}/documents/status/explode/batch", params={"document_id": faq}).status_code
        == 400
    )
    assert (
        other.patch(f"/datasets/{dataset_id}/documents/status/disable/batch", params={"document_id": faq}).status_code
        == 404
    )
    assert other.delete(f"/datasets/{dataset_id}/documents", params={"document_id": faq}).status_code == 404
    assert admin.delete(f"/datasets/{dataset_id}/documents", params={"document_id": faq}).status_code == 204
    assert faq not in {d["id"] for d in ok(admin.get(f"/datasets/{dataset_id}/documents"))["data"]}


def test_documents_in_error_are_listed_for_retry(admin, other):
    broken = ok(
        admin.post("/files/upload", files={"file": ("broken.pdf", b"not a pdf at all", "application/pdf")}), 201
    )["id"]
    made = create(admin, [broken, upload(admin, "fine.txt", "Fine words.")])
    dataset_id = made["dataset"]["id"]
    progress = {p["id"]: p for p in indexed(admin, dataset_id, made["batch"])}
    failed = made["documents"][0]["id"]
    assert progress[failed]["indexing_status"] == "error" and progress[failed]["error"]
    assert ok(admin.get(f"/datasets/{dataset_id}/error-docs")) == {"data": [progress[failed]], "total": 1}
    assert other.get(f"/datasets/{dataset_id}/error-docs").status_code == 404


def test_retrieval_testing_keeps_its_history(admin, other, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    hits = ok(admin.post(f"/datasets/{dataset_id}/hit-testing", json={"query": "warranty laptop"}))
    assert hits["query"] == {"content": "warranty laptop"}
    assert "warranty" in hits["records"][0]["segment"]["content"]
    ok(admin.post(f"/datasets/{dataset_id}/hit-testing", json={"query": "shipping"}))
    assert admin.post(f"/datasets/{dataset_id}/hit-testing", json={"query": " "}).status_code == 400
    history = ok(admin.get(f"/datasets/{dataset_id}/queries", params={"limit": 1}))
    assert (history["total"], history["has_more"], history["limit"], history["page"]) == (2, True, 1, 1)
    [latest] = history["data"]
    assert latest["queries"] == [{"content_type": "text_query", "content": "shipping", "file_info": None}]
    assert (latest["source"], latest["created_by_role"]) == ("hit_testing", "account")
    assert latest["created_by"] and latest["created_at"] > 0
    second = ok(admin.get(f"/datasets/{dataset_id}/queries", params={"limit": 1, "page": 2}))
    assert [q["queries"][0]["content"] for q in second["data"]] == ["warranty laptop"]
    assert second["has_more"] is False
    assert other.get(f"/datasets/{dataset_id}/queries").status_code == 404
    assert other.post(f"/datasets/{dataset_id}/hit-testing", json={"query": "x"}).status_code == 404


CHAT_DSL = """app: {name: Support bot, mode: chat, description: answers from the handbook}
kind: app
version: 0.3.1
model_config:
  pre_prompt: Answer from the handbook.
  model: {provider: openai, name: gpt-4o-mini, mode: chat, completion_params: {}}
  dataset_configs:
    retrieval_model: multiple
    datasets: {datasets: [{dataset: {enabled: true, id: DATASET}}]}
"""
WORKFLOW_DSL = """app: {name: Flow, mode: workflow}
kind: app
version: 0.3.1
workflow:
  graph:
    nodes:
      - {id: start, type: custom, data: {type: start, title: Start, variables: []}}
      - {id: end, type: custom, data: {type: end, title: End, outputs: []}}
    edges:
      - {id: e, source: start, target: end, sourceHandle: source, targetHandle: target, data: {}}
"""


def test_related_apps_are_the_apps_that_retrieve_from_it(admin, other, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    assert ok(admin.get(f"/datasets/{dataset_id}/related-apps")) == {"data": [], "total": 0}
    assert ok(admin.get(f"/datasets/{dataset_id}/use-check")) == {"is_using": False}
    chat = ok(
        admin.post(
            "/apps/imports", json={"mode": "yaml-content", "yaml_content": CHAT_DSL.replace("DATASET", dataset_id)}
        )
    )
    flow = ok(admin.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": WORKFLOW_DSL}))
    ok(admin.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": WORKFLOW_DSL}))  # uses none
    graph = {
        "nodes": [
            {"id": "k", "data": {"type": "knowledge-retrieval", "title": "Handbook", "dataset_ids": [dataset_id]}}
        ],
        "edges": [],
    }
    ok(
        admin.post(
            f"/apps/{flow['app_id']}/workflows/draft",
            json={"graph": graph, "features": {}, "environment_variables": [], "conversation_variables": []},
        )
    )
    related = ok(admin.get(f"/datasets/{dataset_id}/related-apps"))
    assert related["total"] == 2
    assert {(a["id"], a["name"], a["mode"]) for a in related["data"]} == {
        (chat["app_id"], "Support bot", "chat"),
        (flow["app_id"], "Flow", "workflow"),
    }
    assert {"icon_type", "icon", "icon_background", "icon_url", "description"} <= set(related["data"][0])
    assert ok(admin.get(f"/datasets/{dataset_id}/use-check")) == {"is_using": True}
    assert other.get(f"/datasets/{dataset_id}/related-apps").status_code == 404
    assert other.get(f"/datasets/{dataset_id}/use-check").status_code == 404


def test_the_small_knowledge_views(admin, other, knowledge):
    dataset_id = knowledge["made"]["dataset"]["id"]
    assert ok(admin.get(f"/datasets/{dataset_id}/auto-disable-logs")) == {"document_ids": [], "count": 0}
    assert other.get(f"/datasets/{dataset_id}/auto-disable-logs").status_code == 404
    fields = ok(admin.get("/datasets/metadata/built-in"))["fields"]
    assert {"name": "document_name", "type": "string"} in fields
    assert ok(admin.get("/datasets/api-base-info"))["api_base_url"].endswith("/v1")


ROUTES = [
    ("POST", "/datasets/indexing-estimate"),
    ("POST", "/datasets/{d}/documents"),
    ("GET", "/datasets/{d}/documents/{x}/indexing-status"),
    ("PATCH", "/datasets/{d}/documents/status/enable/batch"),
    ("DELETE", "/datasets/{d}/documents"),
    ("POST", "/datasets/{d}/documents/{x}/rename"),
    ("GET", "/datasets/{d}/documents/{x}/segments"),
    ("DELETE", "/datasets/{d}/documents/{x}/segments"),
    ("PATCH", "/datasets/{d}/documents/{x}/segment/enable"),
    ("POST", "/datasets/{d}/documents/{x}/segment"),
    ("GET", "/datasets/{d}/error-docs"),
    ("GET", "/datasets/{d}/queries"),
    ("GET", "/datasets/{d}/related-apps"),
    ("GET", "/datasets/{d}/use-check"),
    ("GET", "/datasets/{d}/auto-disable-logs"),
    ("GET", "/datasets/metadata/built-in"),
    ("GET", "/datasets/api-base-info"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_the_new_routes_need_the_csrf_header(admin, knowledge, method, path):
    url = path.format(d=knowledge["made"]["dataset"]["id"], x=knowledge["made"]["documents"][0]["id"])
    response = admin.bare(method, url, json={} if method in ("POST", "PATCH") else None)
    assert response.status_code == 401, response.text
