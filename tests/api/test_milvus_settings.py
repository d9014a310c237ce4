"""MILVUS_URI, MILVUS_TOKEN and MILVUS_DATABASE: where VECTOR_STORE=milvus keeps the vectors."""

import pytest
from pydantic import ValidationError

from adapters.vectorstores.milvus import HnswParams, MilvusVectorStore
from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.settings import Settings
from entrypoints.worker import tasks
from tests.api.helpers import bearer
from tests.api.knowledge_helpers import HANDBOOK, create_dataset, json_body, wait_indexed


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY", "MILVUS_TOKEN", "MILVUS_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    return Settings(
        STORAGE_PATH=tmp_path / "storage",
        VECTOR_STORE="milvus",
        MILVUS_URI=str(tmp_path / "elsewhere" / "kb.db"),
        _env_file=None,
    )


async def test_a_milvus_lite_file_named_by_milvus_uri_holds_the_vectors(client, key, settings):
    (settings.STORAGE_PATH.parent / "elsewhere").mkdir()
    dataset = await create_dataset(client, key, indexing_technique="high_quality")
    ds = f"/v1/datasets/{dataset['id']}"
    created = await json_body(
        await client.post(
            f"{ds}/document/create-by-text", headers=bearer(key), json={"name": "handbook", "text": HANDBOOK}
        )
    )
    [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "completed", status

    found = await json_body(
        await client.post(
            f"{ds}/retrieve", headers=bearer(key), json={"query": "how long does international shipping take"}
        )
    )
    assert "three weeks" in found["records"][0]["segment"]["content"]
    assert (settings.STORAGE_PATH.parent / "elsewhere" / "kb.db").exists()
    assert not (settings.STORAGE_PATH / "milvus.db").exists()


def test_a_url_with_token_and_database_names_a_milvus_server(tmp_path, clean_database):
    settings = Settings(
        STORAGE_PATH=tmp_path,
        VECTOR_STORE="milvus",
        MILVUS_URI="http://milvus.internal:19530",
        MILVUS_TOKEN="root:Milvus",
        MILVUS_DATABASE="kb",
        REDIS_URL=None,
        REDIS_HOST=None,
        _env_file=None,
    )
    container = build_container(settings, Database(url=clean_database, embedded=False), tasks.broker)
    store = container.knowledge.vector_store()
    assert isinstance(store, MilvusVectorStore)
    assert (store._uri, store._token, store._db_name) == ("http://milvus.internal:19530", "root:Milvus", "kb")
    assert store._hnsw == HnswParams()  # M=16, efConstruction=200, ef=64 unless set


def test_the_hnsw_parameters_of_a_milvus_server_are_settable_and_checked(tmp_path, clean_database):
    settings = Settings(
        STORAGE_PATH=tmp_path,
        VECTOR_STORE="milvus",
        MILVUS_URI="http://milvus.internal:19530",
        MILVUS_HNSW_M=32,
        MILVUS_HNSW_EF_CONSTRUCTION=400,
        MILVUS_HNSW_EF=128,
        REDIS_URL=None,
        REDIS_HOST=None,
        _env_file=None,
    )
    container = build_container(settings, Database(url=clean_database, embedded=False), tasks.broker)
    assert container.knowledge.vector_store()._hnsw == HnswParams(m=32, ef_construction=400, ef=128)
    with pytest.raises(ValidationError):
        Settings(STORAGE_PATH=tmp_path, MILVUS_HNSW_M=1, _env_file=None)


def test_without_milvus_uri_the_lite_file_lives_in_the_storage_folder(tmp_path, clean_database):
    settings = Settings(STORAGE_PATH=tmp_path, VECTOR_STORE="milvus", REDIS_URL=None, REDIS_HOST=None, _env_file=None)
    container = build_container(settings, Database(url=clean_database, embedded=False), tasks.broker)
    assert container.knowledge.vector_store()._uri == str(tmp_path / "milvus.db")
