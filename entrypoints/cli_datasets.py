"""`weir datasets …`: knowledge operations from the command line (re-indexing into a vector store)."""

import argparse
import sys
import time
from typing import TextIO
from uuid import UUID

from application.knowledge.reindex_datasets import ReindexRequest
from domain.knowledge.errors import DatasetNotFound

VECTOR_STORES = ("pgvector", "milvus")


class TextProgressBar:
    """`[#####-----] 50/100 segments  12.3/s` on one line of a terminal, redrawn at most 10 times a second;
    one line per update when the stream is not a terminal (logs stay readable)."""

    WIDTH = 30

    def __init__(self, stream: TextIO, label: str = "segments") -> None:
        self._stream, self._label = stream, label
        self._tty = stream.isatty()
        self._total = self._done = 0
        self._started = self._drawn = 0.0

    def start(self, total: int) -> None:
        self._total, self._done, self._started = total, 0, time.monotonic()
        self._draw(force=True)

    def advance(self, done: int) -> None:
        self._done += done
        self._draw(force=self._done >= self._total)

    def finish(self) -> None:
        if self._tty:
            self._stream.write("\n")
        self._stream.flush()

    def _draw(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        share = self._done / self._total if self._total else 1.0
        filled = round(share * self.WIDTH)
        rate = self._done / max(now - self._started, 1e-9)
        line = (f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {self._done}/{self._total} {self._label}"
                f"  {rate:.1f}/s")
        self._stream.write(("\r" + line) if self._tty else (line + "\n"))
        self._stream.flush()


async def _reindex(c, args: argparse.Namespace) -> dict:
    if args.to:
        c.config.knowledge.vector_store.override(args.to)
    operator = await c.find_operator().execute(args.email)
    try:
        dataset_id = UUID(args.dataset) if args.dataset else None
    except ValueError:
        raise DatasetNotFound() from None
    bar = TextProgressBar(sys.stderr)
    report = await c.knowledge.reindex_datasets().execute(ReindexRequest(operator.tenant.id, dataset_id), bar)
    bar.finish()
    return {"result": "success", "vector_store": args.to or c.config.knowledge.vector_store(),
            "datasets": report.datasets, "documents": report.documents, "segments": report.segments,
            "vectors": report.vectors}


def add_datasets_parser(groups) -> None:
    datasets = groups.add_parser("datasets", help="knowledge bases").add_subparsers(dest="action", required=True)
    reindex = datasets.add_parser(
        "reindex", help="embed and store every segment again, into the configured vector store or --to",
        description="Re-stores the vectors of the workspace's datasets (or of --dataset). Idempotent. After "
                    "--to milvus, set VECTOR_STORE=milvus (and MILVUS_URI if not the default) for the API.",
    )
    reindex.add_argument("--dataset", help="only this dataset (its id)")
    reindex.add_argument("--to", choices=VECTOR_STORES, help="the vector store to fill (default: VECTOR_STORE)")
    reindex.add_argument("--email", help="act in this account's workspace (default: the first account)")
    reindex.set_defaults(handler=_reindex)
