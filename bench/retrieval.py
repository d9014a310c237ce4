"""Query latency of each vector store adapter on a large collection, and of the query embedding apart.

Fills one collection per adapter with `--chunks` random-but-clustered 384-d unit vectors (200 cluster
centres, Gaussian noise around them, 100 chunks a document) straight through the adapter's `upsert`:
pgvector on an embedded PostgreSQL in a temporary folder (HNSW, cosine), Milvus Lite (a `.db` file;
FLAT, as the adapter creates it there) and a Milvus server (`milvus-server`: the one at `--milvus-uri`, or
a throwaway 2.3 standalone server started from the `milvus` dev package, tests/milvus_server.py; HNSW with
`--hnsw-m/--hnsw-ef-construction/--hnsw-ef`, as the adapter creates it there; after the load the bench
flushes and waits until every row is in the index, so searches run on HNSW segments, not growing ones).
Then times `search` for `--queries` vectors near the centres, top_k 10, twice: without a filter, and with
the document filter retrieval passes (every document id).
For pgvector the HNSW index is dropped before the load and built after it (`--insert-indexed` keeps it).
The local embedder's `embed_query` (all-MiniLM-L6-v2 int8) is timed on its own over real sentences.

    uv run python bench/retrieval.py [--chunks 100000] [--queries 300] [--stores pgvector,milvus,milvus-server]
"""

import sys
from pathlib import Path

# The repository root instead of bench/ (whose modules must not shadow the standard library's).
sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse  # noqa: E402
import asyncio  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sqlalchemy import text  # noqa: E402

from adapters.embeddings.local_onnx import LocalOnnxEmbedder  # noqa: E402
from adapters.persistence.embedded_postgres import start_embedded_postgres, stop_embedded_postgres  # noqa: E402
from adapters.persistence.engine import make_engine  # noqa: E402
from adapters.vectorstores.milvus import HnswParams, MilvusVectorStore  # noqa: E402
from adapters.vectorstores.pgvector import PgvectorVectorStore, _index, _table  # noqa: E402
from bench.corpus import _sentence  # noqa: E402
from domain.knowledge.ports import VectorFilter, VectorRecord  # noqa: E402
from tests.milvus_server import start_milvus_server  # noqa: E402

DIMENSION = 384
CLUSTERS = 200
CHUNKS_PER_DOCUMENT = 100
COLLECTION = "Vector_index_bench_Node"
INSERT_BATCH = 1000


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class Vectors:
    def __init__(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)
        self.centres = _unit(self._rng.standard_normal((CLUSTERS, DIMENSION)))

    def near(self, count: int, spread: float) -> np.ndarray:
        picks = self._rng.integers(0, CLUSTERS, count)
        noise = self._rng.standard_normal((count, DIMENSION)) * spread / math.sqrt(DIMENSION)
        return _unit(self.centres[picks] + noise).astype(np.float32)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def fill(store, chunks: int, vectors: Vectors) -> float:
    await store.create_collection(COLLECTION, DIMENSION)
    started = time.perf_counter()
    for start in range(0, chunks, INSERT_BATCH):
        block = vectors.near(min(INSERT_BATCH, chunks - start), spread=0.6)
        records = [
            VectorRecord(id=f"n{start + i}", vector=v.tolist(), text=f"chunk {start + i}",
                         metadata={"document_id": f"d{(start + i) // CHUNKS_PER_DOCUMENT}",
                                   "segment_id": f"s{start + i}"})
            for i, v in enumerate(block)
        ]
        await store.upsert(COLLECTION, records)
        done = start + len(records)
        print(f"\r  inserting {done}/{chunks} ({done / (time.perf_counter() - started):.0f}/s)", end="",
              file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return time.perf_counter() - started


async def hnsw_after_load(engine, store, chunks: int, vectors: Vectors) -> tuple[float, float]:
    """Bulk load as an operator would: drop the adapter's HNSW index, upsert, build the same index again."""
    table = _table(COLLECTION)
    await store.create_collection(COLLECTION, DIMENSION)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP INDEX "{_index(table, "hnsw")}"'))
    seconds = await fill(store, chunks, vectors)
    started = time.perf_counter()
    async with engine.begin() as conn:
        # The build is fast only while the whole graph fits in maintenance_work_mem (pgvector warns and slows
        # down past it): about 2.5 kB a 384-d row with the default m, so 1M chunks want ~2.5 GB.
        megabytes = max(512, chunks * 3 // 1000)
        await conn.execute(text(f"SET LOCAL maintenance_work_mem = '{megabytes}MB'"))
        await conn.execute(text(
            f'CREATE INDEX "{_index(table, "hnsw")}" ON "{table}" USING hnsw (embedding vector_cosine_ops)'
        ))
    return seconds, time.perf_counter() - started


def milvus_indexed(uri: str, chunks: int, deadline: float = 1800.0) -> float:
    """Seals the loaded rows and waits until the server's HNSW index covers them all; returns the seconds."""
    from pymilvus import MilvusClient

    client = MilvusClient(uri)
    started = time.perf_counter()
    try:
        client.flush(COLLECTION)
        while time.perf_counter() - started < deadline:
            index = client.describe_index(COLLECTION, "vector")
            if int(index.get("indexed_rows", 0)) >= chunks and int(index.get("pending_index_rows", 0)) == 0:
                return time.perf_counter() - started
            time.sleep(1)
        raise SystemExit(f"milvus-server: the index did not cover {chunks} rows within {deadline:.0f} s: {index}")
    finally:
        client.close()


async def query(store, queries: np.ndarray, where: VectorFilter | None) -> list[float]:
    for q in queries[:5]:  # warm caches and connections
        await store.search(COLLECTION, q.tolist(), top_k=10, where=where)
    times = []
    for q in queries:
        started = time.perf_counter()
        hits = await store.search(COLLECTION, q.tolist(), top_k=10, where=where)
        times.append(time.perf_counter() - started)
        assert hits, "a query near a cluster centre must find something"
    return times


async def embed_times(count: int) -> list[float]:
    embedder = LocalOnnxEmbedder()
    await embedder.embed_query("warm-up")
    rng = random.Random(3)
    times = []
    for _ in range(count):
        text = _sentence(rng)
        started = time.perf_counter()
        await embedder.embed_query(text)
        times.append(time.perf_counter() - started)
    return times


def row(name: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (f"  {name:<40} {pct(ms, 0.5):8.2f} {pct(ms, 0.95):8.2f} {pct(ms, 0.99):8.2f} "
            f"{statistics.fmean(ms):8.2f}")


async def run(args: argparse.Namespace, folder: Path) -> list[str]:
    vectors = Vectors(args.seed)
    queries = vectors.near(args.queries, spread=0.4)
    documents = VectorFilter(document_ids=[f"d{i}" for i in range(math.ceil(args.chunks / CHUNKS_PER_DOCUMENT))])
    lines = [row("query embedding (local model)", await embed_times(args.queries))]
    fills = []
    for name in args.stores.split(","):
        print(f"{name}:", file=sys.stderr)
        server = None
        if name == "pgvector":
            engine = make_engine(start_embedded_postgres(folder / "pg"), pool_size=2)
            store = PgvectorVectorStore(engine)
        elif name == "milvus":
            store = MilvusVectorStore(str(folder / "milvus.db"))
        elif name == "milvus-server":
            uri = args.milvus_uri
            if not uri:
                server = start_milvus_server(folder / "milvus-server")
                uri = server.uri
                fills.append(f"  milvus-server: a Milvus 2.3 standalone server started in {server.started_in:.1f} s")
            hnsw = HnswParams(m=args.hnsw_m, ef_construction=args.hnsw_ef_construction, ef=args.hnsw_ef)
            store = MilvusVectorStore(uri, hnsw=hnsw)
        else:
            raise SystemExit(f"unknown store {name}")
        try:
            if name == "pgvector" and not args.insert_indexed:
                seconds, build = await hnsw_after_load(engine, store, args.chunks, vectors)
                built = f", then the HNSW index built in {build:.1f} s"
            elif name == "milvus-server":
                seconds = await fill(store, args.chunks, vectors)
                build = milvus_indexed(uri, args.chunks)
                built = (f", then flushed and HNSW (M={hnsw.m}, efConstruction={hnsw.ef_construction}, "
                         f"ef={hnsw.ef}) covering every row {build:.1f} s later")
            else:
                seconds, built = await fill(store, args.chunks, vectors), ""
            fills.append(f"  {name}: {args.chunks} chunks inserted in {seconds:.1f} s "
                         f"({args.chunks / seconds:.0f}/s){built}")
            lines.append(row(f"{name} search top 10", await query(store, queries, None)))
            lines.append(row(f"{name} search top 10, document filter", await query(store, queries, documents)))
        finally:
            if name == "pgvector":
                await engine.dispose()
                stop_embedded_postgres(folder / "pg")
            else:
                store.close()
                if server is not None:
                    server.stop()
    return [*lines, "", *fills]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--stores", default="pgvector,milvus",
                        help="comma-separated: pgvector, milvus (Lite), milvus-server")
    parser.add_argument("--milvus-uri", default="",
                        help="milvus-server: this server (http://host:19530) instead of starting a throwaway one")
    parser.add_argument("--hnsw-m", type=int, default=HnswParams.m)
    parser.add_argument("--hnsw-ef-construction", type=int, default=HnswParams.ef_construction)
    parser.add_argument("--hnsw-ef", type=int, default=HnswParams.ef)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--insert-indexed", action="store_true",
                        help="pgvector: upsert into the indexed table (slow: HNSW insert per row) instead of "
                             "building the index after the load")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="weir-bench-retrieval-"))
    try:
        lines = asyncio.run(run(args, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\nretrieval latency, {args.chunks} chunks of 384 dims, {args.queries} queries (ms)")
    print(f"  {'':<40} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
