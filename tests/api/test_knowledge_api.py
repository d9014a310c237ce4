"""The Knowledge API as a Dify client uses it: datasets, documents, indexing, segments, retrieval."""

import io

import pytest
from quart.datastructures import FileStorage

from tests.api.helpers import bearer
from tests.api.knowledge_helpers import HANDBOOK, create_dataset, json_body, wait_indexed
from tests.api.openapi import assert_schema
from tests.sample_files import pdf

# The main scenarios run on each vector database: one setting, VECTOR_STORE, swaps it.
ON_EACH_VECTOR_STORE = pytest.mark.parametrize(
    "settings", [{}, {"VECTOR_STORE": "milvus"}], ids=["pgvector", "milvus-lite"], indirect=True
)

GARDENING = b"""# Growing tomatoes

Tomatoes need at least six hours of direct sunlight every day.

## Watering

Water tomato plants deeply twice a week, at the base, never on the leaves.
"""


@ON_EACH_VECTOR_STORE
async def test_a_dataset_indexes_text_and_files_and_retrieves_the_right_segment(client, key):
    dataset = await create_dataset(client, key, indexing_technique="high_quality")
    assert (dataset["embedding_model_provider"], dataset["embedding_model"]) == ("weir_local", "all-MiniLM-L6-v2")
    ds = f"/v1/datasets/{dataset['id']}"

    rule = {"mode": "custom", "rules": {"pre_processing_rules": [{"id": "remove_extra_spaces", "enabled": True}],
                                         "segmentation": {"separator": "\\n\\n", "max_tokens": 100}}}
    created = await json_body(await client.post(f"{ds}/document/create-by-text", headers=bearer(key),
                                                json={"name": "handbook", "text": HANDBOOK, "process_rule": rule}))
    assert_schema(created, "POST /datasets/{dataset_id}/document/create-by-text 200")
    assert created["document"]["indexing_status"] == "waiting"
    uploaded = await json_body(await client.post(
        f"{ds}/document/create-by-file", headers=bearer(key),
        form={"data": '{"process_rule": {"mode": "automatic"}}'},
        files={"file": FileStorage(stream=io.BytesIO(GARDENING), filename="tomatoes.md", content_type="text/markdown")},
    ))
    assert uploaded["document"]["name"] == "tomatoes.md"

    [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "completed", status
    assert status["completed_segments"] == status["total_segments"] == 6
    assert status["processing_started_at"] <= status["parsing_completed_at"] <= status["completed_at"]
    [status] = await wait_indexed(client, key, dataset["id"], uploaded["batch"])
    assert status["indexing_status"] == "completed", status

    documents = await json_body(await client.get(f"{ds}/documents", headers=bearer(key)))
    assert_schema(documents, "GET /datasets/{dataset_id}/documents 200")
    assert documents["total"] == 2 and {d["display_status"] for d in documents["data"]} == {"available"}
    document_id = created["document"]["id"]
    detail = await json_body(await client.get(f"{ds}/documents/{document_id}", headers=bearer(key)))
    assert_schema(detail, "GET /datasets/{dataset_id}/documents/{document_id} 200")
    assert detail["segment_count"] == 6 and detail["word_count"] > 0 and detail["tokens"] > 0
    segments = await json_body(await client.get(f"{ds}/documents/{document_id}/segments", headers=bearer(key)))
    assert_schema(segments, "GET /datasets/{dataset_id}/documents/{document_id}/segments 200")
    assert [s["position"] for s in segments["data"]] == [1, 2, 3, 4, 5, 6]
    assert segments["data"][1]["content"].startswith("Customers may return")

    for method in ("semantic_search", "full_text_search", "hybrid_search"):
        found = await json_body(await client.post(f"{ds}/retrieve", headers=bearer(key), json={
            "query": "How long do I have to return a product for a refund?",
            "retrieval_model": {"search_method": method, "reranking_enable": False, "top_k": 3,
                                "score_threshold_enabled": False},
        }))
        assert_schema(found, "POST /datasets/{dataset_id}/retrieve 200")
        assert found["records"][0]["segment"]["content"].startswith("Customers may return"), (method, found)
        assert found["records"][0]["segment"]["document"]["name"] == "handbook"
    tomato = await json_body(await client.post(f"{ds}/retrieve", headers=bearer(key),
                                               json={"query": "how often should I water tomatoes"}))
    assert "Water tomato plants" in tomato["records"][0]["segment"]["content"]


@ON_EACH_VECTOR_STORE
async def test_segments_can_be_added_edited_and_deleted(client, key):
    dataset = await create_dataset(client, key, indexing_technique="high_quality")
    ds = f"/v1/datasets/{dataset['id']}"
    created = await json_body(await client.post(f"{ds}/document/create-by-text", headers=bearer(key),
                                                json={"name": "faq", "text": HANDBOOK}))
    await wait_indexed(client, key, dataset["id"], created["batch"])
    segs = f"{ds}/documents/{created['document']['id']}/segments"

    added = await json_body(await client.post(segs, headers=bearer(key), json={
        "segments": [{"content": "Gift cards never expire and can be used online.", "keywords": ["gift"]}]}))
    assert_schema(added, "POST /datasets/{dataset_id}/documents/{document_id}/segments 200")
    segment_id = added["data"][0]["id"]
    edited = await json_body(await client.post(f"{segs}/{segment_id}", headers=bearer(key),
                                               json={"segment": {"content": "Gift vouchers expire after five years."}}))
    assert_schema(edited, "POST /datasets/{dataset_id}/documents/{document_id}/segments/{segment_id} 200")
    found = await json_body(await client.post(f"{ds}/retrieve", headers=bearer(key),
                                              json={"query": "When do gift vouchers expire?"}))
    assert found["records"][0]["segment"]["id"] == segment_id

    assert (await client.delete(f"{segs}/{segment_id}", headers=bearer(key))).status_code == 204
    assert (await client.get(f"{segs}/{segment_id}", headers=bearer(key))).status_code == 404
    found = await json_body(await client.post(f"{ds}/retrieve", headers=bearer(key),
                                              json={"query": "When do gift vouchers expire?"}))
    assert all(r["segment"]["id"] != segment_id for r in found["records"])


async def test_economy_datasets_search_by_keyword_and_disabled_documents_are_not_returned(client, key):
    dataset = await create_dataset(client, key, indexing_technique="economy")
    ds = f"/v1/datasets/{dataset['id']}"
    created = await json_body(await client.post(f"{ds}/document/create-by-text", headers=bearer(key),
                                                json={"name": "handbook", "text": HANDBOOK}))
    [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "completed"
    found = await json_body(await client.post(f"{ds}/retrieve", headers=bearer(key), json={"query": "laptop warranty"}))
    assert "warranty" in found["records"][0]["segment"]["content"]

    document_id = created["document"]["id"]
    body = await json_body(await client.patch(f"{ds}/documents/status/disable", headers=bearer(key),
                                              json={"document_ids": [document_id]}))
    assert body == {"result": "success"}
    found = await json_body(await client.post(f"{ds}/retrieve", headers=bearer(key), json={"query": "laptop warranty"}))
    assert found["records"] == []
    listed = await json_body(await client.get(f"{ds}/documents?status=disabled", headers=bearer(key)))
    assert [d["id"] for d in listed["data"]] == [document_id]


async def test_bad_inputs_get_difys_errors_and_change_nothing(client, key):
    dataset = await create_dataset(client, key)
    ds = f"/v1/datasets/{dataset['id']}"
    duplicate = await client.post("/v1/datasets", json={"name": "Handbook"}, headers=bearer(key))
    assert (duplicate.status_code, (await duplicate.get_json())["code"]) == (409, "dataset_name_duplicate")

    cases = [
        (client.post(f"{ds}/document/create-by-text", headers=bearer(key), json={"name": "x", "text": "hello"}),
         400, "invalid_param"),  # the first document must name its indexing technique
        (client.post(f"{ds}/document/create-by-text", headers=bearer(key),
                     json={"name": "x", "text": "hello", "indexing_technique": "economy",
                           "process_rule": {"mode": "custom"}}), 400, "invalid_param"),
        (client.post(f"{ds}/document/create-by-file", headers=bearer(key), form={"data": "{}"},
                     files={"file": FileStorage(stream=io.BytesIO(b"MZ"), filename="tool.exe")}),
         415, "unsupported_file_type"),
        (client.post(f"{ds}/document/create-by-file", headers=bearer(key), form={"data": "{}"}),
         400, "no_file_uploaded"),
        (client.patch(f"{ds}/documents/status/explode", headers=bearer(key),
                      json={"document_ids": [dataset["id"]]}), 400, "invalid_action"),
        (client.get("/v1/datasets/00000000-0000-0000-0000-000000000000", headers=bearer(key)), 404, "not_found"),
        (client.get("/v1/datasets/not-a-uuid/documents", headers=bearer(key)), 404, "not_found"),
        (client.post(f"{ds}/retrieve", headers=bearer(key), json={"query": ""}), 400, "invalid_param"),
        (client.get("/v1/datasets", headers=bearer("dataset-nope")), 401, "unauthorized"),
    ]
    for call, status, code in cases:
        response = await call
        body = await response.get_json()
        assert (response.status_code, body["code"]) == (status, code), body
        assert body["status"] == status and body["message"]

    documents = await json_body(await client.get(f"{ds}/documents", headers=bearer(key)))
    assert documents["total"] == 0
    again = await json_body(await client.get(ds, headers=bearer(key)))
    assert again["indexing_technique"] == "" and again["document_count"] == 0


async def test_datasets_are_listed_updated_and_deleted(client, key):
    first = await create_dataset(client, key, name="Alpha")
    await create_dataset(client, key, name="Beta")
    listed = await json_body(await client.get("/v1/datasets?page=1&limit=1&keyword=alp", headers=bearer(key)))
    assert_schema(listed, "GET /datasets 200")
    assert (listed["total"], listed["data"][0]["name"], listed["has_more"]) == (1, "Alpha", False)
    updated = await json_body(await client.patch(f"/v1/datasets/{first['id']}", headers=bearer(key),
                                                 json={"name": "Alpha 2", "description": "docs"}))
    assert (updated["name"], updated["description"]) == ("Alpha 2", "docs")
    clash = await client.patch(f"/v1/datasets/{first['id']}", headers=bearer(key), json={"name": "Beta"})
    assert clash.status_code == 409
    assert (await client.delete(f"/v1/datasets/{first['id']}", headers=bearer(key))).status_code == 204
    assert (await client.get(f"/v1/datasets/{first['id']}", headers=bearer(key))).status_code == 404


async def test_the_local_embedding_model_is_listed(client, key):
    body = await json_body(await client.get("/v1/workspaces/current/models/model-types/text-embedding",
                                            headers=bearer(key)))
    assert_schema(body, "GET /workspaces/current/models/model-types/{model_type} 200")
    assert [(p["provider"], [m["model"] for m in p["models"]]) for p in body["data"]] == [
        ("weir_local", ["all-MiniLM-L6-v2"])
    ]


async def test_a_corrupt_file_ends_in_error_with_its_reason_and_can_be_retried(client, key):
    dataset = await create_dataset(client, key, indexing_technique="high_quality")
    ds = f"/v1/datasets/{dataset['id']}"
    uploaded = await json_body(await client.post(
        f"{ds}/document/create-by-file", headers=bearer(key), form={"data": "{}"},
        files={"file": FileStorage(stream=io.BytesIO(b"%PDF-1.4 garbage"), filename="scan.pdf")},
    ))
    [status] = await wait_indexed(client, key, dataset["id"], uploaded["batch"])
    assert status["indexing_status"] == "error" and "pdf" in status["error"] and status["stopped_at"]
    listed = await json_body(await client.get(f"{ds}/documents?status=error", headers=bearer(key)))
    assert [d["id"] for d in listed["data"]] == [uploaded["document"]["id"]]

    retried = await json_body(await client.post(f"{ds}/retry", headers=bearer(key),
                                                json={"document_ids": [uploaded["document"]["id"]]}))
    [status] = await wait_indexed(client, key, dataset["id"], retried["batch"])
    assert status["indexing_status"] == "error"


async def test_parent_child_documents_embed_children_and_return_parents(client, key):
    dataset = await create_dataset(client, key, indexing_technique="high_quality")
    ds = f"/v1/datasets/{dataset['id']}"
    rule = {"mode": "hierarchical", "rules": {
        "pre_processing_rules": [], "parent_mode": "paragraph",
        "segmentation": {"separator": "\\n\\n", "max_tokens": 500},
        "subchunk_segmentation": {"separator": "\\n", "max_tokens": 50},
    }}
    text = "Laptops\nEvery laptop has a two year warranty.\nBatteries are covered for one year.\n\n" \
           "Phones\nPhones ship in a recycled box.\nChargers are sold separately."
    created = await json_body(await client.post(f"{ds}/document/create-by-text", headers=bearer(key), json={
        "name": "catalogue", "text": text, "doc_form": "hierarchical_model", "process_rule": rule}))
    [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
    assert (status["indexing_status"], status["total_segments"]) == ("completed", 2), status

    found = await json_body(await client.post(f"{ds}/retrieve", headers=bearer(key),
                                              json={"query": "are batteries covered by the warranty?"}))
    assert_schema(found, "POST /datasets/{dataset_id}/retrieve 200")
    best = found["records"][0]
    assert best["segment"]["content"].startswith("Laptops")
    assert "Batteries are covered" in best["child_chunks"][0]["content"] or \
        "warranty" in best["child_chunks"][0]["content"]
    segments = await json_body(await client.get(f"{ds}/documents/{created['document']['id']}/segments",
                                                headers=bearer(key)))
    assert segments["doc_form"] == "hierarchical_model"
    assert [len(s["child_chunks"]) for s in segments["data"]] == [3, 3]


async def test_updating_a_document_reindexes_it_under_a_new_batch(client, key):
    dataset = await create_dataset(client, key, indexing_technique="high_quality")
    ds = f"/v1/datasets/{dataset['id']}"
    created = await json_body(await client.post(f"{ds}/document/create-by-text", headers=bearer(key),
                                                json={"name": "policy", "text": HANDBOOK}))
    await wait_indexed(client, key, dataset["id"], created["batch"])
    document_id = created["document"]["id"]

    updated = await json_body(await client.post(f"{ds}/documents/{document_id}/update-by-text", headers=bearer(key),
                                                json={"name": "policy v2", "text": "Pets are welcome in every store."}))
    assert_schema(updated, "POST /datasets/{dataset_id}/documents/{document_id}/update-by-text 200")
    assert updated["batch"] != created["batch"] and updated["document"]["name"] == "policy v2"
    [status] = await wait_indexed(client, key, dataset["id"], updated["batch"])
    assert (status["indexing_status"], status["total_segments"]) == ("completed", 1)

    found = await json_body(await client.post(f"{ds}/retrieve", headers=bearer(key),
                                              json={"query": "refund policy", "retrieval_model": {
                                                  "search_method": "semantic_search", "top_k": 5}}))
    assert [r["segment"]["content"] for r in found["records"]] == ["Pets are welcome in every store."]
    gone = await client.get(f"{ds}/documents/{document_id}", headers=bearer(key))
    assert (await gone.get_json())["name"] == "policy v2"
    assert (await client.delete(f"{ds}/documents/{document_id}", headers=bearer(key))).status_code == 204
    assert (await client.get(f"{ds}/documents/{document_id}", headers=bearer(key))).status_code == 404


class _DownQueue:
    async def index_documents(self, document_ids):
        from domain.shared.errors import StoreUnavailable

        raise StoreUnavailable("queue down")


async def test_documents_whose_job_was_lost_are_recovered_at_start_up(client, key, container):
    from dependency_injector import providers

    from entrypoints.worker.knowledge_tasks import recover_lost_documents

    dataset = await create_dataset(client, key, indexing_technique="economy")
    with container.knowledge.indexing_queue.override(providers.Object(_DownQueue())):
        created = await json_body(await client.post(f"/v1/datasets/{dataset['id']}/document/create-by-text",
                                                    headers=bearer(key), json={"name": "a", "text": HANDBOOK}))
    assert created["document"]["display_status"] == "queuing"

    assert await recover_lost_documents(container.knowledge, in_process=True) == 1
    [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "completed"
    assert await recover_lost_documents(container.knowledge, in_process=True) == 0


async def test_tags_label_datasets(client, key):
    dataset = await create_dataset(client, key)
    tag = await json_body(await client.post("/v1/datasets/tags", headers=bearer(key), json={"name": "hr"}))
    assert_schema(tag, "POST /datasets/tags 200")
    clash = await client.post("/v1/datasets/tags", headers=bearer(key), json={"name": "hr"})
    assert clash.status_code == 400
    bound = await client.post("/v1/datasets/tags/binding", headers=bearer(key),
                              json={"tag_ids": [tag["id"]], "target_id": dataset["id"]})
    assert bound.status_code == 204
    listed = await json_body(await client.get("/v1/datasets/tags", headers=bearer(key)))
    assert_schema(listed, "GET /datasets/tags 200")
    assert [(t["name"], t["binding_count"]) for t in listed] == [("hr", "1")]
    shown = await json_body(await client.get(f"/v1/datasets/{dataset['id']}", headers=bearer(key)))
    assert shown["tags"] == [{"id": tag["id"], "name": "hr", "type": "knowledge"}]
    renamed = await json_body(await client.patch("/v1/datasets/tags", headers=bearer(key),
                                                 json={"tag_id": tag["id"], "name": "people"}))
    assert renamed["name"] == "people"
    of_dataset = await json_body(await client.get(f"/v1/datasets/{dataset['id']}/tags", headers=bearer(key)))
    assert of_dataset == {"data": [{"id": tag["id"], "name": "people"}], "total": 1}
    assert (await client.post("/v1/datasets/tags/unbinding", headers=bearer(key),
                              json={"tag_id": tag["id"], "target_id": dataset["id"]})).status_code == 204
    assert (await json_body(await client.get(f"/v1/datasets/{dataset['id']}/tags", headers=bearer(key))))["total"] == 0
    assert (await client.delete("/v1/datasets/tags", headers=bearer(key), json={"tag_id": tag["id"]})).status_code == 204
    assert await json_body(await client.get("/v1/datasets/tags", headers=bearer(key))) == []


async def test_a_pdf_uploaded_through_the_api_is_indexed_and_found(client, key):
    dataset = await create_dataset(client, key, name="Manuals", indexing_technique="high_quality")
    part = FileStorage(stream=io.BytesIO(pdf("The boiler pressure must stay below two bar")),
                       filename="boiler.pdf", content_type="application/pdf")
    created = await json_body(await client.post(
        f"/v1/datasets/{dataset['id']}/document/create-by-file", headers=bearer(key),
        form={"data": '{"process_rule": {"mode": "automatic"}}'}, files={"file": part}))
    [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "completed", status
    found = await json_body(await client.post(f"/v1/datasets/{dataset['id']}/retrieve", headers=bearer(key), json={
        "query": "What pressure is safe for the boiler?",
        "retrieval_model": {"search_method": "semantic_search", "reranking_enable": False, "top_k": 1}}))
    assert "boiler pressure" in found["records"][0]["segment"]["content"]
    assert found["records"][0]["segment"]["document"]["name"] == "boiler.pdf"


async def _hnsw_indexes(container, dataset_id: str) -> int:
    from sqlalchemy import text

    table = f"embedding_vector_index_{dataset_id.replace('-', '')}_node"
    async with container.engine().connect() as conn:
        found = await conn.execute(
            text("SELECT count(*) FROM pg_indexes WHERE tablename = :t AND indexdef LIKE '%USING hnsw%'"), {"t": table}
        )
        return found.scalar_one()


async def test_a_new_datasets_vector_index_exists_once_its_last_document_is_done_even_one_that_failed(
    client, key, container
):
    dataset = await create_dataset(client, key, indexing_technique="high_quality")
    ds = f"/v1/datasets/{dataset['id']}"
    texts = [await json_body(await client.post(f"{ds}/document/create-by-text", headers=bearer(key),
                                               json={"name": f"handbook {i}", "text": HANDBOOK}))
             for i in range(3)]
    broken = await json_body(await client.post(
        f"{ds}/document/create-by-file", headers=bearer(key), form={"data": "{}"},
        files={"file": FileStorage(stream=io.BytesIO(b"%PDF-1.4 garbage"), filename="scan.pdf")},
    ))
    for created in texts:
        [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
        assert status["indexing_status"] == "completed", status
    [status] = await wait_indexed(client, key, dataset["id"], broken["batch"])
    assert status["indexing_status"] == "error"
    assert await _hnsw_indexes(container, dataset["id"]) == 1
    found = await json_body(await client.post(f"{ds}/retrieve", headers=bearer(key), json={
        "query": "How long do I have to return a product for a refund?",
        "retrieval_model": {"search_method": "semantic_search", "reranking_enable": False, "top_k": 3,
                            "score_threshold_enabled": False},
    }))
    assert ["Customers may return" in r["segment"]["content"] for r in found["records"]] == [True] * 3
