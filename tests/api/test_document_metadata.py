"""Document metadata through the Knowledge API: fields, values on documents, filtering in retrieval."""

from tests.api.helpers import OWNER, bearer
from tests.api.knowledge_helpers import create_dataset, json_body, wait_indexed
from tests.api.openapi import assert_schema

REFUNDS = "Customers may return any product within 30 days of delivery for a full refund."
SHIPPING = "Orders ship within two business days and returns are free of charge."


async def _indexed_documents(client, key) -> tuple[str, str, str]:
    dataset = await create_dataset(client, key, indexing_technique="economy")
    ids = []
    for name, text in (("refunds", REFUNDS), ("shipping", SHIPPING)):
        created = await json_body(
            await client.post(
                f"/v1/datasets/{dataset['id']}/document/create-by-text",
                headers=bearer(key),
                json={"name": name, "text": text},
            )
        )
        [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
        assert status["indexing_status"] == "completed"
        ids.append(created["document"]["id"])
    return f"/v1/datasets/{dataset['id']}", ids[0], ids[1]


async def _retrieve(client, key, ds: str, conditions: dict | None) -> list[str]:
    model = {"search_method": "keyword_search", "top_k": 5}
    if conditions is not None:
        model["metadata_filtering_conditions"] = conditions
    found = await json_body(
        await client.post(
            f"{ds}/retrieve", headers=bearer(key), json={"query": "returns refund days", "retrieval_model": model}
        )
    )
    assert_schema(found, "POST /datasets/{dataset_id}/retrieve 200")
    return sorted({r["segment"]["document"]["name"] for r in found["records"]})


async def test_metadata_fields_are_set_on_documents_and_filter_retrieval(client, key):
    ds, refunds, shipping = await _indexed_documents(client, key)
    author = await json_body(
        await client.post(f"{ds}/metadata", headers=bearer(key), json={"type": "string", "name": "author"}), 201
    )
    assert_schema(author, "POST /datasets/{dataset_id}/metadata 201")
    year = await json_body(
        await client.post(f"{ds}/metadata", headers=bearer(key), json={"type": "number", "name": "year"}), 201
    )
    set_values = await json_body(
        await client.post(
            f"{ds}/documents/metadata",
            headers=bearer(key),
            json={
                "operation_data": [
                    {
                        "document_id": refunds,
                        "metadata_list": [
                            {"id": author["id"], "name": "author", "value": "Ada"},
                            {"id": year["id"], "name": "year", "value": 2024},
                        ],
                    },
                    {
                        "document_id": shipping,
                        "metadata_list": [
                            {"id": author["id"], "name": "author", "value": "Bob"},
                            {"id": year["id"], "name": "year", "value": "2019"},
                        ],
                    },
                ]
            },
        )
    )
    assert set_values == {"result": "success"}

    listed = await json_body(await client.get(f"{ds}/metadata", headers=bearer(key)))
    assert_schema(listed, "GET /datasets/{dataset_id}/metadata 200")
    assert [(f["name"], f["type"], f["count"]) for f in listed["doc_metadata"]] == [
        ("author", "string", 2),
        ("year", "number", 2),
    ]
    assert listed["built_in_field_enabled"] is False
    built_in = await json_body(await client.get(f"{ds}/metadata/built-in", headers=bearer(key)))
    assert_schema(built_in, "GET /datasets/{dataset_id}/metadata/built-in 200")
    assert await json_body(await client.post(f"{ds}/metadata/built-in/enable", headers=bearer(key))) == {
        "result": "success"
    }
    assert (await json_body(await client.get(f"{ds}/metadata", headers=bearer(key))))["built_in_field_enabled"]

    assert await _retrieve(client, key, ds, None) == ["refunds", "shipping"]
    only_ada = {
        "logical_operator": "and",
        "conditions": [{"name": "author", "comparison_operator": "is", "value": "Ada"}],
    }
    assert await _retrieve(client, key, ds, only_ada) == ["refunds"]
    old_or_bob = {
        "logical_operator": "or",
        "conditions": [
            {"name": "year", "comparison_operator": "<", "value": 2020},
            {"name": "author", "comparison_operator": "is", "value": "Nobody"},
        ],
    }
    assert await _retrieve(client, key, ds, old_or_bob) == ["shipping"]

    renamed = await json_body(
        await client.patch(f"{ds}/metadata/{author['id']}", headers=bearer(key), json={"name": "writer"})
    )
    assert_schema(renamed, "PATCH /datasets/{dataset_id}/metadata/{metadata_id} 200")
    by_writer = {
        "logical_operator": "and",
        "conditions": [{"name": "writer", "comparison_operator": "is", "value": "Bob"}],
    }
    assert await _retrieve(client, key, ds, by_writer) == ["shipping"]
    assert (await client.delete(f"{ds}/metadata/{author['id']}", headers=bearer(key))).status_code == 204
    assert await _retrieve(client, key, ds, by_writer) == []
    listed = await json_body(await client.get(f"{ds}/metadata", headers=bearer(key)))
    assert [f["name"] for f in listed["doc_metadata"]] == ["year"]


async def test_bad_metadata_gets_difys_errors_and_changes_nothing(client, key):
    ds, refunds, shipping = await _indexed_documents(client, key)
    year = await json_body(
        await client.post(f"{ds}/metadata", headers=bearer(key), json={"type": "number", "name": "year"}), 201
    )
    unknown_field = "00000000-0000-0000-0000-000000000000"
    cases = [
        (
            client.post(f"{ds}/metadata", headers=bearer(key), json={"type": "number", "name": "year"}),
            400,
            "invalid_param",
        ),  # duplicate name
        (
            client.post(f"{ds}/metadata", headers=bearer(key), json={"type": "colour", "name": "hue"}),
            400,
            "invalid_param",
        ),
        (
            client.post(f"{ds}/metadata", headers=bearer(key), json={"type": "string", "name": "document_name"}),
            400,
            "invalid_param",
        ),  # a built-in field's name
        (
            client.post(
                f"{ds}/documents/metadata",
                headers=bearer(key),
                json={
                    "operation_data": [
                        {"document_id": refunds, "metadata_list": [{"id": year["id"], "name": "year", "value": 2024}]},
                        {
                            "document_id": shipping,
                            "metadata_list": [{"id": unknown_field, "name": "author", "value": "x"}],
                        },
                    ]
                },
            ),
            400,
            "invalid_param",
        ),  # unknown field
        (
            client.post(
                f"{ds}/documents/metadata",
                headers=bearer(key),
                json={
                    "operation_data": [
                        {"document_id": refunds, "metadata_list": [{"id": year["id"], "name": "year", "value": 2024}]},
                        {
                            "document_id": shipping,
                            "metadata_list": [{"id": year["id"], "name": "year", "value": "soon"}],
                        },
                    ]
                },
            ),
            400,
            "invalid_param",
        ),  # wrong type
        (
            client.post(
                f"{ds}/documents/metadata",
                headers=bearer(key),
                json={
                    "operation_data": [
                        {
                            "document_id": unknown_field,
                            "metadata_list": [{"id": year["id"], "name": "year", "value": 1}],
                        },
                    ]
                },
            ),
            400,
            "invalid_param",
        ),  # unknown document
        (client.patch(f"{ds}/metadata/{unknown_field}", headers=bearer(key), json={"name": "z"}), 404, "not_found"),
        (
            client.post(
                f"{ds}/retrieve",
                headers=bearer(key),
                json={
                    "query": "refund",
                    "retrieval_model": {"metadata_filtering_conditions": {"logical_operator": "xor", "conditions": []}},
                },
            ),
            400,
            "invalid_param",
        ),
    ]
    for call, status, code in cases:
        response = await call
        body = await response.get_json()
        assert (response.status_code, body["code"]) == (status, code), body
        assert body["status"] == status and body["message"]

    listed = await json_body(await client.get(f"{ds}/metadata", headers=bearer(key)))
    assert [(f["name"], f["count"]) for f in listed["doc_metadata"]] == [("year", 0)]


async def test_built_in_fields_filter_retrieval_once_enabled(client, key):
    ds, _, _ = await _indexed_documents(client, key)
    by_name = {
        "logical_operator": "and",
        "conditions": [{"name": "document_name", "comparison_operator": "is", "value": "refunds"}],
    }
    assert await _retrieve(client, key, ds, by_name) == []  # built-in fields are off: no document has them

    await json_body(await client.post(f"{ds}/metadata/built-in/enable", headers=bearer(key)))
    assert await _retrieve(client, key, ds, by_name) == ["refunds"]
    assert await _retrieve(
        client,
        key,
        ds,
        {
            "logical_operator": "and",
            "conditions": [{"name": "document_name", "comparison_operator": "is not", "value": "refunds"}],
        },
    ) == ["shipping"]
    owner_and_source = {
        "logical_operator": "and",
        "conditions": [
            {"name": "uploader", "comparison_operator": "is", "value": OWNER["name"]},
            {"name": "source", "comparison_operator": "is", "value": "file_upload"},
            {"name": "upload_date", "comparison_operator": "after", "value": 0},
        ],
    }
    assert await _retrieve(client, key, ds, owner_and_source) == ["refunds", "shipping"]
    assert (
        await _retrieve(
            client,
            key,
            ds,
            {
                "logical_operator": "and",
                "conditions": [{"name": "source", "comparison_operator": "is", "value": "notion"}],
            },
        )
        == []
    )

    await json_body(await client.post(f"{ds}/metadata/built-in/disable", headers=bearer(key)))
    assert await _retrieve(client, key, ds, by_name) == []
