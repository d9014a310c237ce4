"""Embedding texts through the cache: only texts never embedded by this model reach the model."""

from collections.abc import Sequence

from domain.knowledge.errors import EmbeddingUnavailable
from domain.knowledge.ports import Embedder, VectorRecord
from domain.knowledge.segment import content_hash
from domain.knowledge.services import EmbeddingCache


async def dimension_of(embedder: Embedder) -> int:
    """The length of the model's vectors. A remote model configured without one (a custom model added with no
    dimension, a catalogue model such as text-embedding-3-small) knows it only from an answer, and a collection
    is made before the first batch is embedded: one short text is embedded to learn it (once per process)."""
    try:
        return embedder.dimension
    except EmbeddingUnavailable:
        return len(await embedder.embed_query("dimension"))


async def embed_cached(
    embedder: Embedder, cache: EmbeddingCache, provider: str, texts: Sequence[str]
) -> list[list[float]]:
    hashes = [content_hash(t) for t in texts]
    known = dict(await cache.get_many(provider, embedder.model_name, list(dict.fromkeys(hashes))))
    missing = list(dict.fromkeys(h for h in hashes if h not in known))
    if missing:
        text_of = dict(zip(hashes, texts, strict=True))
        vectors = await embedder.embed_documents([text_of[h] for h in missing])
        fresh = dict(zip(missing, vectors, strict=True))
        await cache.put_many(provider, embedder.model_name, fresh)
        known.update(fresh)
    return [known[h] for h in hashes]


def vector_records(
    items: Sequence[tuple[str, str, dict[str, str]]], vectors: Sequence[Sequence[float]]
) -> list[VectorRecord]:
    """(id, text, metadata) with their vectors, as vector store records."""
    return [
        VectorRecord(id=node_id, vector=vector, text=text, metadata=meta)
        for (node_id, text, meta), vector in zip(items, vectors, strict=True)
    ]
