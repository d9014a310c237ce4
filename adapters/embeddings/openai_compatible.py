"""Embeddings from any OpenAI-compatible `POST {base_url}/embeddings` (OpenAI, Ollama, vLLM, llama.cpp …).

Texts go in batches, a few batches at a time; a 429, a 5xx or a dropped connection is retried with
exponential backoff (honouring Retry-After), any other error fails at once. Vectors are L2-normalised
here, since not every server does it.
"""

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from domain.knowledge.errors import EmbeddingUnavailable

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_WAIT_SECONDS = 60.0


def _normalized(vectors: list[list[float]]) -> list[list[float]]:
    """L2-normalised rows, all at once (per float in Python this was ~0.5 ms a 384-d vector)."""
    import numpy as np  # imported on first use, as the local model does

    values = np.asarray(vectors, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError("embeddings of different lengths")
    norms = np.linalg.norm(values, axis=1, keepdims=True)
    return (values / np.where(norms == 0, 1.0, norms)).tolist()


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message", ""))[:200]
    return str(error or body)[:200]


def _retry_after(response: httpx.Response | None) -> float | None:
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class OpenAICompatibleEmbedder:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        model: str,
        dimension: int | None = None,
        *,
        batch_size: int = 64,
        max_concurrency: int = 4,
        max_retries: int = 5,
        timeout: float = 60.0,
        client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`dimension` None: learnt from the first answer. `client` lets the container share one pool."""
        self._url = base_url.rstrip("/") + "/embeddings"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._model = model
        self._dimension = dimension
        self._batch_size = batch_size
        self._slots = asyncio.Semaphore(max_concurrency)
        self._max_retries = max_retries
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self._sleep = sleep

    @property
    def model_name(self) -> str:
        return self._model

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            raise EmbeddingUnavailable(f"{self._model}: the dimension is known after the first embedding")
        return self._dimension

    async def aclose(self) -> None:
        await self._client.aclose()

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        batches = [list(texts[i : i + self._batch_size]) for i in range(0, len(texts), self._batch_size)]
        try:  # the first failure cancels the batches still running: no call is wasted on a lost cause
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._embed_batch(batch)) for batch in batches]
        except ExceptionGroup as failures:
            raise failures.exceptions[0] from None
        return [vector for task in tasks for vector in task.result()]

    async def embed_query(self, text: str) -> list[float]:
        return (await self.embed_documents([text]))[0]

    async def _embed_batch(self, texts: list[str]) -> list[list[float]]:
        # Servers refuse an empty string; a space embeds as "nothing" just as well.
        payload = {"model": self._model, "input": [t or " " for t in texts], "encoding_format": "float"}
        async with self._slots:
            body = await self._post(payload)
        try:
            rows = sorted(body["data"], key=lambda row: row["index"])
            vectors = _normalized([row["embedding"] for row in rows]) if rows else []
        except (KeyError, TypeError, ValueError) as error:
            raise EmbeddingUnavailable(f"{self._model}: unexpected answer from {self._url}") from error
        if len(vectors) != len(texts):
            raise EmbeddingUnavailable(f"{self._model}: asked for {len(texts)} embeddings, got {len(vectors)}")
        for vector in vectors:
            self._check_dimension(len(vector))
        return vectors

    def _check_dimension(self, got: int) -> None:
        if self._dimension is None:
            self._dimension = got
        elif got != self._dimension:
            raise EmbeddingUnavailable(f"{self._model}: expected vectors of dimension {self._dimension}, got {got}")

    async def _post(self, payload: dict[str, Any]) -> Any:
        for attempt in range(self._max_retries + 1):
            response: httpx.Response | None = None
            try:
                response = await self._client.post(self._url, json=payload, headers=self._headers)
            except httpx.TransportError as error:
                failure = f"{type(error).__name__}"
            else:
                if response.status_code < 400:
                    try:
                        return response.json()
                    except ValueError:
                        failure = "the answer is not JSON"
                        break
                failure = f"HTTP {response.status_code}: {_error_message(response)}"
                if response.status_code not in RETRYABLE_STATUS:
                    break
            if attempt == self._max_retries:
                break
            backoff = min(20.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2)
            await self._sleep(min(MAX_WAIT_SECONDS, _retry_after(response) or backoff))
        raise EmbeddingUnavailable(f"{self._model} at {self._url}: {failure}")
