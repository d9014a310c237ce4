"""One env var swaps the vector database: the Knowledge API's main scenarios again, on Milvus Lite."""

import pytest

from entrypoints.settings import Settings
from tests.api.test_knowledge_api import (  # noqa: F401  (re-collected here with VECTOR_STORE=milvus)
    key,
    test_a_dataset_indexes_text_and_files_and_retrieves_the_right_segment,
    test_segments_can_be_added_edited_and_deleted,
)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return Settings(STORAGE_PATH=tmp_path / "storage", VECTOR_STORE="milvus", _env_file=None)


async def test_the_health_check_names_milvus(client):
    body = await (await client.get("/health")).get_json()
    assert body["checks"]["vector_store"]["kind"] == "milvus"
