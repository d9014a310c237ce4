"""The local all-MiniLM-L6-v2 embedder, with the real model."""

import math

import pytest

from adapters.embeddings.local_onnx import LocalOnnxEmbedder


@pytest.fixture(scope="module")
def embedder():
    return LocalOnnxEmbedder()


def cosine(a, b) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


async def test_vectors_have_384_dimensions_and_unit_length(embedder):
    vectors = await embedder.embed_documents(["How do I get a refund?", "", "a " * 2000])
    assert embedder.dimension == 384 and embedder.model_name == "all-MiniLM-L6-v2"
    assert [len(v) for v in vectors] == [384, 384, 384]
    assert all(math.isclose(math.sqrt(sum(x * x for x in v)), 1.0, abs_tol=1e-5) for v in vectors)


async def test_similar_questions_are_closer_than_unrelated_text(embedder):
    refund, money_back, weather = await embedder.embed_documents(
        ["How do I get a refund?", "How can I return an item for my money back?", "The weather is sunny today"]
    )
    assert cosine(refund, money_back) > cosine(refund, weather) + 0.3


async def test_the_same_text_gives_the_same_vector_alone_or_in_a_batch(embedder):
    texts = [f"Sentence number {i} about returns and refunds, of some length {'x ' * i}" for i in range(40)]
    batch = await embedder.embed_documents(texts)
    again = await embedder.embed_documents(list(reversed(texts)))
    alone = await embedder.embed_query(texts[7])
    assert all(cosine(a, b) == pytest.approx(1.0, abs=1e-6) for a, b in zip(batch, reversed(again), strict=True))
    assert await embedder.embed_documents(texts) == batch
    assert cosine(alone, batch[7]) == pytest.approx(1.0, abs=1e-6)


async def test_no_texts_no_vectors(embedder):
    assert await embedder.embed_documents([]) == []
