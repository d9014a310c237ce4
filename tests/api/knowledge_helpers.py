"""What the Knowledge API tests share: a handbook to index, creating a dataset, waiting for its indexing."""

from tests.api.helpers import bearer
from tests.api.openapi import assert_schema
from tests.polling import eventually

INDEXING_SECONDS = 60

HANDBOOK = """Refund policy

Customers may return any product within 30 days of delivery for a full refund. The item must be unused.

Shipping

Orders ship within two business days. International shipping takes up to three weeks.

Warranty

Every laptop carries a two year warranty covering manufacturing defects, batteries excluded."""


async def json_body(response, status: int = 200):
    body = await response.get_json()
    assert response.status_code == status, body
    return body


async def create_dataset(client, key: str, **fields) -> dict:
    body = await json_body(await client.post("/v1/datasets", json={"name": "Handbook", **fields}, headers=bearer(key)))
    assert_schema(body, "Dataset")
    return body


async def wait_indexed(client, key: str, dataset_id: str, batch: str) -> list[dict]:
    """The batch's documents once every one is completed or in error."""

    async def settled() -> list[dict] | None:
        url = f"/v1/datasets/{dataset_id}/documents/{batch}/indexing-status"
        body = await json_body(await client.get(url, headers=bearer(key)))
        assert_schema(body, "GET /datasets/{dataset_id}/documents/{batch}/indexing-status 200")
        return body["data"] if all(d["indexing_status"] in ("completed", "error") for d in body["data"]) else None

    return await eventually(settled, timeout=INDEXING_SECONDS, interval=0.05, what=f"batch {batch} to be indexed")
