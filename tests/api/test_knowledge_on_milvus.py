"""One env var swaps the vector database: VECTOR_STORE=milvus is Milvus Lite, and the health check says so.

The Knowledge API's main scenarios run on it too, in test_knowledge_api.py (ON_EACH_VECTOR_STORE).
"""

import pytest


@pytest.mark.parametrize("settings", [{"VECTOR_STORE": "milvus"}], indirect=True)
async def test_the_health_check_names_milvus(client):
    body = await (await client.get("/health")).get_json()
    assert body["checks"]["vector_store"]["kind"] == "milvus"
