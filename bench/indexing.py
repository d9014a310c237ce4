"""Indexing throughput of the real pipeline: chunks/s, seconds per MB, peak RSS.

In one process, on an embedded PostgreSQL in a temporary STORAGE_PATH (as `weir` runs by default):
sets up a workspace, creates a high_quality dataset and N documents of generated text (bench/corpus.py)
through the CreateDocument use case, then runs the IndexDocument job of every document (parse → clean →
split → embed with all-MiniLM-L6-v2 on onnxruntime → pgvector upsert → completed), `--concurrency` jobs at
a time as a worker would. The embeddings cache starts empty and every chunk is distinct, so every chunk
reaches the model.

`--embedder remote` embeds through the workspace's OpenAI-compatible provider instead: bench/fake_upstream.py
runs in its own process on a free loopback port and answers `/v1/embeddings` with deterministic vectors
(`--dimensions` 384 or 1536); the workspace's `openai_api_compatible` credentials name it, with one
embedding model, and the dataset is created with that model, so the catalog resolves it as for a user.
`--embedder local` then times the raw model too: the same chunks' texts through `embed_documents` in the
pipeline's calls (a document's chunks, in order), no database, no store, one call at a time and `--concurrency`
at once: the model's own texts/s beside the pipeline's chunks/s, and their ratio.
`--profile OUT.prof` runs the timed part under cProfile, timed by this process's CPU time (the machine is shared).

Where the time goes is printed after the figures: the CPU seconds of this process, of the PostgreSQL
backends and of the fake embeddings server during the timed part, and the wall seconds spent in each stage
(parse, clean + split, embed, embeddings cache, vector store, status and segment transactions), summed over
the concurrent jobs, so they overlap. `--pg-statements` restarts the embedded PostgreSQL with
pg_stat_statements loaded and prints the statements that took the most of its time.

    uv run python bench/indexing.py [--documents 200] [--paragraphs 12] [--concurrency 2] [--threads 1]
                                    [--model-batch N] [--max-tokens 500] [--vector-store pgvector|milvus]
                                    [--embedder local|remote] [--dimensions 384] [--profile OUT.prof]
                                    [--pg-statements]
"""

import sys
from pathlib import Path

# The repository root instead of bench/ (whose modules must not shadow the standard library's).
sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import cProfile  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

import psutil  # noqa: E402
import psycopg  # noqa: E402
from dependency_injector import providers  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402
from taskiq import InMemoryBroker  # noqa: E402

from adapters.embeddings.local_onnx import LocalOnnxEmbedder  # noqa: E402
from adapters.persistence.schema.knowledge import document_segments  # noqa: E402
from application.knowledge.create_dataset import CreateDatasetRequest  # noqa: E402
from application.knowledge.create_document import CreateDocumentRequest  # noqa: E402
from application.knowledge.document_input import Upload  # noqa: E402
from application.knowledge.guards import Actor  # noqa: E402
from application.tenancy.set_up_instance import SetUpRequest  # noqa: E402
from bench.corpus import document  # noqa: E402
from entrypoints.container import build_container, shutdown_container  # noqa: E402
from entrypoints.database import close_database, open_database  # noqa: E402
from entrypoints.settings import Settings  # noqa: E402

STAGES: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])  # stage -> [calls, wall seconds]


def _timed(owner, name: str, stage: str) -> None:
    """Wraps owner.name (a coroutine function or a plain function) to add its wall time to STAGES[stage]."""
    original = getattr(owner, name)
    if asyncio.iscoroutinefunction(original):
        async def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                STAGES[stage][0] += 1
                STAGES[stage][1] += time.perf_counter() - started
    else:
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                STAGES[stage][0] += 1
                STAGES[stage][1] += time.perf_counter() - started
    setattr(owner, name, wrapper)


def instrument() -> None:
    """Stage timings around the pipeline's ports and steps (class attributes: every instance is timed)."""
    import application.knowledge.index_document as job
    from adapters.embeddings.openai_compatible import OpenAICompatibleEmbedder
    from adapters.extraction.file_text_extractor import FileTextExtractor
    from adapters.persistence.knowledge_embedding_cache import PostgresEmbeddingCache
    from adapters.persistence.knowledge_unit_of_work import SqlaKnowledgeUnitOfWork
    from adapters.storage.local_files import LocalFileStorage
    from adapters.vectorstores.pgvector import PgvectorVectorStore

    _timed(LocalFileStorage, "load", "parse: file load")
    _timed(FileTextExtractor, "extract", "parse: extract")
    _timed(job, "clean_for", "clean + split")
    _timed(job, "split_for_form", "clean + split")
    _timed(OpenAICompatibleEmbedder, "embed_documents", "embed (model or remote)")
    _timed(LocalOnnxEmbedder, "embed_documents", "embed (model or remote)")
    _timed(PostgresEmbeddingCache, "get_many", "embeddings cache: read")
    _timed(PostgresEmbeddingCache, "put_many", "embeddings cache: write")
    _timed(PgvectorVectorStore, "upsert", "vector store: upsert")
    _timed(PgvectorVectorStore, "create_collection", "vector store: create/delete")
    _timed(PgvectorVectorStore, "delete_document", "vector store: create/delete")
    for name in ("_stage", "_stages", "_complete"):  # whichever this commit has
        if hasattr(job.IndexDocument, name):
            _timed(job.IndexDocument, name, f"status: IndexDocument.{name}")
    _timed(SqlaKnowledgeUnitOfWork, "commit", "knowledge commits (all)")
    _timed(SqlaKnowledgeUnitOfWork, "__aexit__", "knowledge transactions' close")


class CpuMeter:
    """CPU seconds (user + system) of a process and its children between start() and stop(); a child that
    exits in between is missed, which pooled PostgreSQL backends do not do."""

    def __init__(self, pid: int | None) -> None:
        self._root = psutil.Process(pid) if pid else None
        self._start: dict[int, float] = {}
        self.seconds = 0.0

    def _sample(self) -> dict[int, float]:
        if self._root is None:
            return {}
        found = {}
        for process in [self._root, *self._root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                found[process.pid] = times.user + times.system
        return found

    def start(self) -> None:
        self._start = self._sample()

    def stop(self) -> None:
        self.seconds = sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._sample().items())


def _postmaster_pid(storage: Path) -> int:
    return int((storage / "pgdata" / "postmaster.pid").read_text().split("\n", 1)[0])


REMOTE_PROVIDER = "openai_api_compatible"
REMOTE_MODEL = "bench-embed"


@contextlib.contextmanager
def fake_embeddings(dimensions: int):
    """bench/fake_upstream.py in its own process on a free loopback port; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = Path(__file__).with_name("fake_upstream.py")
    process = subprocess.Popen([sys.executable, str(script), "--port", str(port),
                                "--embedding-dimensions", str(dimensions)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the fake embeddings server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/v1", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


class HeldQueue:
    """Keeps the jobs instead of running them: the benchmark runs them itself, timed."""

    def __init__(self) -> None:
        self.ids: list = []

    async def index_documents(self, document_ids) -> None:
        self.ids.extend(document_ids)


async def bench(args: argparse.Namespace, settings: Settings, database) -> dict:
    container = build_container(settings, database, InMemoryBroker())
    knowledge = container.knowledge
    queue = HeldQueue()
    knowledge.indexing_queue.override(providers.Object(queue))
    batch = {"batch_size": args.model_batch} if args.model_batch else {}
    knowledge.local_embedder.override(providers.Singleton(LocalOnnxEmbedder, intra_op_num_threads=args.threads,
                                                          **batch))
    try:
        await container.set_up_instance().execute(SetUpRequest("bench@example.com", "Bench", "bench-secret-1"))
        operator = await container.find_operator().execute()
        actor = Actor(operator.tenant.id, operator.account.id)
        model = {}
        if args.embedder == "remote":
            await container.models.save_provider_credentials().execute(operator.tenant.id, REMOTE_PROVIDER, {
                "api_key": "sk-bench", "endpoint_url": args.remote_url,
                "models": [{"name": REMOTE_MODEL, "mode": "embedding", "dimension": args.dimensions}],
            })
            model = {"embedding_model_provider": REMOTE_PROVIDER, "embedding_model": REMOTE_MODEL}
        dataset = await knowledge.create_dataset().execute(
            CreateDatasetRequest(actor=actor, name="bench", indexing_technique="high_quality", **model)
        )
        rule = {"mode": "custom", "rules": {
            "pre_processing_rules": [{"id": "remove_extra_spaces", "enabled": True}],
            "segmentation": {"separator": "\n\n", "max_tokens": args.max_tokens, "chunk_overlap": 0},
        }}
        rng = random.Random(args.seed)
        total_bytes = 0
        for i in range(args.documents):
            text = document(rng, args.paragraphs)
            total_bytes += len(text.encode())
            await knowledge.create_document().execute(CreateDocumentRequest(
                actor=actor, dataset_id=dataset.id, name=f"doc-{i}", upload=Upload.of_text(f"doc-{i}", text),
                indexing_technique="high_quality", process_rule=rule,
            ))
        embedder = await knowledge.catalog().embedder(operator.tenant.id, model.get("embedding_model_provider"),
                                                      model.get("embedding_model"))
        await embedder.embed_query("warm-up")  # model load (or the first connection) is not indexing
        knowledge.count_tokens()("warm-up")  # nor loading the tokenizer's tables (~1 s of CPU)
        pending = list(queue.ids)

        async def worker() -> None:
            while pending:  # a job a use case instance, as the worker task does (one unit of work each)
                await knowledge.index_document().execute(pending.pop())

        if args.pg_statements:
            async with container.engine().begin() as conn:
                await conn.execute(sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
                await conn.execute(sql("SELECT pg_stat_statements_reset()"))
        meters = {"weir (this process)": CpuMeter(os.getpid()), "postgres": CpuMeter(args.postmaster_pid),
                  "embeddings server": CpuMeter(args.upstream_pid)}
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not the neighbours
        STAGES.clear()
        for meter in meters.values():
            meter.start()
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        wall = time.perf_counter() - started
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        for meter in meters.values():
            meter.stop()
        stages = {name: tuple(value) for name, value in STAGES.items()}
        statements = await _top_statements(container) if args.pg_statements else []
        progress = await _progress(knowledge, queue.ids)
        raw = await _raw_model(container, embedder, args.concurrency) if args.embedder == "local" else None
    finally:
        await shutdown_container(container)
    return {"bytes": total_bytes, "wall": wall, "raw": raw, "stages": stages, "statements": statements,
            "cpu": {name: meter.seconds for name, meter in meters.items()}, **progress}


async def _top_statements(container) -> list[tuple]:
    async with container.engine().connect() as conn:
        rows = await conn.execute(sql(
            "SELECT calls, total_exec_time, rows, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "ORDER BY total_exec_time DESC LIMIT 12"
        ))
        return [tuple(r) for r in rows]


async def _raw_model(container, embedder, concurrency: int) -> dict[int, tuple[int, float]]:
    """The same chunks' texts straight through the model in the pipeline's batch shape (a document's chunks, in
    order, BATCH_SIZE at most a call), one call at a time and `concurrency` at once as the jobs run:
    {calls at once: (texts, seconds, this process's CPU seconds)}."""
    from application.knowledge.index_document import BATCH_SIZE

    s = document_segments.c
    async with container.engine().connect() as conn:
        rows = (await conn.execute(select(s.document_id, s.content).order_by(s.document_id, s.position))).all()
    per_document: dict = defaultdict(list)
    for document_id, content in rows:
        per_document[document_id].append(content)
    calls = [texts[start : start + BATCH_SIZE] for texts in per_document.values()
             for start in range(0, len(texts), BATCH_SIZE)]
    timings = {}
    for at_once in sorted({1, concurrency}):
        pending = list(calls)

        async def caller(pending: list) -> None:
            while pending:
                await embedder.embed_documents(pending.pop())

        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(caller(pending) for _ in range(at_once)))
        timings[at_once] = (len(rows), time.perf_counter() - started, time.process_time() - cpu)
    return timings


async def _progress(knowledge, document_ids) -> dict:
    async with knowledge.uow() as uow:
        counts = await uow.segments.progress(document_ids)
        docs = [await uow.documents.get_by_id(d) for d in document_ids]
    return {
        "chunks": sum(done for done, _ in counts.values()),
        "completed_docs": sum(1 for d in docs if d and d.indexing_status.value == "completed"),
        "tokens": sum(d.tokens for d in docs if d),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--paragraphs", type=int, default=12, help="paragraphs per document")
    parser.add_argument("--max-tokens", type=int, default=500, help="segmentation max_tokens (Dify's default 500)")
    parser.add_argument("--concurrency", type=int, default=2, help="indexing jobs at once (worker slots)")
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads per job")
    parser.add_argument("--model-batch", type=int, default=0,
                        help="the local model's texts a run (LocalOnnxEmbedder's batch_size; 0: its default)")
    parser.add_argument("--vector-store", default="pgvector", choices=("pgvector", "milvus"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--embedder", default="local", choices=("local", "remote"),
                        help="local MiniLM, or a loopback OpenAI-compatible /embeddings server")
    parser.add_argument("--dimensions", type=int, default=384, choices=(384, 1536), help="remote vectors' length")
    parser.add_argument("--profile", default="", help="cProfile the timed part into this file")
    parser.add_argument("--pg-statements", action="store_true",
                        help="load pg_stat_statements and print PostgreSQL's most expensive statements")
    args = parser.parse_args()
    instrument()
    storage = Path(tempfile.mkdtemp(prefix="weir-bench-indexing-"))
    settings = Settings(STORAGE_PATH=storage, VECTOR_STORE=args.vector_store, REDIS_URL=None, REDIS_HOST=None,
                        DB_HOST=None, _env_file=None)
    database = open_database(settings, migrate=True)
    if args.pg_statements:  # a preloaded library needs a restart
        with psycopg.connect(database.url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
            c.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
        close_database(settings, database)
        database = open_database(settings, migrate=False)
    args.postmaster_pid = _postmaster_pid(storage)
    try:
        with fake_embeddings(args.dimensions) if args.embedder == "remote" else contextlib.nullcontext() as served:
            args.remote_url, args.upstream_pid = served or (None, None)
            result = asyncio.run(bench(args, settings, database))
    finally:
        close_database(settings, database)
        shutil.rmtree(storage, ignore_errors=True)
    mb = result["bytes"] / 1e6
    average = result["tokens"] / max(1, result["chunks"])
    rows = [
        ("documents (completed)", f"{args.documents} ({result['completed_docs']})"),
        ("text", f"{mb:.2f} MB, {result['tokens']} tokens"),
        ("chunks", f"{result['chunks']} (max_tokens {args.max_tokens}, avg {average:.0f} tokens)"),
        ("wall time", f"{result['wall']:.1f} s ({args.concurrency} jobs x {args.threads} onnx thread)"),
        ("chunks/s", f"{result['chunks'] / result['wall']:.1f}"),
        *[(f"raw model texts/s, {n} at once", f"{texts / seconds:.1f} ({texts} texts in {seconds:.1f} s, the "
           f"pipeline's calls; pipeline/raw {result['chunks'] / result['wall'] / (texts / seconds):.2f}; "
           f"CPU {1000 * cpu / texts:.1f} ms a text)")
          for n, (texts, seconds, cpu) in (result["raw"] or {}).items()],
        ("seconds per MB", f"{result['wall'] / mb:.1f}"),
        ("peak RSS (this process)", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"),
        ("vector store", args.vector_store),
    ]
    width = max(len(k) for k, _ in rows)
    embedder = ("the local embedder (all-MiniLM-L6-v2 int8)" if args.embedder == "local"
                else f"a loopback OpenAI-compatible /embeddings ({args.dimensions}-d)")
    print(f"\nindexing with {embedder}, {__import__('os').cpu_count()} cores")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    chunks = max(1, result["chunks"])
    print("\nCPU during the timed part (seconds; ms per chunk)")
    for name, seconds in result["cpu"].items():
        print(f"  {name:<28} {seconds:7.2f}  {1000 * seconds / chunks:6.2f}")
    print(f"\nwall seconds per stage, summed over the {args.concurrency} jobs (calls; ms per chunk)")
    for name, (calls, seconds) in sorted(result["stages"].items(), key=lambda kv: -kv[1][1]):
        print(f"  {name:<32} {seconds:7.2f} ({calls:>5})  {1000 * seconds / chunks:6.2f}")
    if result["statements"]:
        print("\nPostgreSQL's statements by total time (pg_stat_statements)")
        for calls, total, rows_, query in result["statements"]:
            print(f"  {total / 1000:7.2f} s {calls:>6} calls {rows_:>7} rows  {query[:110]}")


if __name__ == "__main__":
    main()
