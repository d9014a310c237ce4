"""Rerank models behind the Cohere / Jina style `POST {base_url}/rerank` (Jina, Cohere, SiliconFlow,
Xinference, vLLM, and OpenAI-compatible servers that add it).

Request `{model, query, documents: [str], top_n}`; answer `{results: [{index, relevance_score}]}`.
No retries: reranking sits in an interactive request, and a failure is reported at once as the
provider's error (Dify's `completion_request_error`) rather than a 500.
"""

from collections.abc import Sequence

import httpx

from domain.knowledge.rerank import RerankHit
from domain.models.errors import CompletionRequestError

DEFAULT_TIMEOUT_SECONDS = 60.0


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        error = body.get("error") or body.get("detail") or body.get("message") or body
        if isinstance(error, dict):
            error = error.get("message") or error
        return str(error)[:200]
    return str(body)[:200]


def _hits(body: object) -> list[RerankHit]:
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise ValueError("no results list")
    hits = []
    for result in results:
        if not isinstance(result, dict):
            raise ValueError(f"bad result {result!r}"[:200])
        index, score = result.get("index"), result.get("relevance_score")
        if isinstance(index, bool) or not isinstance(index, int) or not isinstance(score, int | float):
            raise ValueError(f"bad result {result!r}"[:200])
        hits.append(RerankHit(index, float(score)))
    return hits


class HttpRerankModel:
    def __init__(self, base_url: str, api_key: str | None, model: str, client: httpx.AsyncClient) -> None:
        self._url = base_url.rstrip("/") + "/rerank"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._model, self._client = model, client

    async def rerank(self, query: str, documents: Sequence[str], top_n: int) -> list[RerankHit]:
        if not documents:
            return []
        payload = {"model": self._model, "query": query, "documents": list(documents),
                   "top_n": max(1, min(top_n, len(documents)))}
        try:
            response = await self._client.post(self._url, json=payload, headers=self._headers)
        except httpx.HTTPError as error:
            raise CompletionRequestError(f"Rerank model {self._model}: {self._url} unreachable ({error!r})") from None
        if response.status_code >= 400:
            raise CompletionRequestError(
                f"Rerank model {self._model}: {response.status_code} {_error_message(response)}"
            )
        try:
            hits = _hits(response.json())
        except ValueError as error:
            raise CompletionRequestError(f"Rerank model {self._model}: malformed answer ({error})") from None
        # A server may ignore top_n; the contract promises at most top_n.
        return sorted(hits, key=lambda h: -h.score)[: payload["top_n"]]


class HttpRerankModelFactory:
    """One connection pool for every rerank endpoint; `aclose` at shutdown."""

    def __init__(self, timeout: float | None = None) -> None:
        self._client = httpx.AsyncClient(timeout=timeout or DEFAULT_TIMEOUT_SECONDS)

    def create(self, endpoint_url: str, api_key: str | None, model: str) -> HttpRerankModel:
        return HttpRerankModel(endpoint_url, api_key, model, self._client)

    async def aclose(self) -> None:
        await self._client.aclose()
