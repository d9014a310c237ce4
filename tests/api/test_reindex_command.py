"""`weir datasets reindex`: moving a workspace's vectors from pgvector to Milvus Lite, as an operator would."""

import json
import subprocess
from uuid import UUID

import pytest
from psycopg.conninfo import conninfo_to_dict

from application.knowledge.retrieve import RetrieveRequest
from domain.knowledge.collections import collection_for_dataset
from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.settings import Settings
from entrypoints.worker import tasks
from tests.api.helpers import bearer
from tests.api.knowledge_helpers import HANDBOOK, create_dataset, json_body, wait_indexed
from tests.processes import python, weir_env


def _cli_env(database_url: str, storage: str) -> dict[str, str]:
    """The CLI on the test's database (its DB_* settings) and storage folder."""
    info = conninfo_to_dict(database_url)
    return weir_env(STORAGE_PATH=storage, VECTOR_STORE="pgvector", DB_HOST=info["host"], DB_PORT=str(info.get("port") or 5432),
                    DB_USERNAME=info["user"], DB_PASSWORD=info.get("password") or "", DB_DATABASE=info["dbname"])


def _weir(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(python("-m", "entrypoints.cli", *args), env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
async def indexed(client, key):
    dataset = await create_dataset(client, key, indexing_technique="high_quality")
    ds = f"/v1/datasets/{dataset['id']}"
    created = await json_body(await client.post(f"{ds}/document/create-by-text", headers=bearer(key),
                                                json={"name": "handbook", "text": HANDBOOK}))
    [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "completed", status
    economy = await create_dataset(client, key, name="Notes", indexing_technique="economy")
    return dataset["id"], status["total_segments"], economy["id"]


async def test_reindex_moves_a_dataset_to_milvus_where_retrieval_finds_it(indexed, settings, clean_database):
    dataset_id, segments, _ = indexed
    env = _cli_env(clean_database, str(settings.STORAGE_PATH))

    for _ in range(2):  # idempotent: a second run stores the same vectors again, no more
        done = _weir(env, "datasets", "reindex", "--to", "milvus")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report == {"result": "success", "vector_store": "milvus", "datasets": 1, "documents": 1,
                          "segments": segments, "vectors": segments}
        assert f"] {segments}/{segments} segments" in done.stderr

    milvus = build_container(Settings(STORAGE_PATH=settings.STORAGE_PATH, VECTOR_STORE="milvus", _env_file=None),
                             Database(url=clean_database, embedded=False), tasks.broker)
    store = milvus.knowledge.vector_store()
    try:
        everything = await store.search(collection_for_dataset(UUID(dataset_id)), [1.0] + [0.0] * 383, top_k=100)
        assert len(everything) == segments
        records = await milvus.knowledge.retrieve().execute(RetrieveRequest(
            tenant_id=(await _tenant(milvus)), dataset_id=UUID(dataset_id),
            query="How long does international shipping take?"))
        assert "three weeks" in records[0].segment.content
    finally:
        store.close()


async def test_reindex_of_one_dataset_and_of_an_unknown_one(indexed, settings, clean_database):
    dataset_id, segments, economy_id = indexed
    env = _cli_env(clean_database, str(settings.STORAGE_PATH))

    done = _weir(env, "datasets", "reindex", "--dataset", dataset_id)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["vector_store"] == "pgvector"
    assert json.loads(done.stdout)["vectors"] == segments
    skipped = json.loads(_weir(env, "datasets", "reindex", "--dataset", economy_id).stdout)
    assert (skipped["datasets"], skipped["vectors"]) == (0, 0)  # economy datasets have no vectors

    missing = _weir(env, "datasets", "reindex", "--dataset", "00000000-0000-0000-0000-000000000000")
    assert missing.returncode == 1
    assert json.loads(missing.stderr.strip().splitlines()[-1])["error"] == "DatasetNotFound"


async def _tenant(container) -> UUID:
    return (await container.find_operator().execute()).tenant.id
