"""The rerank pieces alone: applying a model's verdict, the retrieval model's switch, the HTTP adapter."""

import json

import httpx
import pytest

from adapters.llm.rerank_http import HttpRerankModel
from domain.knowledge.rerank import RerankHit, RerankSetting, apply_rerank
from domain.knowledge.retrieval_model import parse_retrieval_model
from domain.knowledge.scoring import Scored
from domain.models.errors import CompletionRequestError

CANDIDATES = [Scored("a", 0.9), Scored("b", 0.8), Scored("c", 0.7)]
NAMED = {"reranking_provider_name": "jina", "reranking_model_name": "jina-reranker-v2"}


def test_the_models_scores_and_order_replace_the_search_ones():
    hits = [RerankHit(2, 0.95), RerankHit(0, 0.2), RerankHit(1, 0.6)]
    assert apply_rerank(CANDIDATES, hits, top_n=2, score_threshold=None) == [Scored("c", 0.95), Scored("b", 0.6)]
    assert apply_rerank(CANDIDATES, hits, top_n=3, score_threshold=0.5) == [Scored("c", 0.95), Scored("b", 0.6)]


def test_bad_indexes_are_ignored_and_ties_keep_the_models_order():
    hits = [RerankHit(7, 1.0), RerankHit(-1, 1.0), RerankHit(1, 0.5), RerankHit(1, 0.9), RerankHit(0, 0.5)]
    assert apply_rerank(CANDIDATES, hits, top_n=5, score_threshold=None) == [Scored("b", 0.5), Scored("a", 0.5)]


@pytest.mark.parametrize(("raw", "expected"), [
    ({"reranking_enable": True, "reranking_model": NAMED}, RerankSetting("jina", "jina-reranker-v2")),
    ({"reranking_enable": False, "reranking_model": NAMED}, None),
    ({"reranking_enable": True, "reranking_model": {"reranking_provider_name": "", "reranking_model_name": ""}}, None),
    ({"search_method": "hybrid_search", "reranking_enable": True, "reranking_mode": "weighted_score",
      "reranking_model": NAMED}, None),
    ({"search_method": "hybrid_search", "reranking_enable": True, "reranking_mode": "reranking_model",
      "reranking_model": NAMED}, RerankSetting("jina", "jina-reranker-v2")),
])
def test_when_the_retrieval_model_reranks(raw, expected):
    assert parse_retrieval_model(raw).reranker == expected


def _model(handler) -> HttpRerankModel:
    return HttpRerankModel("http://rerank.test/v1/", "sk-j", "jina-reranker-v2",
                           httpx.AsyncClient(transport=httpx.MockTransport(handler)))


async def test_the_adapter_speaks_the_rerank_wire_and_holds_to_top_n():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers["authorization"], json.loads(request.content)))
        # A server ignoring top_n: all three come back.
        return httpx.Response(200, json={"results": [{"index": 0, "relevance_score": 0.1},
                                                     {"index": 2, "relevance_score": 0.9},
                                                     {"index": 1, "relevance_score": 0.5}]})

    hits = await _model(handler).rerank("q", ["x", "y", "z"], 2)
    assert hits == [RerankHit(2, 0.9), RerankHit(1, 0.5)]
    assert seen == [("http://rerank.test/v1/rerank", "Bearer sk-j",
                     {"model": "jina-reranker-v2", "query": "q", "documents": ["x", "y", "z"], "top_n": 2})]
    assert await _model(handler).rerank("q", [], 2) == [] and len(seen) == 1


@pytest.mark.parametrize("response", [
    httpx.Response(401, json={"error": {"message": "invalid api key"}}),
    httpx.Response(200, json={"data": []}),
    httpx.Response(200, json={"results": [{"index": "0", "relevance_score": 1}]}),
    httpx.Response(200, text="not json"),
    httpx.Response(200, json={"results": [1]}),
    httpx.Response(200, json=[]),
])
async def test_failures_and_nonsense_are_completion_request_errors(response):
    with pytest.raises(CompletionRequestError):
        await _model(lambda request: response).rerank("q", ["x"], 1)


async def test_an_unreachable_endpoint_is_a_completion_request_error():
    def handler(request):
        raise httpx.ConnectError("refused")

    with pytest.raises(CompletionRequestError, match="unreachable"):
        await _model(handler).rerank("q", ["x"], 1)
